import type { Vec3 } from '@fedstroke/nifti';
import { dilate, susceptibilityArtefactRegions, volumeInsideOutside } from './artefact-regions';

const shape: Vec3 = [30, 30, 30];
const at = (i: number, j: number, k: number) => i + 30 * (j + 30 * k);
/** 2 mm voxels, RAS storage (j anterior, k superior), so world position follows the index. */
const affine = Float64Array.from([2, 0, 0, -30, 0, 2, 0, -30, 0, 0, 2, -30, 0, 0, 0, 1]);

/** A cube of parenchyma (DWI 100, ADC 0.8) holding three bright 4×4×4 spots. */
function phantom(): { dwi: Float32Array; adc: Float32Array } {
  const dwi = new Float32Array(30 ** 3);
  const adc = new Float32Array(30 ** 3);
  for (let k = 2; k < 28; k++)
    for (let j = 2; j < 28; j++)
      for (let i = 2; i < 28; i++) {
        dwi[at(i, j, k)] = 100;
        adc[at(i, j, k)] = 0.8;
      }
  const spot = (i0: number, j0: number, k0: number, adcValue: number) => {
    for (let k = k0; k < k0 + 4; k++)
      for (let j = j0; j < j0 + 4; j++)
        for (let i = i0; i < i0 + 4; i++) {
          dwi[at(i, j, k)] = 300;
          adc[at(i, j, k)] = adcValue;
        }
  };
  spot(4, 20, 5, 1.0); // front, low, unrestricted: a susceptibility artefact
  spot(20, 20, 5, 0.4); // front, low, restricted: a lesion
  spot(4, 4, 5, 1.0); // back, low, unrestricted: not where the sinuses are
  return { dwi, adc };
}

describe('susceptibilityArtefactRegions', () => {
  const { dwi, adc } = phantom();
  const found = susceptibilityArtefactRegions({ data: dwi, shape, affine }, adc, { minMl: 0.3, marginVoxels: 1 });

  it('keeps the bright, unrestricted spot in the lower front only', () => {
    expect(found.regions).toHaveLength(1);
    expect(found.regions[0]).toMatchObject({ voxels: 64, centroid: [5.5, 21.5, 6.5] });
    expect(found.regions[0].volumeMl).toBeCloseTo(0.512, 6);
    expect(found.regions[0].dwiRatio).toBeCloseTo(3, 6);
    expect(found.parenchymaAdcMedian).toBeCloseTo(0.8, 6);
  });

  it('grows the region by the margin, within the brain', () => {
    // 6×6×6 after one step of 26-neighbour dilation.
    expect(found.mask.reduce((a, b) => a + b, 0)).toBe(216);
    const prediction = new Uint8Array(30 ** 3);
    prediction[at(3, 19, 4)] = 1; // the grown corner
    prediction[at(21, 21, 6)] = 1; // inside the lesion
    const { insideMl, outsideMl } = volumeInsideOutside(prediction, found.mask, 0.008);
    expect(insideMl).toBeCloseTo(0.008, 9);
    expect(outsideMl).toBeCloseTo(0.008, 9);
  });

  it('dilate stops at the grid edge', () => {
    const one = new Uint8Array(27);
    one[0] = 1;
    expect(dilate(one, [3, 3, 3], 1).reduce((a, b) => a + b, 0)).toBe(8);
  });
});
