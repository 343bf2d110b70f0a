import type { RandomState } from '@fedstroke/common';
import { ResumeStateError } from './errors';
import type { ResolvedTrainOptions, ValidationEntry } from './training-options';

/** Header key under which a checkpoint carries the loop state, beside the weights and optimizer moments. */
export const LOOP_STATE_KEY = 'fedstroke.training';
const FORMAT = 'fedstroke-training-state/1';

/**
 * Everything besides weights and optimizer moments that a run needs to continue exactly where it stopped: the
 * step counter, the sampler/augmentation RNG, and the history that the summary reports.
 */
export interface LoopState {
  step: number;
  rngState: RandomState;
  losses: number[];
  learningRates: number[];
  valHistory: ValidationEntry[];
  best: { step: number; dice: number } | null;
  samplesSeen: number;
  /** Training wall time before this call (a resumed run adds to it). */
  wallTimeMs: number;
}

/** The options that must match for a resumed run to draw the same batches as an uninterrupted one. */
interface RunIdentity {
  seed: number;
  batchSize: number;
  patchSize: number[];
  gradientAccumulation: number;
  parameterLayoutSha256: string;
}

export function encodeLoopState(
  state: LoopState,
  options: ResolvedTrainOptions,
  layout: string,
): Record<string, string> {
  const identity: RunIdentity = {
    seed: options.seed,
    batchSize: options.batchSize,
    patchSize: [...options.patchSize],
    gradientAccumulation: options.gradientAccumulation,
    parameterLayoutSha256: layout,
  };
  return { [LOOP_STATE_KEY]: JSON.stringify({ format: FORMAT, identity, state }) };
}

export function decodeLoopState(
  metadata: Record<string, string>,
  options: ResolvedTrainOptions,
  layout: string,
  source: string,
): LoopState {
  const text = metadata[LOOP_STATE_KEY];
  if (text === undefined)
    throw new ResumeStateError(
      `${source} carries no training state (header key "${LOOP_STATE_KEY}"); resume from a last.safetensors written by fedstroke train`,
    );
  let parsed: { format?: string; identity?: RunIdentity; state?: LoopState };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ResumeStateError(`${source}: training state is not valid JSON`, { cause: error });
  }
  if (parsed.format !== FORMAT || !parsed.identity || !parsed.state)
    throw new ResumeStateError(
      `${source}: training state format ${JSON.stringify(parsed.format)}, expected "${FORMAT}"`,
    );
  const saved = parsed.identity;
  const current: RunIdentity = {
    seed: options.seed,
    batchSize: options.batchSize,
    patchSize: [...options.patchSize],
    gradientAccumulation: options.gradientAccumulation,
    parameterLayoutSha256: layout,
  };
  for (const key of Object.keys(current) as Array<keyof RunIdentity>) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(current[key]))
      throw new ResumeStateError(
        `${source} was written with ${key} ${JSON.stringify(saved[key])}, this run has ${JSON.stringify(current[key])}; ` +
          'resume with the same settings (or start a new run)',
      );
  }
  const state = parsed.state;
  if (state.step > options.steps)
    throw new ResumeStateError(`${source} is at step ${state.step}, beyond the requested ${options.steps} steps`);
  return state;
}
