/**
 * One DP-SGD optimizer step (the mechanism and its sampling are stated in @fedstroke/federation's dp-sgd.ts): the
 * step's cases are a Poisson sample of the training cases, each included case gives one patch whose gradient is
 * computed alone (a batch of one) and clipped, and the optimizer steps on (Σ clipped + noise) / B. Cost against a
 * plain step of batch B: B forward/backward runs of batch 1 instead of one of batch B, one copy and one norm of
 * the gradient per case, and one Gaussian draw per parameter per step.
 */
import type { Random } from '@fedstroke/common';
import {
  addClippedGradient,
  dpSgdSamplingRate,
  type DpSgdOptions,
  poissonBatch,
  privateGradient,
} from '@fedstroke/federation';
import { augmentBatch } from './augment';
import type { BatchBuffer } from './batch-buffer';
import { drawPatchFromCase, extractPatch } from './patch-sampler';
import type { TrainableSession } from './session-contract';
import type { TrainingCase } from './training-case';
import type { ResolvedTrainOptions } from './training-options';

export interface DpSgdStepResult {
  /** Mean loss of the included cases; null when the Poisson sample was empty (the step is noise alone). */
  loss: number | null;
  batchSize: number;
  /** Included cases whose gradient was scaled down to the clip norm. */
  clipped: number;
}

export async function dpSgdStep(
  session: TrainableSession,
  cases: TrainingCase[],
  single: BatchBuffer,
  rng: Random,
  opts: ResolvedTrainOptions,
  dp: DpSgdOptions,
): Promise<DpSgdStepResult> {
  const included = poissonBatch(cases.length, dpSgdSamplingRate(dp, cases.length));
  const sum = new Float64Array(session.manifest.parameterCount);
  let lossSum = 0;
  let clipped = 0;
  for (const caseIndex of included) {
    const draw = drawPatchFromCase(cases, caseIndex, single.patch, opts.foregroundFraction, rng);
    extractPatch(cases[caseIndex], draw.origin, single, 0);
    augmentBatch(single, rng, opts.augment);
    await session.lazyResetGrad();
    lossSum += await session.trainStep(
      { data: single.image, shape: single.imageShape },
      { data: single.label, shape: single.labelShape },
    );
    if (addClippedGradient(sum, session.getContiguousGradients(), dp.clipNorm) > dp.clipNorm) clipped++;
  }
  session.loadGradientsBuffer(privateGradient(sum, dp));
  await session.optimizerStep();
  await session.lazyResetGrad();
  return { loss: included.length > 0 ? lossSum / included.length : null, batchSize: included.length, clipped };
}
