import { InvalidArgumentError } from '@fedstroke/common';
import { assertDpSgdOptions, type DpSgdOptions } from '@fedstroke/federation';
import { DEFAULT_AUGMENT, type AugmentOptions } from './augment';
import { validateLrSchedule, type LrScheduleKind } from './lr-schedule';
import { DEFAULT_FOREGROUND_FRACTION, validatePatchSize } from './patch-sampler';
import type { SpatialDims } from './training-case';

/** Whole-volume validation: sliding window over every validation case, Dice of the thresholded probabilities. */
export interface ValidationOptions {
  /** Fraction of the window shared with its neighbour (nnU-Net: 0.5). */
  overlap: number;
  threshold: number;
  /** Sliding-window edge [D, H, W]; defaults to the training patch. */
  window?: SpatialDims;
}

export const DEFAULT_VALIDATION: ValidationOptions = { overlap: 0.5, threshold: 0.5 };

export interface TrainLocalOptions {
  /**
   * Optimizer steps to reach. A fresh run counts from 0; a resumed run continues from its checkpoint's step. For a
   * federated round, the local steps of that round.
   */
  steps: number;
  /** Patches per micro-batch. */
  batchSize: number;
  /** Patch edge [D, H, W]; each a multiple of the network's spatial multiple. */
  patchSize: SpatialDims;
  /** Micro-batches whose gradients are summed before one optimizer step (default 1). */
  gradientAccumulation?: number;
  learningRate: number;
  schedule?: LrScheduleKind;
  warmupSteps?: number;
  /**
   * Where this call sits in a longer learning-rate schedule: the schedule spans `scheduleSteps` optimizer steps
   * (default `steps`) and this call starts at `scheduleOffset` (default 0). A federation passes
   * round × localSteps and rounds × localSteps so the learning rate decays over the whole federation.
   */
  scheduleSteps?: number;
  scheduleOffset?: number;
  foregroundFraction?: number;
  augment?: AugmentOptions;
  /** Seeds patch sampling and augmentation. A federated site should vary it per round (e.g. seed + round). */
  seed: number;
  /** Validate every this many optimizer steps (0: only at the end). Needs validation cases. */
  valEvery?: number;
  validation?: Partial<ValidationOptions>;
  /** Start from these weights instead of the session's current ones (the federation's global model). */
  initialWeights?: Float32Array;
  /** FedProx: adds μ/2‖w − w₀‖² (w₀: the starting weights of this call) to the local objective. */
  proximalMu?: number;
  /**
   * SCAFFOLD: the correction c − c_i added to every step's direction. The result's stepSizeSum (Σ of the learning
   * rates used) is what the site's control-variate update divides by.
   */
  stepCorrection?: Float32Array;
  /**
   * Sample-level DP-SGD (dp-sgd-step.ts): Poisson-sampled cases, per-case clipping and Gaussian noise at every
   * step, in place of the batch of `batchSize` patches. Absent: plain training.
   */
  dpSgd?: DpSgdOptions;
  /** Start each call with fresh Adam moments (default true for a fresh call; a resume restores them). */
  resetOptimizer?: boolean;
  /** Where best.safetensors, last.safetensors (weights + optimizer + loop state) go; nothing is written without it. */
  checkpointDir?: string;
  /** Write last.safetensors every this many steps as well as at the end (0: only at the end and on abort). */
  checkpointEvery?: number;
  /** A last.safetensors written by an earlier run with the same data and options: continue from it. */
  resumeFrom?: string;
  progress?: { label?: string; silent?: boolean; stream?: NodeJS.WriteStream };
  /** Stops the loop between steps; the last checkpoint is written first (when checkpointDir is set). */
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  onValidation?: (entry: ValidationEntry) => void;
}

export interface StepEvent {
  step: number;
  loss: number;
  learningRate: number;
}

export interface ValidationEntry {
  /** The optimizer step after which validation ran. */
  step: number;
  meanDice: number;
  /** Per-case Dice in validation-case order. */
  caseDice: number[];
}

/** Options with every default filled in, validated once before any compute. */
export type ResolvedTrainOptions = Required<
  Omit<
    TrainLocalOptions,
    | 'initialWeights'
    | 'stepCorrection'
    | 'checkpointDir'
    | 'resumeFrom'
    | 'signal'
    | 'onStep'
    | 'onValidation'
    | 'validation'
    | 'progress'
    | 'dpSgd'
  >
> &
  Pick<
    TrainLocalOptions,
    | 'initialWeights'
    | 'stepCorrection'
    | 'checkpointDir'
    | 'resumeFrom'
    | 'signal'
    | 'onStep'
    | 'onValidation'
    | 'dpSgd'
  > & {
    validation: ValidationOptions;
    progress: NonNullable<TrainLocalOptions['progress']>;
  };

export function resolveTrainOptions(options: TrainLocalOptions, spatialMultiple: number): ResolvedTrainOptions {
  const resolved: ResolvedTrainOptions = {
    ...options,
    gradientAccumulation: options.gradientAccumulation ?? 1,
    schedule: options.schedule ?? 'poly',
    warmupSteps: options.warmupSteps ?? 0,
    scheduleSteps: options.scheduleSteps ?? options.steps,
    scheduleOffset: options.scheduleOffset ?? 0,
    foregroundFraction: options.foregroundFraction ?? DEFAULT_FOREGROUND_FRACTION,
    augment: options.augment ?? DEFAULT_AUGMENT,
    valEvery: options.valEvery ?? 0,
    validation: { ...DEFAULT_VALIDATION, ...options.validation },
    proximalMu: options.proximalMu ?? 0,
    resetOptimizer: options.resetOptimizer ?? true,
    checkpointEvery: options.checkpointEvery ?? 0,
    progress: options.progress ?? {},
  };
  positiveInteger('steps', resolved.steps);
  positiveInteger('batch size', resolved.batchSize);
  positiveInteger('gradient accumulation', resolved.gradientAccumulation);
  nonNegativeInteger('valEvery', resolved.valEvery);
  nonNegativeInteger('checkpointEvery', resolved.checkpointEvery);
  nonNegativeInteger('scheduleOffset', resolved.scheduleOffset);
  if (!Number.isInteger(resolved.seed)) throw new InvalidArgumentError(`seed ${resolved.seed}: expected an integer`);
  validatePatchSize(resolved.patchSize, spatialMultiple);
  if (resolved.validation.window) validatePatchSize(resolved.validation.window, spatialMultiple);
  validateLrSchedule({
    kind: resolved.schedule,
    baseLr: resolved.learningRate,
    totalSteps: resolved.scheduleSteps,
    warmupSteps: resolved.warmupSteps,
  });
  if (resolved.scheduleOffset + resolved.steps > resolved.scheduleSteps)
    throw new InvalidArgumentError(
      `schedule offset ${resolved.scheduleOffset} + steps ${resolved.steps} exceeds the schedule's ${resolved.scheduleSteps} steps`,
    );
  if (!(resolved.foregroundFraction >= 0 && resolved.foregroundFraction <= 1))
    throw new InvalidArgumentError(`foreground fraction ${resolved.foregroundFraction}: expected a number in [0, 1]`);
  if (resolved.dpSgd) {
    assertDpSgdOptions(resolved.dpSgd, 'dpSgd');
    if (resolved.gradientAccumulation !== 1) {
      throw new InvalidArgumentError('dpSgd: gradient accumulation must be 1 (each DP-SGD step is one Poisson sample)');
    }
  }
  if (!(resolved.proximalMu >= 0) || !Number.isFinite(resolved.proximalMu))
    throw new InvalidArgumentError(`FedProx mu ${resolved.proximalMu}: expected a finite number ≥ 0`);
  const { overlap, threshold } = resolved.validation;
  if (!(overlap >= 0 && overlap < 1)) throw new InvalidArgumentError(`validation overlap ${overlap}: expected [0, 1)`);
  if (!(threshold > 0 && threshold < 1))
    throw new InvalidArgumentError(`validation threshold ${threshold}: expected (0, 1)`);
  return resolved;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(`${name} ${value}: expected an integer ≥ 1`);
}

function nonNegativeInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(`${name} ${value}: expected an integer ≥ 0`);
}
