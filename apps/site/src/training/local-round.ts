/**
 * One federated round on this site: start from the global model, train the round's local steps on the site's own
 * training cases (FedProx μ when the task sets it), validate on the site's validation cases, and return the new
 * weights with the sample count and the numbers the coordinator aggregates. Nothing here touches the network.
 */
import {
  DEFAULT_VALIDATION,
  trainLocal,
  validateDice,
  type LrScheduleKind,
  type TrainableSession,
} from '@fedstroke/training';
import type { SiteAgentConfig } from '../config/site-config';
import type { SiteDataset } from '../data/site-dataset';
import type { UpdatePayload } from '../transport/coordinator-client';
import type { TrainingTask } from '../transport/site-task';

/** Client metric names, as the coordinator stores and averages them (round metrics weight them by samples). */
export const SITE_METRICS = {
  trainLoss: 'trainLoss',
  valDice: 'valDice',
  valDiceGlobal: 'valDiceGlobal',
  trainSeconds: 'trainSeconds',
  localSteps: 'localSteps',
  valCases: 'valCases',
  /** The learning rate of the round's last local step: where this round ended in the federation-wide schedule. */
  finalLearningRate: 'finalLearningRate',
} as const;

export interface LocalRoundOptions {
  task: TrainingTask;
  globalWeights: Float32Array;
  session: TrainableSession;
  dataset: SiteDataset;
  config: Pick<
    SiteAgentConfig,
    | 'batchSize'
    | 'patchSize'
    | 'seed'
    | 'warmupSteps'
    | 'validateGlobal'
    | 'validateEveryRounds'
    | 'keepOptimizerState'
    | 'checkpointEvery'
  >;
  checkpointDir: string;
  resumeFrom?: string;
  /** Aborts between steps (shutdown, or the round's deadline has passed). */
  signal?: AbortSignal;
  onStep?: (step: number, loss: number) => void;
}

/**
 * Where this round's local steps sit in the learning-rate schedule that spans the whole federation: a poly decay
 * over totalRounds × localSteps optimizer steps, as central training of the same length would use, with the
 * warm-up at the start of round 1. Every site derives the same schedule from the task alone.
 */
export function roundSchedule(
  task: Pick<TrainingTask, 'roundIndex' | 'totalRounds' | 'localSteps'>,
  warmupSteps: number,
): { schedule: LrScheduleKind; scheduleSteps: number; scheduleOffset: number; warmupSteps: number } {
  // A round past the announced count (should it ever change mid-federation) trains on the tail, not at rate 0.
  const rounds = Math.max(task.totalRounds, task.roundIndex);
  const total = rounds * task.localSteps;
  return {
    schedule: 'poly',
    scheduleSteps: total,
    scheduleOffset: (task.roundIndex - 1) * task.localSteps,
    warmupSteps: Math.min(warmupSteps, total - 1),
  };
}

/** Whether this round validates the trained model: every `everyRounds` rounds, and always in the last round. */
export function validatesThisRound(
  task: Pick<TrainingTask, 'roundIndex' | 'totalRounds'>,
  everyRounds: number,
): boolean {
  return task.roundIndex >= task.totalRounds || task.roundIndex % everyRounds === 0;
}

export async function trainLocalRound(options: LocalRoundOptions): Promise<UpdatePayload> {
  const { task, session, dataset, config } = options;
  const metrics: Record<string, number> = {};
  if (config.validateGlobal && dataset.val.length > 0) {
    session.loadParametersBuffer(options.globalWeights);
    const entry = await validateDice(session, dataset.val, 0, DEFAULT_VALIDATION, config.patchSize);
    metrics[SITE_METRICS.valDiceGlobal] = entry.meanDice;
  }
  const started = Date.now();
  const result = await trainLocal(
    session,
    { train: dataset.train, val: validatesThisRound(task, config.validateEveryRounds) ? dataset.val : [] },
    {
      steps: task.localSteps,
      batchSize: config.batchSize,
      patchSize: config.patchSize,
      learningRate: task.learningRate,
      ...roundSchedule(task, config.warmupSteps),
      // Each round draws other patches; the same round redrawn after a restart draws the same ones.
      seed: (config.seed + task.roundIndex * 7919) % 2 ** 31,
      valEvery: 0,
      initialWeights: options.globalWeights,
      proximalMu: task.proximalMu,
      resetOptimizer: !config.keepOptimizerState,
      checkpointDir: options.checkpointDir,
      checkpointEvery: config.checkpointEvery,
      resumeFrom: options.resumeFrom,
      signal: options.signal,
      progress: { silent: true },
      onStep: options.onStep ? (event) => options.onStep?.(event.step, event.loss) : undefined,
    },
  );
  metrics[SITE_METRICS.trainLoss] = result.finalLoss;
  metrics[SITE_METRICS.localSteps] = result.stepsDone;
  metrics[SITE_METRICS.trainSeconds] = (Date.now() - started) / 1000;
  const lastRate = result.learningRates[result.learningRates.length - 1];
  if (lastRate !== undefined) metrics[SITE_METRICS.finalLearningRate] = lastRate;
  const lastValidation = result.valHistory[result.valHistory.length - 1];
  if (lastValidation) {
    metrics[SITE_METRICS.valDice] = lastValidation.meanDice;
    metrics[SITE_METRICS.valCases] = lastValidation.caseDice.length;
  }
  return { weights: result.weights, numSamples: result.numSamples, metrics };
}
