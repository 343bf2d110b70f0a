import { labelComponents, type ComponentLabels } from './connected-components';
import { assertFitsShape, assertSameLength, type GridShape } from './grid';

/** Lesion-wise detection counts and F1 (ISLES'22). */
export interface LesionDetection {
  f1: number;
  /** GT lesions that touch the prediction by at least one voxel. */
  tp: number;
  /** Predicted lesions that touch no GT voxel. */
  fp: number;
  /** GT lesions that touch no predicted voxel. */
  fn: number;
}

/**
 * F1 = TP / (TP + (FP + FN) / 2), from already labelled components of both masks (26-connected).
 *
 * As the ISLES'22 scoring defines it (`compute_lesion_f1_score`): TP counts GT lesions that any predicted voxel
 * touches, FP predicted components that touch no GT voxel. So one huge predicted component over several lesions
 * makes each of them a TP and costs no FP: a model that over-segments (hundreds of mL marked for a few mL of lesion)
 * can score F1 0.8-0.9 at Dice 0.06 once a minimum lesion size removes its small components. That is the metric, not
 * a matching bug; read lesion F1 beside Dice and the predicted against the true volume.
 *
 * When neither mask has a lesion, TP = FP = FN = 0 and the ratio is 0/0; we return 1.0, as the ISLES'22 scoring does
 * (`compute_lesion_f1_score(..., empty_value=1.0)`): correctly predicting "no lesion" is a perfect detection, and it
 * matches Dice's both-empty convention so the two metrics agree on lesion-free cases.
 */
export function lesionDetectionFromLabels(pred: ComponentLabels, gt: ComponentLabels): LesionDetection {
  const gtHit = new Uint8Array(gt.count + 1);
  const predHit = new Uint8Array(pred.count + 1);
  const predLabels = pred.labels;
  const gtLabels = gt.labels;
  // One pass: a voxel in both masks marks its GT lesion as detected and its predicted lesion as matched.
  for (let v = 0; v < gtLabels.length; v++) {
    const g = gtLabels[v];
    const p = predLabels[v];
    if (g !== 0 && p !== 0) {
      gtHit[g] = 1;
      predHit[p] = 1;
    }
  }
  let tp = 0;
  for (let l = 1; l <= gt.count; l++) tp += gtHit[l];
  let matchedPred = 0;
  for (let l = 1; l <= pred.count; l++) matchedPred += predHit[l];
  const fn = gt.count - tp;
  const fp = pred.count - matchedPred;
  const denominator = tp + (fp + fn) / 2;
  return { f1: denominator === 0 ? 1 : tp / denominator, tp, fp, fn };
}

/** Lesion-wise F1 with TP/FP/FN counts (see `lesionDetectionFromLabels`). */
export function lesionWiseF1(pred: ArrayLike<number>, gt: ArrayLike<number>, shape: GridShape): LesionDetection {
  assertSameLength(pred, gt);
  assertFitsShape(gt, shape, 'ground truth');
  return lesionDetectionFromLabels(labelComponents(pred, shape), labelComponents(gt, shape));
}

/** ALD = |#lesions(GT) − #lesions(pred)|, lesions being 26-connected components. */
export function absoluteLesionCountDifference(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  shape: GridShape,
): number {
  assertSameLength(pred, gt);
  assertFitsShape(gt, shape, 'ground truth');
  return Math.abs(labelComponents(gt, shape).count - labelComponents(pred, shape).count);
}
