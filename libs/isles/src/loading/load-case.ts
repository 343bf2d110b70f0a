import { assertMask, isSameGrid, maxAffineDifference, readNifti, resampleToGrid, Volume } from '@fedstroke/nifti';
import { CaseLoadError } from '../errors';
import type { CaseFiles } from '../layout/case-files';
import { Preprocessing, preprocessCase } from '../preprocessing/preprocessing';
import type { ChannelName, LoadedCase } from './loaded-case';

export interface LoadCaseOptions {
  /** Add FLAIR (resampled into the DWI grid) as the third channel; the case must then have a FLAIR file. */
  useFlair: boolean;
  /** Applied in order after loading. */
  preprocess?: readonly Preprocessing[];
  /**
   * Largest affine difference (mm, element-wise) for which an ADC or mask of the DWI's shape simply takes the DWI
   * affine. Real ISLES'22 files carry sform/qform that differ slightly between files of one case; default 1 mm.
   */
  affineTolerance?: number;
}

/** Grids this close are the same grid (float32 rounding in headers). */
const SAME_GRID = 1e-3;

/**
 * Loads a case as channels on the DWI grid: DWI, ADC (same grid), optionally FLAIR resampled from its own space
 * through both affines (trilinear), and the mask (binary, same grid). Every fix-up is noted in `qc`.
 */
export async function loadCase(files: CaseFiles, options: LoadCaseOptions): Promise<LoadedCase> {
  const tolerance = options.affineTolerance ?? 1;
  const qc: string[] = [];
  const dwi = await readNifti(files.dwi);
  const adc = await readNifti(files.adc);
  const channels = [dwi.data, onDwiGrid(files.id, 'ADC', files.adc, adc, files.dwi, dwi, tolerance, qc)];
  const channelNames: ChannelName[] = ['dwi', 'adc'];
  if (options.useFlair) {
    if (!files.flair)
      throw new CaseLoadError(`${files.id}: FLAIR was asked for (useFlair) but the case has no FLAIR file`);
    channels.push(flairOnDwiGrid(files.flair, await readNifti(files.flair), dwi, qc));
    channelNames.push('flair');
  }
  let mask: Uint8Array | undefined;
  if (files.mask) {
    const maskVolume = await readNifti(files.mask);
    assertMask(maskVolume);
    mask = Uint8Array.from(onDwiGrid(files.id, 'mask', files.mask, maskVolume, files.dwi, dwi, tolerance, qc));
  }
  const loaded: LoadedCase = {
    id: files.id,
    channelNames,
    channels,
    mask,
    shape: dwi.shape,
    spacing: dwi.spacing,
    affine: dwi.affine,
    qc,
    nativeGrid: { shape: dwi.shape, spacing: dwi.spacing, affine: dwi.affine },
  };
  return preprocessCase(loaded, options.preprocess ?? []);
}

/** ADC and mask must be on the DWI grid; a small header disagreement is accepted (and noted), a shape one is not. */
function onDwiGrid(
  caseId: string,
  what: string,
  file: string,
  volume: Volume,
  dwiFile: string,
  dwi: Volume,
  tolerance: number,
  qc: string[],
): Float32Array {
  if (!volume.shape.every((n, axis) => n === dwi.shape[axis]))
    throw new CaseLoadError(
      `${caseId}: ${what} ${file} has shape ${volume.shape.join('x')} but DWI ${dwiFile} has ` +
        `${dwi.shape.join('x')}; the ${what} must be on the DWI grid`,
    );
  if (isSameGrid(volume, dwi, SAME_GRID)) return volume.data;
  const difference = maxAffineDifference(volume.affine, dwi.affine);
  if (difference > tolerance)
    throw new CaseLoadError(
      `${caseId}: ${what} ${file} has the DWI's shape but its affine differs from DWI ${dwiFile} by up to ` +
        `${difference.toFixed(3)} mm (tolerance ${tolerance} mm); expected the same grid`,
    );
  qc.push(`${what}: affine differs from DWI by up to ${difference.toFixed(4)} mm; took the DWI affine (same shape)`);
  return volume.data;
}

/** FLAIR lives in its own space (anisotropic, tilted): trilinear through both affines, 0 outside its field of view. */
function flairOnDwiGrid(file: string, flair: Volume, dwi: Volume, qc: string[]): Float32Array {
  if (isSameGrid(flair, dwi, SAME_GRID)) return flair.data;
  const resampled = resampleToGrid(flair, { shape: dwi.shape, affine: dwi.affine }, 'linear', { fill: 0 });
  qc.push(
    `FLAIR: resampled from ${flair.shape.join('x')} (${flair.spacing.map((s) => s.toFixed(2)).join('x')} mm) into the DWI grid`,
  );
  if (resampled.coverage < 0.95)
    qc.push(`FLAIR: covers only ${(resampled.coverage * 100).toFixed(1)}% of the DWI grid (${file}); the rest is 0`);
  return resampled.data;
}
