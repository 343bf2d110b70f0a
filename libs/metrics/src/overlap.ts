import { assertSameLength } from './grid';

/**
 * Dice = 2|A∩B| / (|A| + |B|) over binary masks (nonzero = foreground), 1.0 when both are empty: the ISLES'22
 * scoring's `compute_dice(..., empty_value=1.0)`. Order of arguments does not matter.
 */
export function dice(pred: ArrayLike<number>, gt: ArrayLike<number>): number {
  assertSameLength(pred, gt);
  let predCount = 0;
  let gtCount = 0;
  let overlap = 0;
  for (let v = 0; v < pred.length; v++) {
    const p = pred[v] !== 0;
    const g = gt[v] !== 0;
    if (p) predCount++;
    if (g) gtCount++;
    if (p && g) overlap++;
  }
  const total = predCount + gtCount;
  return total === 0 ? 1 : (2 * overlap) / total;
}

/**
 * Soft Dice = 2 Σ p·g / (Σ p + Σ g) with p the predicted probabilities and g the binary ground truth (nonzero = 1);
 * 1.0 when both sums are zero, as for the hard Dice. Differentiable in p, so it tracks training progress before the
 * predictions are confident enough for the thresholded Dice to move.
 */
export function softDice(prob: ArrayLike<number>, gt: ArrayLike<number>): number {
  assertSameLength(prob, gt);
  let probSum = 0;
  let gtCount = 0;
  let overlap = 0;
  for (let v = 0; v < prob.length; v++) {
    const p = prob[v];
    probSum += p;
    if (gt[v] !== 0) {
      gtCount++;
      overlap += p;
    }
  }
  const total = probSum + gtCount;
  return total === 0 ? 1 : (2 * overlap) / total;
}
