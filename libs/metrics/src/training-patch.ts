/**
 * The patch a model was trained on, recorded with it, because it is the window inference must use: InstanceNorm
 * normalises over whatever it is given, and a model trained on 32×48×48 patches and run on 64³ windows saw other
 * statistics and over-segmented (docs/experiments/learning-quality.md). Each site reports the patch it trained with
 * as three update metrics; the coordinator records them on the model version only when every update of the round
 * agrees (a mixed federation has no one window to recommend), and segment / segmentStudy default to it.
 */
export type TrainingPatch = [number, number, number];

/** The update and model-version metrics that carry the patch [D, H, W]. */
export const TRAINING_PATCH_METRICS = {
  depth: 'trainPatchD',
  height: 'trainPatchH',
  width: 'trainPatchW',
} as const;

const NAMES = Object.values(TRAINING_PATCH_METRICS) as string[];

/** Sane patch edges: whole voxels, at most the largest volume a study may have along an axis. */
const MAX_EDGE = 4096;

export function trainingPatchMetrics(patch: readonly [number, number, number]): Record<string, number> {
  return {
    [TRAINING_PATCH_METRICS.depth]: patch[0],
    [TRAINING_PATCH_METRICS.height]: patch[1],
    [TRAINING_PATCH_METRICS.width]: patch[2],
  };
}

export function isTrainingPatchMetric(name: string): boolean {
  return NAMES.includes(name);
}

/** The patch the metrics record, or null when they record none (a model from before, or nonsense). */
export function recordedTrainingPatch(metrics: Readonly<Record<string, number>>): TrainingPatch | null {
  const patch = NAMES.map((name) => metrics[name]);
  return patch.every((edge) => Number.isInteger(edge) && edge >= 1 && edge <= MAX_EDGE)
    ? (patch as TrainingPatch)
    : null;
}

/** The patch every one of the updates reports, or null when one reports none or another patch. */
export function commonTrainingPatch(updates: ReadonlyArray<Readonly<Record<string, number>>>): TrainingPatch | null {
  if (updates.length === 0) return null;
  const patches = updates.map(recordedTrainingPatch);
  const first = patches[0];
  if (first === null) return null;
  return patches.every((p) => p !== null && p.every((edge, axis) => edge === first[axis])) ? first : null;
}
