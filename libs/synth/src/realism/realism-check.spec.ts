import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDataset } from '../dataset-writer';
import { checkRealism, readRealCase } from './realism-check';
import { realismChartSvg } from './realism-plot';

const REAL = path.resolve(__dirname, '../../../../../shared/fixtures/isles22-case0001');
const real = {
  dwi: path.join(REAL, 'sub-strokecase0001_ses-0001_dwi.nii.gz'),
  adc: path.join(REAL, 'sub-strokecase0001_ses-0001_adc.nii.gz'),
};

describe('checkRealism on a small synthetic set and the real ISLES22 case', () => {
  let dir: string;
  let report: Awaited<ReturnType<typeof checkRealism>>;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'synth-realism-'));
    await generateDataset({ outDir: dir, cases: 3, sites: 3, seed: 5, silent: true, shape: [48, 48, 32] });
    report = await checkRealism(dir, await readRealCase(real));
  }, 60_000);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('gives per-center and pooled histograms that are distributions, with their overlap with the real case', () => {
    expect(report.synthetic.map((s) => [s.label, s.cases])).toEqual([
      ['center-1', 1],
      ['center-2', 1],
      ['center-3', 1],
      ['all centers', 3],
    ]);
    for (const h of [report.real.dwi, report.real.adc, ...report.synthetic.flatMap((s) => [s.dwi, s.adc])])
      expect(h.density.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const s of report.synthetic) {
      expect(s.dwiOverlap).toBeGreaterThan(0.3);
      expect(s.adcOverlap).toBeGreaterThan(0.3);
      expect(s.adcOverlap).toBeLessThanOrEqual(1);
    }
    // center-3 stores ADC in 10^-6 mm²/s: brought to 10^-3, its tissue peak sits below 1.5 like the others.
    const peak = (density: number[]) => -0.5 + (density.indexOf(Math.max(...density)) + 0.5) * 0.1;
    expect(peak(report.synthetic[2].adc.density)).toBeLessThan(1.5);
  });

  it("finds the real case's two temporal-pole artefacts: bright on DWI, ADC above the parenchyma's", () => {
    const regions = report.real.artefacts.regions;
    expect(regions).toHaveLength(2);
    for (const r of regions) {
      expect(r.volumeMl).toBeGreaterThan(1);
      expect(r.dwiRatio).toBeGreaterThan(2.5);
      expect(r.adc).toBeGreaterThan(report.real.artefacts.parenchymaAdcMedian);
    }
    // Their ADC by DWI brightness: most voxels unrestricted, some on the flank below 0.85 × the parenchyma's.
    const [bright] = report.real.artefactAdc;
    expect(bright.voxels).toBeGreaterThan(100);
    expect(bright.adcMedian).toBeGreaterThan(1);
    expect(bright.shareRestricted).toBeGreaterThan(0.03);
    expect(bright.shareRestricted).toBeLessThan(0.25);
    // Mirror images across the midline (voxel x 32 and 78 of 112), at one height.
    expect(regions[0].centroid[0] + regions[1].centroid[0]).toBeCloseTo(110, -1);
    expect(Math.abs(regions[0].centroid[2] - regions[1].centroid[2])).toBeLessThan(2);
  });

  it("profiles the synthetic cases' artefact ADC with the same rule, per center and pooled", () => {
    const pooled = report.synthetic[3].artefactAdc;
    const perCenter = report.synthetic.slice(0, 3).map((s) => s.artefactAdc);
    pooled.forEach((bin, b) => expect(bin.voxels).toBe(perCenter.reduce((sum, p) => sum + p[b].voxels, 0)));
    expect(pooled[0].voxels).toBeGreaterThan(0);
  });

  it('scores the threshold rule on every case and draws both panels', () => {
    expect(report.thresholdRule.cases).toBe(3);
    expect(report.thresholdRule.dwiAndAdc.meanDice).toBeGreaterThanOrEqual(report.thresholdRule.dwiOnly.meanDice);
    const svg = realismChartSvg(report);
    expect(svg.match(/<svg x="/g)).toHaveLength(2);
    expect(svg).toContain('real ISLES&#39;22 case');
  });
});
