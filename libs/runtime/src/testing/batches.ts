/** Deterministic synthetic tensors for runtime tests. */
import { Random } from '@fedstroke/common';
import type { Tensor5D } from '../input-shape';

/** Image [N,C,D,H,W] of uniform noise in [-1, 1). */
export function noiseImage(shape: readonly number[], seed = 1): Tensor5D {
  const random = new Random(seed);
  const count = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: count }, () => random.range(-1, 1)), shape };
}

/** A label that a per-voxel logistic model can fit: 1 where channel 0 minus channel 1 is positive. */
export function separableLabel(image: Tensor5D): Tensor5D {
  const [n, c, d, h, w] = image.shape;
  const voxels = d * h * w;
  const label = new Float32Array(n * voxels);
  for (let s = 0; s < n; s++) {
    for (let v = 0; v < voxels; v++) {
      const x0 = image.data[(s * c + 0) * voxels + v];
      const x1 = image.data[(s * c + 1) * voxels + v];
      label[s * voxels + v] = x0 - x1 > 0 ? 1 : 0;
    }
  }
  return { data: label, shape: [n, 1, d, h, w] };
}

/** Takes samples [from, to) of a batch tensor. */
export function sliceBatch(tensor: Tensor5D, from: number, to: number): Tensor5D {
  const per = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: tensor.data.slice(from * per, to * per), shape: [to - from, ...tensor.shape.slice(1)] };
}

export function dice(prob: Float32Array, label: Float32Array, threshold = 0.5): number {
  let both = 0;
  let sum = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i] > threshold ? 1 : 0;
    both += p * label[i];
    sum += p + label[i];
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}
