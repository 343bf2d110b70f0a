/**
 * Segments a loaded study: the training preprocessing (crop to brain, z-score within it), Gaussian-blended sliding
 * windows over the cropped volume, the probabilities pasted back into the DWI grid, threshold and small-component
 * removal, and the clinical figures of the mask (lesion volume in mL, count, per-lesion volume and centroid in world
 * millimetres). The mask has the DWI's shape and affine, so viewers overlay it where it belongs.
 */
import { pasteCrop } from '@fedstroke/isles';
import { lesionFigures } from '@fedstroke/metrics';
import type { Vec3, Volume } from '@fedstroke/nifti';
import { postprocess, slidingWindowInference } from '@fedstroke/runtime';
import { SegmentationAbortedError } from './errors';
import type { Study } from './load-study';
import { prepareInput } from './preprocess-study';
import type { QcWarning } from './qc-warnings';
import type { ModelInfo, SegmentationModel } from './segmentation-model';

export interface SegmentOptions {
  /**
   * Sliding-window edge [D, H, W] or one edge for a cube, rounded up to the model's spatial multiple. Default
   * DEFAULT_WINDOW.
   */
  window?: number | readonly [number, number, number];
  /** Fraction of the window shared by neighbours, in [0, 1). Default 0.5. */
  overlap?: number;
  /** Mirror test-time augmentation (8 flips averaged; 8× the compute). Default false. */
  tta?: boolean;
  /** Probability above which a voxel is lesion. Default 0.5. */
  threshold?: number;
  /** Lesions (26-connected) with fewer voxels are dropped. Default 0 (keep all). */
  minLesionVoxels?: number;
  /** Keep the probability map in the result (for --prob or the coordinator's probability download). */
  returnProbability?: boolean;
  /** Checked between windows: a job timeout stops the computation at the next window. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The default window: 64³ matches the training patches of the shipped configs closely enough that InstanceNorm
 * sees similar statistics, and with 50% overlap covers a 2 mm brain in a few windows.
 */
export const DEFAULT_WINDOW = 64;

export interface LesionSummary {
  volumeMl: number;
  /** Centroid in world (scanner RAS+) millimetres, through the DWI affine. */
  centroidMm: Vec3;
  voxels: number;
}

export interface SegmentationTimings {
  loadMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  totalMs: number;
}

export interface SegmentationResult {
  /** 0/1 lesion mask (datatype uint8) on the DWI grid, with the DWI's affine. */
  mask: Volume;
  /** Lesion probabilities on the DWI grid (float32), when asked for. */
  prob?: Volume;
  lesionVolumeMl: number;
  lesionCount: number;
  /** Largest first. */
  lesions: LesionSummary[];
  model: ModelInfo;
  timings: SegmentationTimings;
  qcWarnings: QcWarning[];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  throw new SegmentationAbortedError(reason);
}

function onDwiGrid(study: Study, data: Float32Array, datatype: Volume['datatype']): Volume {
  const { dwi } = study;
  return {
    data,
    shape: [...dwi.shape] as Vec3,
    spacing: [...dwi.spacing] as Vec3,
    affine: Float64Array.from(dwi.affine),
    datatype,
    source: dwi.source,
  };
}

export async function segmentStudy(
  study: Study,
  model: SegmentationModel,
  options: SegmentOptions = {},
): Promise<SegmentationResult> {
  const started = performance.now();
  throwIfAborted(options.signal);
  const { shape } = study.dwi;
  const prepared = prepareInput(study, model.manifest.config.inChannels);
  const preprocessed = performance.now();

  let prob: Float32Array = new Float32Array(study.dwi.data.length);
  if (prepared) {
    const cropped = await slidingWindowInference(model.network, prepared.image, {
      window: options.window ?? DEFAULT_WINDOW,
      overlap: options.overlap ?? 0.5,
      tta: options.tta ?? false,
      onProgress: (done, total) => {
        // Throwing here leaves slidingWindowInference between two ORT runs: nothing half-written survives.
        throwIfAborted(options.signal);
        options.onProgress?.(done, total);
      },
    });
    prob = pasteCrop(cropped, prepared.crop);
  }
  const inferred = performance.now();

  throwIfAborted(options.signal);
  const binary = postprocess(prob, shape, {
    threshold: options.threshold ?? 0.5,
    minComponentVoxels: options.minLesionVoxels ?? 0,
  });
  const figures = lesionFigures(binary, shape, study.dwi.affine);
  const finished = performance.now();

  return {
    mask: onDwiGrid(study, Float32Array.from(binary), 'uint8'),
    ...(options.returnProbability ? { prob: onDwiGrid(study, prob, 'float32') } : {}),
    lesionVolumeMl: figures.totalVolumeMl,
    lesionCount: figures.count,
    lesions: figures.lesions.map((lesion) => ({
      volumeMl: lesion.volumeMl,
      centroidMm: lesion.centroidWorldMm as Vec3,
      voxels: lesion.voxels,
    })),
    model: model.info,
    timings: {
      loadMs: study.loadMs,
      preprocessMs: preprocessed - started,
      inferenceMs: inferred - preprocessed,
      postprocessMs: finished - inferred,
      totalMs: study.loadMs + (finished - started),
    },
    qcWarnings: [...study.qcWarnings, ...(prepared?.qcWarnings ?? [])],
  };
}
