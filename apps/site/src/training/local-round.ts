/**
 * One federated round on this site: start from the global model (with this site's own InstanceNorm parameters over
 * it when the federation keeps them local), train the round's local steps on the site's own training cases (FedProx
 * μ, or SCAFFOLD's correction c − c_i, when the task says), validate on the site's validation cases, and return the
 * new weights with the sample count, the numbers the coordinator aggregates, SCAFFOLD's Δc_i, and what the site
 * keeps for its next round once the update is accepted. In the last round of a federation that chooses its
 * lesion-detection settings, the global model is also scored on the task's grid. Nothing here touches the network.
 */
import { DP_SGD_SAMPLING_RATE_METRIC, dpSgdSamplingRate } from '@fedstroke/federation';
import {
  scaffoldCorrection,
  scaffoldSiteControl,
  takeLocalParameters,
  withLocalParameters,
  type ParameterRange,
} from '@fedstroke/federation';
import { detectionReport, trainingPatchMetrics, type DetectionGrid } from '@fedstroke/metrics';
import { type PatchPredictor } from '@fedstroke/runtime';
import {
  DEFAULT_VALIDATION,
  scoreDetectionGrid,
  trainLocal,
  validateDice,
  type LrScheduleKind,
  type TrainableSession,
} from '@fedstroke/training';
import type { SiteAgentConfig } from '../config/site-config';
import type { SiteDataset } from '../data/site-dataset';
import type { LearningCommit } from '../state/round-journal';
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
  task: LocalRoundTask;
  globalWeights: Float32Array;
  session: TrainableSession & PatchPredictor;
  dataset: SiteDataset;
  config: Pick<
    SiteAgentConfig,
    | 'batchSize'
    | 'patchSize'
    | 'seed'
    | 'warmupSteps'
    | 'validateGlobal'
    | 'curveModel'
    | 'validateEveryRounds'
    | 'keepOptimizerState'
    | 'checkpointEvery'
  >;
  checkpointDir: string;
  resumeFrom?: string;
  /** Aborts between steps (shutdown, or the round's deadline has passed). */
  signal?: AbortSignal;
  onStep?: (step: number, loss: number) => void;
  /** SCAFFOLD: the round's server control variate c and this site's c_i (zeros before its first accepted round). */
  scaffold?: { serverControl: Float32Array; siteControl: Float32Array };
  /** FedBN: the ranges this site keeps local and its values of them (null before its first accepted round). */
  localNorms?: { ranges: ParameterRange[]; values: Float32Array | null };
}

/** What of the task one round reads (TrainingTask; tests build it by hand). */
export type LocalRoundTask = Pick<
  TrainingTask,
  'roundIndex' | 'totalRounds' | 'localSteps' | 'learningRate' | 'proximalMu'
> & {
  detectionGrid?: DetectionGrid | null;
  /** Sample-level DP-SGD, when the federation asks for it. */
  privacy?: Pick<TrainingTask['privacy'], 'dpSgd'>;
};

export interface LocalRoundResult {
  update: UpdatePayload;
  /** Written into the site's learning state once the coordinator accepts the update. */
  commit: LearningCommit;
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

/**
 * With curveModel "global" or "both": whether this round opens by validating the global model it received, the aggregate of
 * round r − 1, for every n-th aggregate (rounds 1 + n, 1 + 2n, …; the final model is for whoever ends the
 * federation to score, as simulate does).
 */
export function validatesGlobalThisRound(task: Pick<TrainingTask, 'roundIndex'>, everyRounds: number): boolean {
  return task.roundIndex > 1 && (task.roundIndex - 1) % everyRounds === 0;
}

/** Whether the trained local model is validated: on the cadence, or (curveModel "global") in the last round only. */
function validatesLocalThisRound(
  task: Pick<TrainingTask, 'roundIndex' | 'totalRounds'>,
  config: Pick<SiteAgentConfig, 'curveModel' | 'validateEveryRounds'>,
): boolean {
  return config.curveModel === 'global'
    ? task.roundIndex >= task.totalRounds
    : validatesThisRound(task, config.validateEveryRounds);
}

/**
 * The round's training loss as a metric, or none: under DP-SGD every step of a short round can draw an empty
 * Poisson sample (noise alone, no loss), and a NaN metric would get the whole update refused.
 */
export function lossMetric(finalLoss: number): Record<string, number> {
  return Number.isFinite(finalLoss) ? { [SITE_METRICS.trainLoss]: finalLoss } : {};
}

export async function trainLocalRound(options: LocalRoundOptions): Promise<LocalRoundResult> {
  const { task, session, dataset, config, scaffold, localNorms } = options;
  const metrics: Record<string, number> = {};
  const globalForCurve = config.curveModel !== 'local' && validatesGlobalThisRound(task, config.validateEveryRounds);
  if ((config.validateGlobal || globalForCurve || task.detectionGrid) && dataset.val.length > 0) {
    session.loadParametersBuffer(options.globalWeights);
    if (config.validateGlobal || globalForCurve) {
      const entry = await validateDice(session, dataset.val, 0, DEFAULT_VALIDATION, config.patchSize);
      metrics[SITE_METRICS.valDiceGlobal] = entry.meanDice;
    }
    if (task.detectionGrid) {
      // The model the coordinator will serve, at the window it will serve it with (the patch recorded with it, this
      // site's): means only, no per-case figures.
      const scores = await scoreDetectionGrid(session, dataset.val, task.detectionGrid, { window: config.patchSize });
      Object.assign(metrics, detectionReport(scores, dataset.val.length));
    }
  }
  const start =
    localNorms?.values != null
      ? withLocalParameters(options.globalWeights, localNorms.ranges, localNorms.values)
      : options.globalWeights;
  const started = Date.now();
  const result = await trainLocal(
    session,
    { train: dataset.train, val: validatesLocalThisRound(task, config) ? dataset.val : [] },
    {
      steps: task.localSteps,
      batchSize: config.batchSize,
      patchSize: config.patchSize,
      learningRate: task.learningRate,
      ...roundSchedule(task, config.warmupSteps),
      // Each round draws other patches; the same round redrawn after a restart draws the same ones.
      seed: (config.seed + task.roundIndex * 7919) % 2 ** 31,
      valEvery: 0,
      initialWeights: start,
      proximalMu: task.proximalMu,
      ...(scaffold && { stepCorrection: scaffoldCorrection(scaffold.serverControl, scaffold.siteControl) }),
      // Sample-level DP-SGD when the federation asks for it: Poisson-sampled cases, per-case clipping, noise.
      ...(task.privacy?.dpSgd && { dpSgd: task.privacy.dpSgd }),
      resetOptimizer: !config.keepOptimizerState,
      checkpointDir: options.checkpointDir,
      checkpointEvery: config.checkpointEvery,
      resumeFrom: options.resumeFrom,
      signal: options.signal,
      progress: { silent: true },
      onStep: options.onStep ? (event) => options.onStep?.(event.step, event.loss) : undefined,
    },
  );
  Object.assign(metrics, lossMetric(result.finalLoss));
  // The accountant's q for this site (reported in the clear: it is B/N, the site's case count is no secret).
  if (task.privacy?.dpSgd)
    metrics[DP_SGD_SAMPLING_RATE_METRIC] = dpSgdSamplingRate(task.privacy.dpSgd, dataset.train.length);
  metrics[SITE_METRICS.localSteps] = result.stepsDone;
  // The window inference should use with the model this round makes (InstanceNorm normalises over it).
  Object.assign(metrics, trainingPatchMetrics(config.patchSize));
  metrics[SITE_METRICS.trainSeconds] = (Date.now() - started) / 1000;
  const lastRate = result.learningRates[result.learningRates.length - 1];
  if (lastRate !== undefined) metrics[SITE_METRICS.finalLearningRate] = lastRate;
  const lastValidation = result.valHistory[result.valHistory.length - 1];
  if (lastValidation) {
    metrics[SITE_METRICS.valDice] = lastValidation.meanDice;
    metrics[SITE_METRICS.valCases] = lastValidation.caseDice.length;
  }
  const update: UpdatePayload = { weights: result.weights, numSamples: result.numSamples, metrics };
  const commit: LearningCommit = {};
  if (scaffold) {
    const control = scaffoldSiteControl({
      global: start,
      local: result.weights,
      serverControl: scaffold.serverControl,
      siteControl: scaffold.siteControl,
      stepSizeSum: result.stepSizeSum,
    });
    update.controlDelta = control.delta;
    commit['scaffold-control'] = control.next;
  }
  if (localNorms) commit['local-norms'] = takeLocalParameters(result.weights, localNorms.ranges);
  return { update, commit };
}
