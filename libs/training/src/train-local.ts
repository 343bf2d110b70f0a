import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ProgressBar, Random } from '@fedstroke/common';
import { augmentBatch } from './augment';
import { createBatchBuffer, type BatchBuffer } from './batch-buffer';
import { dpSgdStep } from './dp-sgd-step';
import { TrainingAbortedError, TrainingDataError, TrainingDivergedError } from './errors';
import { decodeLoopState, encodeLoopState, type LoopState } from './loop-state';
import { learningRateAt, type LrSchedule } from './lr-schedule';
import { sampleBatch } from './patch-sampler';
import type { TrainableSession } from './session-contract';
import { assertConsistentCases, type TrainingCase } from './training-case';
import {
  resolveTrainOptions,
  type ResolvedTrainOptions,
  type TrainLocalOptions,
  type ValidationEntry,
} from './training-options';
import { validateDice } from './validate';

/** The cases one training run sees, already in memory (a site holds tens of cases: loading them once is cheap). */
export interface LocalDataset {
  train: TrainingCase[];
  /** Whole-volume validation cases; without them there is no validation and no best checkpoint. */
  val?: TrainingCase[];
}

export interface TrainLocalResult {
  /** The weights after the last step (a copy): what a site sends back to the federation. */
  weights: Float32Array;
  /** Training cases: FedAvg's n_k, the weight of this update in a sample-weighted average. */
  numSamples: number;
  /** Patches drawn in total (steps × batch × accumulation, over every call of a resumed run). */
  samplesSeen: number;
  stepsDone: number;
  /**
   * Mean training loss per optimizer step, from step 1 (a resumed run includes the earlier steps). Under DP-SGD, a
   * step whose Poisson sample was empty has no loss and is not listed.
   */
  losses: number[];
  learningRates: number[];
  /** Σ of learningRates: SCAFFOLD's K·η for a round whose rate varies (a resumed run includes the earlier steps). */
  stepSizeSum: number;
  valHistory: ValidationEntry[];
  best: { step: number; dice: number } | null;
  /** Mean of the last (up to) 10 losses: a steadier figure than the last loss. */
  finalLoss: number;
  wallTimeMs: number;
  /** Paths written when checkpointDir is set. */
  checkpoints: { last?: string; best?: string };
}

export const LAST_CHECKPOINT = 'last.safetensors';
export const BEST_CHECKPOINT = 'best.safetensors';

/**
 * nnU-Net-style local training on patches: sample (a third foreground-centred), augment, train step, optimizer
 * step with the scheduled learning rate; validate on whole volumes every `valEvery` steps and keep the best.
 *
 * The same function is a federated round's local update: pass the global model as `initialWeights`, the round's
 * local steps as `steps` (with `scheduleOffset`/`scheduleSteps` to place them in the federation-wide schedule) and
 * optionally `proximalMu` (FedProx) or `stepCorrection` (SCAFFOLD); the result carries the new weights and the sample
 * count.
 */
export async function trainLocal(
  session: TrainableSession,
  dataset: LocalDataset,
  options: TrainLocalOptions,
): Promise<TrainLocalResult> {
  const opts = resolveTrainOptions(options, session.manifest.spatialMultiple);
  checkDataset(session, dataset);
  const valCases = dataset.val ?? [];

  if (opts.initialWeights) session.loadParametersBuffer(opts.initialWeights);
  if (opts.resetOptimizer) session.resetOptimizer();
  let state: LoopState = {
    step: 0,
    rngState: new Random(opts.seed).getState(),
    losses: [],
    learningRates: [],
    valHistory: [],
    best: null,
    samplesSeen: 0,
    wallTimeMs: 0,
  };
  if (opts.resumeFrom) {
    // Weights and optimizer moments go to the session; the loop state travels in the same file's header.
    const metadata = await session.loadCheckpoint(opts.resumeFrom);
    state = decodeLoopState(metadata, opts, session.manifest.parameterLayoutSha256, opts.resumeFrom);
  }
  // FedProx anchors the proximal term at the weights this call starts from (the global model of the round).
  session.setProximal(opts.proximalMu > 0 ? session.getContiguousParameters() : null, opts.proximalMu);
  // Set for every call (null when absent) so that a session reused for another job never keeps an old correction.
  session.setStepCorrection(opts.stepCorrection ?? null);

  const rng = Random.fromState(state.rngState);
  const batch = createBatchBuffer(opts.dpSgd ? 1 : opts.batchSize, session.manifest.config.inChannels, opts.patchSize);
  const schedule: LrSchedule = {
    kind: opts.schedule,
    baseLr: opts.learningRate,
    totalSteps: opts.scheduleSteps,
    warmupSteps: opts.warmupSteps,
  };
  const writer = new CheckpointWriter(session, opts);
  const bar = new ProgressBar({ label: opts.progress.label ?? 'train', total: opts.steps, ...opts.progress });
  const started = Date.now();
  const elapsed = (): number => state.wallTimeMs + (Date.now() - started);
  const snapshot = (): LoopState => ({ ...state, rngState: rng.getState(), wallTimeMs: elapsed() });
  bar.update(state.step);

  while (state.step < opts.steps) {
    if (opts.signal?.aborted) {
      await writer.writeLast(snapshot());
      throw new TrainingAbortedError(state.step, opts.steps);
    }
    const learningRate = learningRateAt(schedule, opts.scheduleOffset + state.step);
    session.setLearningRate(learningRate);
    const { loss, patches } = opts.dpSgd
      ? await dpSgdStep(session, dataset.train, batch, rng, opts, opts.dpSgd).then((r) => ({
          loss: r.loss,
          patches: r.batchSize,
        }))
      : {
          loss: await accumulatedStep(session, dataset.train, batch, rng, opts),
          patches: opts.batchSize * opts.gradientAccumulation,
        };
    if (loss !== null && !Number.isFinite(loss)) throw new TrainingDivergedError(state.step + 1, loss, learningRate);
    state.step++;
    if (loss !== null) state.losses.push(loss);
    state.learningRates.push(learningRate);
    state.samplesSeen += patches;
    opts.onStep?.({ step: state.step, loss: loss ?? Number.NaN, learningRate });

    const validateNow = (opts.valEvery > 0 && state.step % opts.valEvery === 0) || state.step === opts.steps;
    if (valCases.length > 0 && validateNow) {
      const entry = await validateDice(session, valCases, state.step, opts.validation, opts.patchSize);
      state.valHistory.push(entry);
      opts.onValidation?.(entry);
      if (!state.best || entry.meanDice > state.best.dice) {
        state.best = { step: state.step, dice: entry.meanDice };
        await writer.writeBest(snapshot());
      }
    }
    if (opts.checkpointEvery > 0 && state.step % opts.checkpointEvery === 0) await writer.writeLast(snapshot());
    bar.update(state.step, progressNote(state));
  }
  const final = snapshot();
  await writer.writeLast(final);
  const recent = final.losses.slice(-10);
  return {
    weights: session.getContiguousParameters(),
    numSamples: dataset.train.length,
    samplesSeen: final.samplesSeen,
    stepsDone: final.step,
    losses: final.losses,
    learningRates: final.learningRates,
    stepSizeSum: final.learningRates.reduce((sum, rate) => sum + rate, 0),
    valHistory: final.valHistory,
    best: final.best,
    finalLoss: recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
    wallTimeMs: final.wallTimeMs,
    checkpoints: writer.written,
  };
}

/** One optimizer step over `gradientAccumulation` micro-batches; returns their mean loss. */
async function accumulatedStep(
  session: TrainableSession,
  cases: TrainingCase[],
  batch: BatchBuffer,
  rng: Random,
  opts: ResolvedTrainOptions,
): Promise<number> {
  let lossSum = 0;
  for (let micro = 0; micro < opts.gradientAccumulation; micro++) {
    sampleBatch(cases, batch, rng, opts.foregroundFraction);
    augmentBatch(batch, rng, opts.augment);
    lossSum += await session.trainStep(
      { data: batch.image, shape: batch.imageShape },
      { data: batch.label, shape: batch.labelShape },
    );
  }
  await session.optimizerStep();
  await session.lazyResetGrad();
  return lossSum / opts.gradientAccumulation;
}

function progressNote(state: LoopState): string {
  const loss = state.losses[state.losses.length - 1] ?? Number.NaN;
  const dice = state.valHistory[state.valHistory.length - 1];
  return `loss ${loss.toFixed(4)}${dice ? ` dice ${dice.meanDice.toFixed(3)}` : ''}${state.best ? ` best ${state.best.dice.toFixed(3)}` : ''}`;
}

function checkDataset(session: TrainableSession, dataset: LocalDataset): void {
  const channels = assertConsistentCases(dataset.train, 'training cases', true);
  const expected = session.manifest.config.inChannels;
  if (channels !== expected)
    throw new TrainingDataError(
      `training cases have ${channels} channels, model "${session.manifest.config.name}" takes ${expected}`,
    );
  if (dataset.val && dataset.val.length > 0) {
    const valChannels = assertConsistentCases(dataset.val, 'validation cases', true);
    if (valChannels !== expected)
      throw new TrainingDataError(`validation cases have ${valChannels} channels, the model takes ${expected}`);
  }
}

/** Writes last/best checkpoints (weights + optimizer moments + loop state) when the run has a checkpoint folder. */
class CheckpointWriter {
  readonly written: { last?: string; best?: string } = {};
  private prepared = false;

  constructor(
    private readonly session: TrainableSession,
    private readonly opts: ResolvedTrainOptions,
  ) {}

  writeLast(state: LoopState): Promise<void> {
    return this.write(LAST_CHECKPOINT, 'last', state);
  }

  writeBest(state: LoopState): Promise<void> {
    return this.write(BEST_CHECKPOINT, 'best', state);
  }

  private async write(file: string, kind: 'last' | 'best', state: LoopState): Promise<void> {
    const dir = this.opts.checkpointDir;
    if (!dir) return;
    if (!this.prepared) {
      await mkdir(dir, { recursive: true });
      this.prepared = true;
    }
    const path = join(dir, file);
    const metadata = encodeLoopState(state, this.opts, this.session.manifest.parameterLayoutSha256);
    await this.session.saveCheckpoint(path, metadata);
    this.written[kind] = path;
  }
}
