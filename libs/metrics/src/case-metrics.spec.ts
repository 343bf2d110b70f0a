import { InvalidArgumentError } from '@fedstroke/common';
import { caseMetrics } from './case-metrics';
import { MetricsShapeMismatchError } from './errors';
import type { GridShape } from './grid';
import { absoluteVolumeDifferenceMl } from './volume';
import { box, maskOf } from './test-masks';

const shape: GridShape = [10, 10, 6];

describe('caseMetrics', () => {
  it("computes every ISLES'22 figure on non-isotropic voxels (0.5 × 0.5 × 5 mm = 1.25 mm³)", () => {
    // Voxel = 0.5 * 0.5 * 5 = 1.25 mm³ = 0.00125 mL.
    const gt = maskOf(shape, [...box(0, 4, 0, 4, 0, 2), ...box(8, 10, 8, 10, 4, 6)]); // 32 + 8 voxels, 2 lesions
    const pred = maskOf(shape, box(0, 4, 0, 4, 0, 1)); // 16 voxels inside the first lesion, 1 lesion
    const result = caseMetrics(pred, gt, shape, [0.5, 0.5, 5]);
    expect(result.dice).toBeCloseTo((2 * 16) / (16 + 40), 12);
    expect(result.gtVolumeMl).toBeCloseTo(40 * 0.00125, 12);
    expect(result.predVolumeMl).toBeCloseTo(16 * 0.00125, 12);
    expect(result.avdMl).toBeCloseTo(24 * 0.00125, 12);
    expect(result).toMatchObject({ ald: 1, tp: 1, fp: 0, fn: 1, gtLesions: 2, predLesions: 1 });
    expect(result.lesionF1).toBeCloseTo(1 / 1.5, 12);
  });

  it('gives Dice 1, F1 1, AVD 0 and ALD 0 for two empty masks', () => {
    const empty = new Float32Array(600);
    expect(caseMetrics(empty, empty, shape, [1, 1, 1])).toEqual({
      dice: 1,
      avdMl: 0,
      ald: 0,
      lesionF1: 1,
      tp: 0,
      fp: 0,
      fn: 0,
      gtVolumeMl: 0,
      predVolumeMl: 0,
      gtLesions: 0,
      predLesions: 0,
    });
  });

  it('rejects mismatched inputs and a spacing that is not three positive sizes', () => {
    expect(() => caseMetrics(new Uint8Array(600), new Uint8Array(599), shape, [1, 1, 1])).toThrow(
      MetricsShapeMismatchError,
    );
    expect(() => caseMetrics(new Uint8Array(600), new Uint8Array(600), shape, [1, 0, 1])).toThrow(InvalidArgumentError);
  });
});

describe('absoluteVolumeDifferenceMl', () => {
  it('is |#gt − #pred| voxels times the voxel volume in mL, symmetric', () => {
    const a = Uint8Array.of(1, 1, 1, 0);
    const b = Uint8Array.of(0, 0, 0, 1);
    expect(absoluteVolumeDifferenceMl(a, b, 0.008)).toBeCloseTo(0.016, 12); // 2 mm isotropic voxels
    expect(absoluteVolumeDifferenceMl(b, a, 0.008)).toBeCloseTo(0.016, 12);
    expect(() => absoluteVolumeDifferenceMl(a, Uint8Array.of(1), 1)).toThrow(MetricsShapeMismatchError);
  });
});
