import { Autodiff } from '../autodiff';
import { GraphBuildError } from '../errors';
import { add, bceWithLogits, constant, conv3d, div, mul, reduceSum } from '../functional';
import { formatShape, Tensor } from '../tensor';

/**
 * A lesion-wise BCE term: BCE on the lesion voxels, each weighted by the inverse of the lesion fraction in its
 * k³ neighbourhood, s = y / (box_k(y) + ε), normalised by Σ s. A voxel inside a large lesion has a neighbourhood
 * full of lesion (s ≈ 1); a lesion of V < k³ voxels has s ≈ k³ / V on each of its voxels, so every lesion smaller
 * than the box carries about the same total weight (≈ k³) whatever its size, and larger lesions weigh by volume, as
 * Dice and BCE already weigh them. The weights come from the label alone (a Conv with a constant box kernel on a
 * tensor that needs no gradient), so the backward pass is BCE's own.
 */
export function smallLesionBce(ad: Autodiff, logits: Tensor, target: Tensor, kernel = 7, smooth = 1e-5): Tensor {
  if (kernel % 2 !== 1 || kernel < 1) throw new GraphBuildError(`smallLesionBce: kernel ${kernel} must be odd and ≥ 1`);
  if (logits.shape.length !== 5 || target.shape.length !== 5) {
    throw new GraphBuildError(
      `smallLesionBce: logits ${formatShape(logits.shape)} and target ${formatShape(target.shape)} must be [N, 1, D, H, W]`,
    );
  }
  const box = ad.graph.floats(new Array<number>(kernel ** 3).fill(1 / kernel ** 3), [1, 1, kernel, kernel, kernel]);
  const density = conv3d(ad, target, box, undefined, { kernel, stride: 1, padding: (kernel - 1) / 2 });
  const weight = div(ad, target, add(ad, density, constant(ad, 1e-3)));
  const all = [...logits.shape.keys()];
  const weighted = reduceSum(ad, mul(ad, weight, bceWithLogits(ad, logits, target)), all);
  return div(ad, weighted, add(ad, reduceSum(ad, weight, all), constant(ad, smooth)));
}
