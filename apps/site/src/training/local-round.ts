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
    | 'scheduleRounds'
    | 'validateGlobal'
    | 'keepOptimizerState'
    | 'checkpointEvery'
  >;
  checkpointDir: string;
  resumeFrom?: string;
  /** Aborts between steps (shutdown, or the round's deadline has passed). */
  signal?: AbortSignal;
  onStep?: (step: number, loss: number) => void;
}

/** Where this round's local steps sit in the federation-wide learning-rate schedule. */
export function roundSchedule(
  roundIndex: number,
  localSteps: number,
  warmupSteps: number,
  scheduleRounds: number | undefined,
): { schedule: LrScheduleKind; scheduleSteps: number; scheduleOffset: number; warmupSteps: number } {
  const offset = (roundIndex - 1) * localSteps;
  // Past the announced round count (a federation extended), the schedule simply ends at this round.
  const rounds = scheduleRounds === undefined ? roundIndex : Math.max(scheduleRounds, roundIndex);
  const total = rounds * localSteps;
  return {
    schedule: scheduleRounds === undefined ? 'constant' : 'poly',
    scheduleSteps: total,
    scheduleOffset: offset,
    warmupSteps: Math.min(warmupSteps, total - 1),
  };
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
    { train: dataset.train, val: dataset.val },
    {
      steps: task.localSteps,
      batchSize: config.batchSize,
      patchSize: config.patchSize,
      learningRate: task.learningRate,
      ...roundSchedule(task.roundIndex, task.localSteps, config.warmupSteps, config.scheduleRounds),
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
  const lastValidation = result.valHistory[result.valHistory.length - 1];
  if (lastValidation) {
    metrics[SITE_METRICS.valDice] = lastValidation.meanDice;
    metrics[SITE_METRICS.valCases] = lastValidation.caseDice.length;
  }
  return { weights: result.weights, numSamples: result.numSamples, metrics };
}
