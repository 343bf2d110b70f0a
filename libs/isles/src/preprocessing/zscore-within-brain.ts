import type { LoadedCase } from '../loading/loaded-case';
import type { Preprocessing } from './preprocessing';

/** Below this standard deviation a channel counts as constant: dividing would only amplify rounding noise. */
export const MIN_STD = 1e-8;

/**
 * Z-score of `values` over the voxels where `brain` is set, written to a new array; voxels outside the brain stay 0.
 * Guarded division by max(std, 1e-8), so a constant channel becomes zeros, never NaN or Infinity.
 * Statistics are accumulated in float64 (float32 sums lose digits over ~10^5 voxels).
 */
export function zscoreWithin(
  values: Float32Array,
  brain: Uint8Array,
  out: Float32Array = new Float32Array(values.length),
): Float32Array {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (brain[i]) {
      sum += values[i];
      count++;
    }
  }
  out.fill(0);
  if (count === 0) return out;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (brain[i]) {
      const d = values[i] - mean;
      squares += d * d;
    }
  }
  const scale = 1 / Math.max(Math.sqrt(squares / count), MIN_STD);
  for (let i = 0; i < values.length; i++) if (brain[i]) out[i] = (values[i] - mean) * scale;
  return out;
}

/** The brain of a skull-stripped case: every voxel where the DWI is non-zero. */
export function nonzeroMask(values: Float32Array): Uint8Array {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = values[i] !== 0 ? 1 : 0;
  return mask;
}

/**
 * Per-channel z-score within the brain (non-zero DWI), as nnU-Net does for MRI. Removes each center's intensity
 * scale and offset; background stays exactly 0 so the network still sees where the brain ends. The channels are
 * written one after another into one new buffer, which is the network's input as it stands (no stacking copy).
 */
export class ZScoreWithinBrain implements Preprocessing {
  readonly name = 'zscore-within-brain';

  apply(input: LoadedCase): LoadedCase {
    const voxels = input.brain.length;
    const stacked = new Float32Array(input.channels.length * voxels);
    const channels = input.channels.map((channel, c) =>
      zscoreWithin(channel, input.brain, stacked.subarray(c * voxels, (c + 1) * voxels)),
    );
    return { ...input, channels };
  }
}
