/**
 * Segments a loaded study through the one inference path (segment-case.ts), puts the mask and probabilities back
 * on the DWI grid, and gives the clinical figures of the mask: lesion volume in mL, count, per-lesion volume and
 * centroid in world millimetres. The mask has the DWI's shape, affine and xform codes, so viewers overlay it where
 * it belongs.
 */
import { describePreprocessing, samePreprocessing, type QcWarning } from '@fedstroke/isles';
import { lesionFigures } from '@fedstroke/metrics';
import type { Vec3, Volume } from '@fedstroke/nifti';
import { SegmentationModelError } from './errors';
import type { Study } from './load-study';
import { type CaseSegmentOptions, DEFAULT_SEGMENT_OPTIONS, onNativeGrid, segmentCase } from './segment-case';
import type { ModelInfo, SegmentationModel } from './segmentation-model';

export interface SegmentOptions extends CaseSegmentOptions {
  /** Keep the probability map in the result (for --prob or the coordinator's probability download). */
  returnProbability?: boolean;
}

export const DEFAULT_WINDOW = DEFAULT_SEGMENT_OPTIONS.window;

/**
 * The window a model is run with unless the caller names one: the patch it records it was trained on (InstanceNorm
 * normalises over the window, so that is the only window whose statistics it saw), else the shipped default.
 */
export function modelWindow(info: Pick<ModelInfo, 'training'>): readonly [number, number, number] {
  return info.training.trainingPatch ?? DEFAULT_WINDOW;
}

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

/** A 0/1 mask on a volume's grid, kept as bytes (it is written as uint8 without a float copy). */
export type MaskVolume = Omit<Volume, 'data' | 'datatype'> & { data: Uint8Array };

export interface SegmentationResult {
  /** 0/1 lesion mask on the DWI grid, with the DWI's affine; 0 outside the brain. */
  mask: MaskVolume;
  /** Lesion probabilities on the DWI grid (float32), 0 outside the brain, when asked for. */
  prob?: Volume;
  lesionVolumeMl: number;
  lesionCount: number;
  /** Largest first. */
  lesions: LesionSummary[];
  model: ModelInfo;
  timings: SegmentationTimings;
  qcWarnings: QcWarning[];
}

function onDwiGrid<T extends Float32Array | Uint8Array>(study: Study, data: T) {
  const native = study.nativeGrid;
  return {
    data,
    shape: [...native.shape] as Vec3,
    spacing: [...native.spacing] as Vec3,
    affine: Float64Array.from(native.affine),
    ...(native.xform ? { xform: { ...native.xform } } : {}),
    source: study.files.dwi,
  };
}

export async function segmentStudy(
  study: Study,
  model: SegmentationModel,
  options: SegmentOptions = {},
): Promise<SegmentationResult> {
  if (!samePreprocessing(study.preprocessing, model.preprocessing)) {
    throw new SegmentationModelError(
      `the study was prepared with ${describePreprocessing(study.preprocessing)}, but model ` +
        `"${model.info.config}" was trained with ${describePreprocessing(model.preprocessing)}; load it with the model's`,
    );
  }
  const started = performance.now();
  const segmentation = await segmentCase(model.network, study, {
    ...options,
    window: options.window ?? modelWindow(model.info),
  });
  const inferred = performance.now();
  const mask = onNativeGrid(segmentation.mask, study.crop);
  const figures = lesionFigures(mask, study.nativeGrid.shape, study.nativeGrid.affine);
  const finished = performance.now();
  const { loadMs, preprocessMs } = study.timings;
  return {
    mask: onDwiGrid(study, mask),
    ...(options.returnProbability
      ? { prob: { ...onDwiGrid(study, onNativeGrid(segmentation.prob, study.crop)), datatype: 'float32' as const } }
      : {}),
    lesionVolumeMl: figures.totalVolumeMl,
    lesionCount: figures.count,
    lesions: figures.lesions.map((lesion) => ({
      volumeMl: lesion.volumeMl,
      centroidMm: lesion.centroidWorldMm as Vec3,
      voxels: lesion.voxels,
    })),
    model: model.info,
    timings: {
      loadMs,
      preprocessMs,
      inferenceMs: inferred - started,
      postprocessMs: finished - inferred,
      totalMs: loadMs + preprocessMs + (finished - started),
    },
    qcWarnings: [...study.qc, ...model.qcWarnings],
  };
}
