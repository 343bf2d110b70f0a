import { Autodiff } from '../autodiff';
import { GraphBuildError } from '../errors';
import { add, bceWithLogits, constant, div, mul, reduceMean, reduceSum, sigmoid, sub } from '../functional';
import { formatShape, Tensor } from '../tensor';

export interface DiceBceLoss {
  /** Scalar: mean BCE + (1 − mean over the batch of per-sample soft Dice). */
  loss: Tensor;
  /** σ(logits). */
  prob: Tensor;
}

/**
 * The nnU-Net-style binary segmentation loss, exactly as torch_unet3d.py's dice_bce_loss: BCE-with-logits averaged
 * over every voxel, plus 1 − soft Dice where Dice is computed per sample over all non-batch axes on σ(logits) with
 * `smooth` in numerator and denominator, then averaged over the batch.
 */
export function diceBceLoss(ad: Autodiff, logits: Tensor, target: Tensor, smooth = 1e-5): DiceBceLoss {
  if (logits.shape.length !== target.shape.length) {
    throw new GraphBuildError(
      `diceBceLoss: logits ${formatShape(logits.shape)} and target ${formatShape(target.shape)} differ in rank`,
    );
  }
  const all = [...logits.shape.keys()];
  const perSample = all.slice(1);
  const bce = reduceMean(ad, bceWithLogits(ad, logits, target), all);
  const prob = sigmoid(ad, logits);
  const overlap = reduceSum(ad, mul(ad, prob, target), perSample);
  const numerator = add(ad, mul(ad, constant(ad, 2), overlap), constant(ad, smooth));
  const denominator = add(
    ad,
    add(ad, reduceSum(ad, prob, perSample), reduceSum(ad, target, perSample)),
    constant(ad, smooth),
  );
  const dice = reduceMean(ad, div(ad, numerator, denominator), [0]);
  return { loss: add(ad, bce, sub(ad, constant(ad, 1), dice)), prob };
}
