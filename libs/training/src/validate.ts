import { dice } from '@fedstroke/metrics';
import { postprocess, type PatchPredictor } from '@fedstroke/runtime';
import { predictProbabilities } from './predict';
import type { SpatialDims, TrainingCase } from './training-case';
import type { ValidationEntry, ValidationOptions } from './training-options';

/**
 * The validation figure the loop tracks: Dice of the thresholded whole-volume prediction per case, averaged over
 * cases. No small-component removal and no test-time augmentation: it runs often and only has to rank checkpoints.
 */
export async function validateDice(
  predictor: PatchPredictor,
  cases: TrainingCase[],
  step: number,
  options: ValidationOptions,
  patch: SpatialDims,
): Promise<ValidationEntry> {
  const caseDice: number[] = [];
  for (const c of cases) {
    const prob = await predictProbabilities(predictor, c, {
      window: options.window ?? patch,
      overlap: options.overlap,
    });
    const [d, h, w] = c.dims;
    caseDice.push(dice(postprocess(prob, [w, h, d], { threshold: options.threshold }), c.label as Uint8Array));
  }
  return { step, meanDice: caseDice.reduce((a, b) => a + b, 0) / caseDice.length, caseDice };
}
