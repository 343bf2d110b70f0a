import { segmentCase } from '@fedstroke/inference';
import { dice } from '@fedstroke/metrics';
import type { PatchPredictor } from '@fedstroke/runtime';
import type { SpatialDims, TrainingCase } from './training-case';
import type { ValidationEntry, ValidationOptions } from './training-options';

/**
 * The validation figure the loop tracks: Dice of each case's mask through the one inference path (segmentCase),
 * averaged over cases. No small-component removal and no test-time augmentation: it runs often and only has to
 * rank checkpoints.
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
    const { mask } = await segmentCase(predictor, c, {
      window: options.window ?? patch,
      overlap: options.overlap,
      threshold: options.threshold,
    });
    caseDice.push(dice(mask, c.label as Uint8Array));
  }
  return { step, meanDice: caseDice.reduce((a, b) => a + b, 0) / caseDice.length, caseDice };
}
