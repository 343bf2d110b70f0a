import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { discoverDataset, preprocessingOf, writeSplit, type DatasetSplit } from '@fedstroke/isles';
import type { CaseSetSummary } from '@fedstroke/metrics';
import { TrainingSession } from '@fedstroke/runtime';
import { evaluateCases, type Evaluation } from '../evaluate-cases';
import { loadTrainingCases } from '../load-cases';
import { BEST_CHECKPOINT, trainLocal, type TrainLocalResult } from '../train-local';
import { type AugmentOptions, DEFAULT_AUGMENT } from '../augment';
import type { TrainLocalOptions } from '../training-options';
import { resolveSplit } from './resolve-split';

export interface TrainingJobOptions {
  dataDir: string;
  /** onnx-models/<config>: the artifacts folder of the model to train. */
  artifactsDir: string;
  outDir: string;
  /** Train on this site's split only (1-based index or site name): the local-only baseline. Default: all sites. */
  site?: string;
  splitFile?: string;
  provider?: string;
  threads?: number;
  /** Loop options; checkpointDir is the job's outDir. */
  train: Omit<TrainLocalOptions, 'checkpointDir'>;
  /** Post-processing for the final validation/test figures. */
  minComponentVoxels?: number;
  /** Modality dropout: zero the model's FLAIR channel in this share of the patches (augment.ts dropChannel). */
  dropFlair?: number;
  silent?: boolean;
}

export interface TrainingJobSummary {
  format: 'fedstroke-train-summary/1';
  mode: 'centralized' | 'local-only';
  site: string | null;
  config: string;
  dataDir: string;
  artifactsDir: string;
  options: Record<string, unknown>;
  split: { file: string; trainCases: string[]; valCases: string[]; testCases: string[] };
  steps: number;
  samplesSeen: number;
  wallTimeMs: number;
  losses: number[];
  learningRates: number[];
  valHistory: TrainLocalResult['valHistory'];
  best: TrainLocalResult['best'];
  checkpoints: TrainLocalResult['checkpoints'];
  /** Figures of the best checkpoint (or the last, without validation) with post-processing. */
  validation: EvaluationFigures | null;
  test: EvaluationFigures | null;
}

interface EvaluationFigures {
  summary: CaseSetSummary;
  cases: Evaluation['cases'];
}

/** The run's augmentation with the model's FLAIR channel (found from its preprocessing) dropped at `dropFlair`. */
function flairDropout(
  preprocessing: { channels: readonly string[] },
  options: Pick<TrainingJobOptions, 'dropFlair' | 'train'>,
): AugmentOptions {
  const { channels } = preprocessing;
  const channel = channels.indexOf('flair');
  if (channel < 0)
    throw new InvalidArgumentError(`--drop-flair: the model's channels are ${channels.join(', ')}; it has no FLAIR`);
  return {
    ...(options.train.augment ?? DEFAULT_AUGMENT),
    dropChannel: { channel, probability: options.dropFlair as number },
  };
}

/**
 * `fedstroke train` as a function (the simulate command's baselines call it too): discover the data, fix the split,
 * load the cases once, train centrally (every site's training cases) or on one site, then evaluate the best
 * checkpoint on validation and on the independent test set, and write summary.json beside the checkpoints.
 */
export async function runTrainingJob(options: TrainingJobOptions): Promise<TrainingJobSummary> {
  const session = await TrainingSession.create(options.artifactsDir, {
    provider: options.provider,
    intraOpNumThreads: options.threads,
  });
  try {
    const { spec: preprocessing } = preprocessingOf(session.manifest, options.artifactsDir);
    const loop: TrainingJobOptions['train'] =
      options.dropFlair === undefined
        ? options.train
        : { ...options.train, augment: flairDropout(preprocessing, options) };
    const dataset = await discoverDataset(options.dataDir, {
      policy: 'skip',
      requireMask: true,
      requireFlair: preprocessing.channels.includes('flair'),
    });
    const split = await resolveSplit(
      options.dataDir,
      dataset.cases.map((c) => c.id),
      options.splitFile,
    );
    const chosen = chooseCases(split, options.site);
    await mkdir(options.outDir, { recursive: true });
    const splitPath = join(options.outDir, 'split.json');
    await writeSplit(splitPath, split);

    const load = (ids: string[], label: string) =>
      loadTrainingCases(dataset.cases, ids, { preprocessing, progress: { label, silent: options.silent } });
    const train = await load(chosen.train, 'load train');
    const val = chosen.val.length > 0 ? await load(chosen.val, 'load val') : [];
    const result = await trainLocal(
      session,
      { train, val },
      { ...loop, checkpointDir: options.outDir, progress: { label: 'train', silent: options.silent } },
    );
    // The final figures are the best checkpoint's (a resumed run's best may come from before the resume).
    const bestPath = join(options.outDir, BEST_CHECKPOINT);
    const hasBest = result.best !== null && (await exists(bestPath));
    if (hasBest) await session.loadCheckpoint(bestPath);
    const evaluate = async (cases: typeof train, label: string): Promise<EvaluationFigures | null> => {
      if (cases.length === 0) return null;
      const evaluation = await evaluateCases(session, cases, {
        window: options.train.patchSize,
        minLesionVoxels: options.minComponentVoxels ?? 0,
        progress: { label, silent: options.silent },
      });
      return { summary: evaluation.summary, cases: evaluation.cases };
    };
    const validation = await evaluate(val, 'evaluate val');
    // The test set is loaded only now: training never holds it in memory.
    const test = await evaluate(chosen.test.length > 0 ? await load(chosen.test, 'load test') : [], 'evaluate test');

    const summary: TrainingJobSummary = {
      format: 'fedstroke-train-summary/1',
      mode: options.site === undefined ? 'centralized' : 'local-only',
      site: chosen.siteName,
      config: session.manifest.config.name,
      dataDir: options.dataDir,
      artifactsDir: options.artifactsDir,
      options: describeOptions({ ...options, train: loop }),
      split: { file: splitPath, trainCases: chosen.train, valCases: chosen.val, testCases: chosen.test },
      steps: result.stepsDone,
      samplesSeen: result.samplesSeen,
      wallTimeMs: result.wallTimeMs,
      losses: result.losses,
      learningRates: result.learningRates,
      valHistory: result.valHistory,
      best: result.best,
      checkpoints: { last: result.checkpoints.last, best: hasBest ? bestPath : undefined },
      validation,
      test,
    };
    const summaryPath = join(options.outDir, 'summary.json');
    await writeFile(`${summaryPath}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
    await rename(`${summaryPath}.tmp`, summaryPath);
    return summary;
  } finally {
    await session.release();
  }
}

/** Every site's cases (centralized) or one site's (local-only); the test set is always the shared held-out one. */
function chooseCases(
  split: DatasetSplit,
  site: string | undefined,
): { train: string[]; val: string[]; test: string[]; siteName: string | null } {
  if (site === undefined) {
    return {
      train: split.sites.flatMap((s) => s.train),
      val: split.sites.flatMap((s) => s.val),
      test: split.test,
      siteName: null,
    };
  }
  const byIndex = /^\d+$/.test(site) ? split.sites[Number(site) - 1] : undefined;
  const chosen = byIndex ?? split.sites.find((s) => s.name === site);
  if (!chosen)
    throw new InvalidArgumentError(
      `--site ${site}: no such site; expected 1..${split.sites.length} or one of ${split.sites.map((s) => s.name).join(', ')}`,
    );
  return { train: chosen.train, val: chosen.val, test: split.test, siteName: chosen.name };
}

function describeOptions(options: TrainingJobOptions): Record<string, unknown> {
  const { signal: _signal, onStep: _onStep, onValidation: _onValidation, initialWeights: _w, ...train } = options.train;
  return {
    ...train,
    provider: options.provider ?? 'cpu',
    threads: options.threads ?? null,
    minComponentVoxels: options.minComponentVoxels ?? 0,
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
