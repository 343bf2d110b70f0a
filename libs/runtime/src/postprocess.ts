/**
 * Probabilities → binary lesion mask: threshold, then drop connected components (26-connectivity, as ISLES'22
 * scores them) smaller than `minComponentVoxels` — isolated false-positive specks.
 */
import { labelComponents } from '@fedstroke/metrics';
import { InputShapeError } from './errors';

export interface PostprocessOptions {
  /** Default 0.5. */
  threshold?: number;
  /** Components with fewer voxels are removed. Default 0 (keep all). */
  minComponentVoxels?: number;
}

/** `shape` is the volume's [nx, ny, nz] (x fastest), i.e. [W, H, D] of the probability tensor. */
export function postprocess(
  prob: Float32Array,
  shape: readonly [number, number, number],
  options: PostprocessOptions = {},
): Uint8Array {
  const voxels = shape[0] * shape[1] * shape[2];
  if (prob.length !== voxels) {
    throw new InputShapeError(`probability map has ${prob.length} voxels, shape [${shape.join(', ')}] needs ${voxels}`);
  }
  const threshold = options.threshold ?? 0.5;
  const mask = new Uint8Array(voxels);
  for (let i = 0; i < voxels; i++) mask[i] = prob[i] > threshold ? 1 : 0;
  const minimum = options.minComponentVoxels ?? 0;
  if (minimum <= 1) return mask;
  const { labels, sizes } = labelComponents(mask, shape);
  for (let i = 0; i < voxels; i++) if (labels[i] > 0 && sizes[labels[i] - 1] < minimum) mask[i] = 0;
  return mask;
}
