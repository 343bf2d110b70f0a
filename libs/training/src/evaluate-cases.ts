import { ProgressBar } from '@fedstroke/common';
import { type CaseSegmentOptions, segmentCase } from '@fedstroke/inference';
import { caseMetrics, summarizeCases, type CaseMetrics, type CaseSetSummary } from '@fedstroke/metrics';
import type { PatchPredictor } from '@fedstroke/runtime';
import { TrainingDataError } from './errors';
import type { TrainingCase } from './training-case';

export interface EvaluateOptions extends Pick<
  CaseSegmentOptions,
  'window' | 'overlap' | 'threshold' | 'minLesionVoxels' | 'tta'
> {
  progress?: { label?: string; silent?: boolean; stream?: NodeJS.WriteStream };
  /** Receives each case's binary prediction and probabilities (on the case's grid); not kept otherwise. */
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
 * InferenceModel over a checkpoint): each case's mask through the one inference path `fedstroke segment` uses
 * (segmentCase, with its defaults for anything not given), then Dice, AVD, ALD and lesion-wise F1 per case and
 * their summary. The train and simulate reports come from here.
 */
export async function evaluateCases(
  predictor: PatchPredictor,
  cases: TrainingCase[],
  options: EvaluateOptions = {},
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
    const { mask, prob } = await segmentCase(predictor, c, options);
    options.onPrediction?.(c, mask, prob);
    rows.push({ id: c.id, ...caseMetrics(mask, c.label as Uint8Array, c.shape, c.spacing) });
    bar.tick(1, `dice ${rows[rows.length - 1].dice.toFixed(3)}`);
  }
  return { cases: rows, summary: summarizeCases(rows) };
}
