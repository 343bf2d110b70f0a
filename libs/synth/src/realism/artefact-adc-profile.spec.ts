import type { ArtefactRegions } from './artefact-regions';
import { ArtefactAdcSamples, PROFILE_DWI_EDGES } from './artefact-adc-profile';

/** One case: 20 parenchyma voxels (DWI 100, ADC 0.8) and an artefact of the given (DWI, ADC) voxels. */
function caseWith(artefact: Array<[number, number]>, adcScale = 1) {
  const n = 20 + artefact.length;
  const dwi = new Float32Array(n).fill(100);
  const adc = new Float32Array(n).fill(0.8 * adcScale);
  const mask = new Uint8Array(n);
  artefact.forEach(([d, a], i) => {
    dwi[20 + i] = d;
    adc[20 + i] = a * adcScale;
    mask[20 + i] = 1;
  });
  const regions: ArtefactRegions = {
    regions: [],
    mask,
    parenchymaDwiMedian: 100,
    parenchymaAdcMedian: 0.8,
    adcToStandard: adcScale === 1 ? 1 : 1 / adcScale,
  };
  return { dwi, adc, regions };
}

describe('the ADC inside artefact regions by DWI brightness', () => {
  // Ten voxels at DWI 2× and ten at 4× the parenchyma; ADC over the parenchyma's 0.5..1.4 in each.
  const ratios = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4];
  const artefact: Array<[number, number]> = [
    ...ratios.map((r): [number, number] => [200, 0.8 * r]),
    ...ratios.map((r): [number, number] => [400, 0.8 * r]),
  ];

  it('bins the voxels by DWI over the parenchyma and gives percentiles and the restricted share of the ADC', () => {
    const samples = new ArtefactAdcSamples();
    const c = caseWith(artefact);
    samples.add(c.dwi, c.adc, c.regions);
    expect(samples.voxels).toBe(20);
    const [low, mid, high, top] = samples.profile();
    expect(PROFILE_DWI_EDGES).toEqual([1.8, 2.5, 3, 3.5]);
    expect([low.dwiFrom, low.dwiTo, top.dwiFrom, top.dwiTo]).toEqual([1.8, 2.5, 3.5, null]);
    for (const bin of [low, top]) {
      expect(bin.voxels).toBe(10);
      expect(bin.adcP10).toBeCloseTo(0.5, 6);
      expect(bin.adcMedian).toBeCloseTo(0.9, 6);
      expect(bin.adcP90).toBeCloseTo(1.3, 6);
      expect(bin.shareRestricted).toBeCloseTo(0.4, 9); // 0.5, 0.6, 0.7, 0.8 < 0.85
    }
    expect([mid.voxels, mid.adcMedian, high.voxels, high.shareRestricted]).toEqual([0, null, 0, null]);
  });

  it('reads ADC stored in 10^-6 mm²/s, leaves out excluded voxels, and pools cases', () => {
    const samples = new ArtefactAdcSamples();
    const micro = caseWith(artefact, 1000);
    const exclude = new Uint8Array(micro.dwi.length);
    exclude.fill(1, 20, 30); // the 2× voxels: a lesion's border, say
    samples.add(micro.dwi, micro.adc, micro.regions, exclude);
    expect(samples.profile()[0].voxels).toBe(0);
    expect(samples.profile()[3].adcMedian).toBeCloseTo(0.9, 6);
    const plain = caseWith(artefact);
    samples.add(plain.dwi, plain.adc, plain.regions);
    expect(samples.voxels).toBe(30);
    expect(samples.profile()[3].voxels).toBe(20);
  });
});
