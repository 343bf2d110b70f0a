import { ProgressBar } from '@fedstroke/common';
import { caseMetrics, summarizeCases, type CaseMetrics, type CaseSetSummary } from '@fedstroke/metrics';
import { postprocess, type PatchPredictor } from '@fedstroke/runtime';
import { TrainingDataError } from './errors';
import { predictProbabilities } from './predict';
import type { SpatialDims, TrainingCase } from './training-case';

export interface EvaluateOptions {
  /** Sliding-window edge [D, H, W]: a multiple of the network's spatial multiple. */
  window: SpatialDims;
  overlap?: number;
  threshold?: number;
  /** Connected components smaller than this many voxels are removed from the prediction (0: keep all). */
  minComponentVoxels?: number;
  tta?: boolean;
  progress?: { label?: string; silent?: boolean; stream?: NodeJS.WriteStream };
  /** Receives each case's binary prediction (x fastest), e.g. for overlay images; not kept otherwise. */
  onPrediction?: (c: TrainingCase, mask: Uint8Array, prob: Float32Array) => void;
}

export interface EvaluatedCase extends CaseMetrics {
  id: string;
}

export interface Evaluation {
  cases: EvaluatedCase[];
  summary: CaseSetSummary;
}

/**
 * The ISLES'22 figures for a set of labelled cases under the predictor's current weights (a TrainingSession, or an
 * InferenceModel over a checkpoint): whole-volume sliding-window prediction, threshold and small-component removal,
 * then Dice, AVD, ALD and lesion-wise F1 per case and their summary. The train and simulate reports come from here.
 */
export async function evaluateCases(
  predictor: PatchPredictor,
  cases: TrainingCase[],
  options: EvaluateOptions,
): Promise<Evaluation> {
  if (cases.length === 0) throw new TrainingDataError('evaluation: no cases to evaluate');
  const unlabelled = cases.find((c) => !c.label);
  if (unlabelled) throw new TrainingDataError(`evaluation: case ${unlabelled.id} has no lesion mask`);
  const bar = new ProgressBar({
    label: options.progress?.label ?? 'evaluate',
    total: cases.length,
    ...options.progress,
  });
  const rows: EvaluatedCase[] = [];
  for (const c of cases) {
    const prob = await predictProbabilities(predictor, c, {
      window: options.window,
      overlap: options.overlap ?? 0.5,
      tta: options.tta,
    });
    const [d, h, w] = c.dims;
    const mask = postprocess(prob, [w, h, d], {
      threshold: options.threshold ?? 0.5,
      minComponentVoxels: options.minComponentVoxels ?? 0,
    });
    options.onPrediction?.(c, mask, prob);
    rows.push({ id: c.id, ...caseMetrics(mask, c.label as Uint8Array, [w, h, d], c.spacing) });
    bar.tick(1, `dice ${rows[rows.length - 1].dice.toFixed(3)}`);
  }
  return { cases: rows, summary: summarizeCases(rows) };
}
