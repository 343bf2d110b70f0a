import { slidingWindowInference, type PatchPredictor } from '@fedstroke/runtime';
import type { SpatialDims, TrainingCase } from './training-case';

export interface PredictOptions {
  window: SpatialDims;
  overlap: number;
  /** Mirror test-time augmentation (8× the forward passes). */
  tta?: boolean;
}

/**
 * Whole-volume lesion probabilities for one case, on the case's own grid (x fastest), by Gaussian-blended sliding
 * windows. Any predictor works: a TrainingSession mid-training, or an InferenceModel for a stored checkpoint.
 */
export async function predictProbabilities(
  predictor: PatchPredictor,
  c: TrainingCase,
  options: PredictOptions,
): Promise<Float32Array> {
  const voxels = c.dims[0] * c.dims[1] * c.dims[2];
  const image = new Float32Array(c.channels.length * voxels);
  c.channels.forEach((channel, i) => image.set(channel, i * voxels));
  return slidingWindowInference(predictor, { data: image, shape: [1, c.channels.length, ...c.dims] }, options);
}
