/**
 * The one path from a prepared case to a lesion mask. `fedstroke segment`, the coordinator's segmentStudy, training
 * validation, and the evaluation behind `fedstroke train` and `simulate` all call it, so the Dice a report states is
 * the Dice of the masks a clinician gets: Gaussian-blended sliding windows over the case (its channels already one
 * stacked buffer: no copy), probabilities set to 0 outside the brain (the non-zero DWI: a finding where there is no
 * brain is an artefact), threshold, and removal of lesions smaller than a minimum.
 */
import { type CropBox, networkInput, pasteCrop, tensorDims } from '@fedstroke/isles';
import type { Vec3 } from '@fedstroke/nifti';
import { type PatchPredictor, planWindows, postprocess, slidingWindowInference } from '@fedstroke/runtime';
import { SegmentationAbortedError } from './errors';
import { checkWindowRuns, DEFAULT_STUDY_LIMITS } from './study-limits';

/** What segmentCase needs of a case: LoadedCase, Study and TrainingCase all are one. */
export interface SegmentableCase {
  id: string;
  /** Preprocessed channels on one grid, x fastest, in the model's channel order. */
  channels: Float32Array[];
  /** [nx, ny, nz]. */
  shape: Vec3;
  /** Where lesion may be reported (1) on the same grid; absent: everywhere. */
  brain?: Uint8Array;
}

export interface CaseSegmentOptions {
  /** Sliding-window edge [D, H, W] or one edge for a cube, rounded up to the model's spatial multiple. */
  window?: number | readonly [number, number, number];
  /** Fraction of the window shared by neighbours, in [0, 1). */
  overlap?: number;
  /** Mirror test-time augmentation (8 flips averaged; 8× the compute). */
  tta?: boolean;
  /** Probability above which a voxel is lesion. */
  threshold?: number;
  /** Lesions (26-connected) with fewer voxels are dropped (0 keeps all). */
  minLesionVoxels?: number;
  /** Most network runs allowed (windows × TTA flips); more is refused before the first run. */
  maxWindowRuns?: number;
  /** Checked between windows: a job timeout stops the computation at the next window. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The defaults of `fedstroke segment` and segmentStudy, and so of every figure reported for a model. The window is
 * the shipped training patch (sites, simulate: 32×48×48) because InstanceNorm normalises over the window: a model
 * trained on 32×48×48 patches and run on 64³ windows saw other statistics and over-segmented (bench, FedAvg, two
 * seeds: test Dice 0.48 and 0.57 at the patch window, 0.10 and 0.08 at 64³, 175-208 mL marked for 6.6 mL of
 * lesion). A model trained on other patches should be run with `--window` set to them.
 */
export const DEFAULT_SEGMENT_OPTIONS = {
  window: [32, 48, 48] as const,
  overlap: 0.5,
  tta: false,
  threshold: 0.5,
  minLesionVoxels: 0,
} as const;

/** Probabilities and the binary mask on the case's own grid. */
export interface CaseSegmentation {
  prob: Float32Array;
  mask: Uint8Array;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  throw new SegmentationAbortedError(reason);
}

function isEmpty(brain: Uint8Array | undefined): boolean {
  return brain !== undefined && !brain.includes(1);
}

/** See the file comment. A case whose brain is empty gets an empty mask without running the network. */
export async function segmentCase(
  predictor: PatchPredictor,
  c: SegmentableCase,
  options: CaseSegmentOptions = {},
): Promise<CaseSegmentation> {
  const voxels = c.shape[0] * c.shape[1] * c.shape[2];
  const settings = {
    window: options.window ?? DEFAULT_SEGMENT_OPTIONS.window,
    overlap: options.overlap ?? DEFAULT_SEGMENT_OPTIONS.overlap,
    tta: options.tta ?? DEFAULT_SEGMENT_OPTIONS.tta,
    threshold: options.threshold ?? DEFAULT_SEGMENT_OPTIONS.threshold,
    minLesionVoxels: options.minLesionVoxels ?? DEFAULT_SEGMENT_OPTIONS.minLesionVoxels,
  };
  throwIfAborted(options.signal);
  if (isEmpty(c.brain)) return { prob: new Float32Array(voxels), mask: new Uint8Array(voxels) };
  const plan = planWindows(tensorDims(c.shape), settings, predictor.manifest.spatialMultiple);
  checkWindowRuns(
    plan.runs,
    { file: c.id, shape: c.shape, window: plan.window, tta: settings.tta },
    { maxWindowRuns: options.maxWindowRuns ?? DEFAULT_STUDY_LIMITS.maxWindowRuns },
  );
  const prob = await slidingWindowInference(predictor, networkInput(c.channels, c.shape), {
    window: settings.window,
    overlap: settings.overlap,
    tta: settings.tta,
    onProgress: (done, total) => {
      // Throwing here leaves slidingWindowInference between two ORT runs: nothing half-written survives.
      throwIfAborted(options.signal);
      options.onProgress?.(done, total);
    },
  });
  throwIfAborted(options.signal);
  const { brain } = c;
  if (brain) for (let i = 0; i < voxels; i++) if (brain[i] === 0) prob[i] = 0;
  const mask = postprocess(prob, c.shape, {
    threshold: settings.threshold,
    minComponentVoxels: settings.minLesionVoxels,
  });
  return { prob, mask };
}

/** A case-grid array on the grid it was cropped from (0 outside the crop); the array itself without a crop. */
export function onNativeGrid<T extends Float32Array | Uint8Array>(values: T, crop: CropBox | undefined): T {
  return crop ? pasteCrop(values, crop) : values;
}
