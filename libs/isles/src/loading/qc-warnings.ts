/**
 * Quality-control warnings: things that do not stop loading a case (or segmenting a study) but that a reader of the
 * result must know: the case is unlike the training data, a header was overruled, a channel was made up. Each
 * check is a small pure function over the case's geometry or voxels; the loader collects them in `LoadedCase.qc`,
 * and clinical results carry them as `qcWarnings`.
 */
import { type Affine, axisOrientation, formatSpacing, type Vec3 } from '@fedstroke/nifti';

/** The geometry a QC check looks at, and what to call the file in the message. */
export interface QcGrid {
  role: string;
  spacing: Vec3;
  affine: Affine;
}

export interface QcWarning {
  /** Stable, machine-readable, e.g. FLAIR_MISSING, SPACING_COARSE, ORIENTATION_OBLIQUE. */
  code: string;
  message: string;
}

export interface QcThresholds {
  /** Voxel edges above this (mm) are unusual for stroke DWI (ISLES'22: ~2 mm). Default 3. */
  coarseSpacingMm: number;
  /** Largest / smallest voxel edge above this is strongly anisotropic. Default 3. */
  anisotropyRatio: number;
  /** Axes tilted more than this (degrees) from the nearest world axis are oblique. Default 5. */
  obliqueDegrees: number;
  /** FLAIR covering less than this fraction of the DWI field of view is flagged. Default 0.5. */
  minFlairOverlap: number;
  /** A brain mask (non-zero DWI) covering more than this fraction of the volume means no skull stripping. */
  maxBrainFraction: number;
}

export const DEFAULT_QC_THRESHOLDS: Readonly<QcThresholds> = {
  coarseSpacingMm: 3,
  anisotropyRatio: 3,
  obliqueDegrees: 5,
  minFlairOverlap: 0.5,
  maxBrainFraction: 0.95,
};

export function spacingWarnings(grid: QcGrid, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): QcWarning[] {
  const warnings: QcWarning[] = [];
  const largest = Math.max(...grid.spacing);
  const smallest = Math.min(...grid.spacing);
  if (largest > thresholds.coarseSpacingMm) {
    warnings.push({
      code: 'SPACING_COARSE',
      message: `${grid.role}: voxel spacing ${formatSpacing(grid.spacing)} has an edge above ${thresholds.coarseSpacingMm} mm; small lesions may be missed and volumes are coarse`,
    });
  }
  if (largest / smallest > thresholds.anisotropyRatio) {
    warnings.push({
      code: 'SPACING_ANISOTROPIC',
      message: `${grid.role}: voxel spacing ${formatSpacing(grid.spacing)} is anisotropic (ratio ${(largest / smallest).toFixed(1)} > ${thresholds.anisotropyRatio}); the model was trained on near-isotropic voxels`,
    });
  }
  return warnings;
}

/** Angle (degrees) between each voxel axis and the world axis it runs closest to. */
export function axisTiltDegrees(affine: Float64Array): [number, number, number] {
  return [0, 1, 2].map((c) => {
    const column = [affine[c], affine[4 + c], affine[8 + c]];
    const norm = Math.hypot(...column) || 1;
    const cosine = Math.max(...column.map((v) => Math.abs(v) / norm));
    return (Math.acos(Math.min(1, cosine)) * 180) / Math.PI;
  }) as [number, number, number];
}

export function orientationWarnings(grid: QcGrid, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): QcWarning[] {
  const warnings: QcWarning[] = [];
  const tilt = axisTiltDegrees(grid.affine);
  const worst = Math.max(...tilt);
  if (worst > thresholds.obliqueDegrees) {
    warnings.push({
      code: 'ORIENTATION_OBLIQUE',
      message: `${grid.role}: oblique acquisition, voxel axes tilted up to ${worst.toFixed(1)}° from the scanner axes (> ${thresholds.obliqueDegrees}°); the mask is returned on the same tilted grid`,
    });
  }
  // NIfTI's third voxel axis is the slice axis; axial slices stack along world z (S/I).
  const sliceAxis = axisOrientation(grid.affine)[2].worldAxis;
  if (sliceAxis !== 2) {
    warnings.push({
      code: 'ORIENTATION_NON_AXIAL',
      message: `${grid.role}: slices stack along ${sliceAxis === 0 ? 'R/L (sagittal)' : 'A/P (coronal)'}, not S/I (axial); the model was trained on axial DWI`,
    });
  }
  return warnings;
}

/** The brain is the non-zero DWI of a skull-stripped study; its size says whether the input is what the model expects. */
export function brainMaskWarnings(brain: Uint8Array, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): QcWarning[] {
  let voxels = 0;
  for (let i = 0; i < brain.length; i++) voxels += brain[i];
  if (voxels === 0) {
    return [
      {
        code: 'BRAIN_MASK_EMPTY',
        message: 'DWI: every voxel is 0, so the brain mask is empty; nothing can be segmented and the mask is empty',
      },
    ];
  }
  const fraction = voxels / brain.length;
  if (fraction > thresholds.maxBrainFraction) {
    return [
      {
        code: 'BRAIN_MASK_WHOLE_VOLUME',
        message: `DWI: ${(fraction * 100).toFixed(1)}% of voxels are non-zero, so the brain mask is the whole volume; the study looks not skull-stripped (the model expects skull-stripped DWI)`,
      },
    ];
  }
  return [];
}

export function flairOverlapWarnings(
  coverage: number,
  flairFile: string,
  thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS,
): QcWarning[] {
  if (coverage >= thresholds.minFlairOverlap) return [];
  return [
    {
      code: 'FLAIR_LOW_OVERLAP',
      message: `FLAIR ${flairFile} covers only ${(coverage * 100).toFixed(1)}% of the DWI field of view (< ${thresholds.minFlairOverlap * 100}%); the FLAIR channel is 0 elsewhere`,
    },
  ];
}
