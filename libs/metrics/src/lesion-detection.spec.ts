import { MetricsShapeMismatchError } from './errors';
import type { GridShape } from './grid';
import { absoluteLesionCountDifference, lesionWiseF1 } from './lesion-detection';
import { box, maskOf } from './test-masks';

const shape: GridShape = [12, 6, 4];

describe('lesionWiseF1', () => {
  it("is 1 with no TP/FP/FN when neither mask has a lesion (ISLES'22 empty_value)", () => {
    const empty = maskOf(shape, []);
    expect(lesionWiseF1(empty, empty, shape)).toEqual({ f1: 1, tp: 0, fp: 0, fn: 0 });
  });

  it('is 0 when only one mask has lesions', () => {
    const lesion = maskOf(shape, box(1, 3, 1, 3, 1, 3));
    const empty = maskOf(shape, []);
    expect(lesionWiseF1(empty, lesion, shape)).toEqual({ f1: 0, tp: 0, fp: 0, fn: 1 });
    expect(lesionWiseF1(lesion, empty, shape)).toEqual({ f1: 0, tp: 0, fp: 1, fn: 0 });
  });

  it('counts a GT lesion split into two predicted pieces as one TP and no FP', () => {
    const gt = maskOf(shape, box(0, 8, 1, 3, 1, 3));
    const pred = maskOf(shape, [...box(0, 3, 1, 3, 1, 3), ...box(5, 8, 1, 3, 1, 3)]);
    expect(lesionWiseF1(pred, gt, shape)).toEqual({ f1: 1, tp: 1, fp: 0, fn: 0 });
    expect(absoluteLesionCountDifference(pred, gt, shape)).toBe(1);
  });

  it('counts a missed lesion as FN and a prediction off every lesion as FP', () => {
    // GT: lesions at x 0–1 (found) and x 5–6 (missed); pred: overlaps the first by one voxel, plus a blob at x 10–11.
    const gt = maskOf(shape, [...box(0, 2, 0, 2, 0, 2), ...box(5, 7, 0, 2, 0, 2)]);
    const pred = maskOf(shape, [[1, 1, 1], ...box(10, 12, 4, 6, 2, 4)]);
    // TP 1, FP 1, FN 1 → F1 = 1 / (1 + (1 + 1) / 2) = 0.5.
    expect(lesionWiseF1(pred, gt, shape)).toEqual({ f1: 0.5, tp: 1, fp: 1, fn: 1 });
    expect(absoluteLesionCountDifference(pred, gt, shape)).toBe(0);
  });

  it('treats one predicted blob bridging two GT lesions as two TPs', () => {
    const gt = maskOf(shape, [...box(0, 2, 0, 2, 0, 1), ...box(4, 6, 0, 2, 0, 1)]);
    const pred = maskOf(shape, box(1, 5, 0, 1, 0, 1));
    expect(lesionWiseF1(pred, gt, shape)).toEqual({ f1: 1, tp: 2, fp: 0, fn: 0 });
    expect(absoluteLesionCountDifference(pred, gt, shape)).toBe(1);
  });

  it('rejects masks of different lengths or a shape they do not fill', () => {
    expect(() => lesionWiseF1(new Uint8Array(288), new Uint8Array(287), shape)).toThrow(MetricsShapeMismatchError);
    expect(() => lesionWiseF1(new Uint8Array(10), new Uint8Array(10), shape)).toThrow(
      'ground truth has 10 voxels but shape [12, 6, 4] needs 288',
    );
    expect(() => absoluteLesionCountDifference(new Uint8Array(10), new Uint8Array(9), shape)).toThrow(
      /prediction has 10 voxels but ground truth has 9/,
    );
  });
});
