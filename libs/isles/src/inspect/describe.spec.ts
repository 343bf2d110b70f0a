import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDataset } from '@fedstroke/synth';
import { DatasetLayoutError } from '../errors';
import { describeCase, findCaseFiles, findCaseInDataset } from './describe-case';
import { describeVolume } from './describe-volume';

const FIXTURE = path.resolve(__dirname, '../../../../../shared/fixtures/isles22-case0001');

describe("describeVolume on the real ISLES'22 DWI", () => {
  it('reports shape, spacing, datatype, affine source and both xform codes', async () => {
    const d = await describeVolume(path.join(FIXTURE, 'sub-strokecase0001_ses-0001_dwi.nii.gz'));
    expect(d.shape).toEqual([112, 112, 73]);
    expect(d.spacing.map((s) => Number(s.toFixed(3)))).toEqual([2, 2, 2]);
    expect(d.datatype).toMatch(/^float64/);
    expect([d.sformCode, d.qformCode, d.affineSource]).toEqual([1, 2, 'sform']);
    expect(d.affine[0][3]).toBeCloseTo(110.2013, 3);
    expect(d.range.max).toBeGreaterThan(d.range.min);
    expect(d.nanVoxels).toBe(0);
  });
});

describe('describeCase', () => {
  it('finds DWI and ADC in a flat case folder and names what is missing', async () => {
    const c = await describeCase(await findCaseFiles(FIXTURE));
    expect(c.dwi?.shape).toEqual([112, 112, 73]);
    expect(c.adc?.shape).toEqual([112, 112, 73]);
    expect(c.missing).toEqual(['FLAIR', 'msk']);
    expect(c.onDwiGrid).toEqual({ adc: true });
  });

  it('reports the mask of a synthetic case: voxels, mL and 26-connected lesions as generated', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'describe-'));
    try {
      const summary = await generateDataset({
        outDir: root,
        cases: 2,
        sites: 2,
        seed: 9,
        shape: [32, 32, 20],
        spacing: [5, 5, 6],
        silent: true,
      });
      for (const generated of summary.cases) {
        const c = await describeCase(await findCaseInDataset(root, generated.id));
        expect(c.missing).toEqual([]);
        expect(c.onDwiGrid).toEqual({ adc: true, flair: false, mask: true });
        expect(c.mask?.binary).toBe(true);
        expect(c.mask?.lesionVoxels).toBe(generated.lesionVoxels);
        expect(c.mask?.lesionVolumeMl).toBeCloseTo(generated.lesionVolumeMl, 3); // the header stores the affine in float32
        expect(c.mask?.lesionCount).toBe(generated.lesionCount);
      }
      // A session folder inside rawdata/ finds its mask under derivatives/.
      const session = await findCaseFiles(path.join(root, 'rawdata', summary.cases[0].id, 'ses-0001'));
      expect(session.files.msk).toContain(path.join('derivatives', summary.cases[0].id));
      await expect(findCaseInDataset(root, 'sub-nobody')).rejects.toThrow(DatasetLayoutError);
      await expect(findCaseInDataset(root, 'sub-nobody')).rejects.toThrow(/cases include sub-strokecase0001/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
