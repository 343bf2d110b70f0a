/**
 * Every candidate of a lesion-detection grid scored on a set of labelled cases from ONE inference pass per case: the
 * probabilities come from the one inference path (segmentCase, at `fedstroke segment`'s window and overlap), and each
 * candidate's mask is just another threshold and small-lesion removal of them. What a site reports for the
 * federation's choice of settings, and what a centralized or local model chooses on its own validation cases.
 */
import { type CaseSegmentOptions, segmentCase } from '@fedstroke/inference';
import { postprocess, type PatchPredictor } from '@fedstroke/runtime';
import {
  assertDetectionGrid,
  caseMetrics,
  gridCandidates,
  type DetectionFigures,
  type DetectionGrid,
  type DetectionSettings,
} from '@fedstroke/metrics';
import { TrainingDataError } from './errors';
import type { TrainingCase } from './training-case';

export interface DetectionGridScore {
  candidate: DetectionSettings;
  /** Means over the cases. */
  figures: DetectionFigures;
}

export async function scoreDetectionGrid(
  predictor: PatchPredictor,
  cases: readonly TrainingCase[],
  grid: DetectionGrid,
  options: Pick<CaseSegmentOptions, 'window' | 'overlap'> = {},
): Promise<DetectionGridScore[]> {
  assertDetectionGrid(grid);
  if (cases.length === 0) throw new TrainingDataError('detection grid: no cases to score');
  const candidates = gridCandidates(grid);
  const sums = candidates.map(() => ({ dice: 0, lesionF1: 0, ald: 0 }));
  for (const c of cases) {
    if (!c.label) throw new TrainingDataError(`detection grid: case ${c.id} has no lesion mask`);
    const { prob } = await segmentCase(predictor, c, options);
    candidates.forEach((candidate, i) => {
      const mask = postprocess(prob, c.shape, {
        threshold: candidate.threshold,
        minComponentVoxels: candidate.minLesionVoxels,
      });
      const metrics = caseMetrics(mask, c.label as Uint8Array, c.shape, c.spacing);
      sums[i].dice += metrics.dice;
      sums[i].lesionF1 += metrics.lesionF1;
      sums[i].ald += metrics.ald;
    });
  }
  const n = cases.length;
  return candidates.map((candidate, i) => ({
    candidate,
    figures: { dice: sums[i].dice / n, lesionF1: sums[i].lesionF1 / n, ald: sums[i].ald / n },
  }));
}
