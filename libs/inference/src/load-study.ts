/**
 * Loading a study for segmentation, with every check made before any compute: each file readable and 3-D (typed
 * errors naming the file and its role), sizes and voxel spacings within limits (checked on the header, before the
 * voxels are read), ADC on the DWI grid, FLAIR resampled into the DWI grid. What does not stop the segmentation but
 * matters to a reader becomes a QC warning.
 */
import { NiftiError, readNifti, readNiftiHeader, resampleToGrid, type Volume } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import { checkSameGrid } from './grid-agreement';
import {
  brainMaskWarnings,
  DEFAULT_QC_THRESHOLDS,
  flairOverlapWarnings,
  orientationWarnings,
  type QcThresholds,
  type QcWarning,
  spacingWarnings,
} from './qc-warnings';
import type { StudyFiles, StudyRole } from './study-files';
import { checkGridLimits, type FileGrid, resolveStudyLimits, type StudyLimits } from './study-limits';

export interface LoadStudyOptions {
  limits?: Partial<StudyLimits>;
  qc?: Partial<QcThresholds>;
  /** How the files are named in messages (e.g. an upload id instead of a server path); default the path itself. */
  labels?: Partial<Record<StudyRole, string>>;
}

/** A study on the DWI grid, ready for a model. */
export interface Study {
  files: StudyFiles;
  /** The DWI as read: its shape and affine are the grid of every channel and of the returned mask. */
  dwi: Volume;
  /** ADC voxels on the DWI grid. */
  adc: Float32Array;
  /** FLAIR resampled (trilinear) into the DWI grid, 0 outside its field of view; absent when none was given. */
  flair?: Float32Array;
  qcWarnings: QcWarning[];
  loadMs: number;
}

/** The header-level facts of a study, for checks that must not read the voxels (e.g. before a job is queued). */
export interface StudyInspection {
  grids: Partial<Record<StudyRole, FileGrid>>;
  qcWarnings: QcWarning[];
}

function label(role: StudyRole, file: string, options: LoadStudyOptions): string {
  return options.labels?.[role] ?? file;
}

/** Re-raises a NIfTI error with the file's role and label, keeping its code (NIFTI_TRUNCATED, NIFTI_NOT_3D, …). */
function asStudyError(error: unknown, role: string, name: string): never {
  if (error instanceof NiftiError) {
    const own = error.message.startsWith(`${error.file}: `)
      ? error.message.slice(error.file.length + 2)
      : error.message;
    // System messages quote the path (ENOENT … stat '/data/…'); the caller only ever sees the name it knows.
    const detail = own.split(error.file).join(name);
    throw new StudyInputError(error.code, [name], `${role} ${name}: ${detail}`, { cause: error });
  }
  if (error instanceof StudyInputError) throw error;
  throw new StudyInputError(
    'STUDY_FILE_UNREADABLE',
    [name],
    `${role} ${name}: cannot be read (${(error as Error).message})`,
    {
      cause: error,
    },
  );
}

async function inspectFile(role: string, file: string, limits: StudyLimits, name: string): Promise<FileGrid> {
  try {
    const header = await readNiftiHeader(file);
    if (header.frames > 1) {
      throw new StudyInputError(
        'NIFTI_NOT_3D',
        [name],
        `${role} ${name}: expected a 3-D volume, found ${header.frames} frames (dims ${header.shape.join('x')}x${header.frames})`,
      );
    }
    const grid: FileGrid = { role, file: name, shape: header.shape, spacing: header.spacing, affine: header.affine };
    checkGridLimits(grid, limits);
    return grid;
  } catch (error) {
    return asStudyError(error, role, name);
  }
}

function roles(files: StudyFiles): Array<[StudyRole, string]> {
  return [
    ['DWI', files.dwi],
    ['ADC', files.adc],
    ...(files.flair ? [['FLAIR', files.flair] as [StudyRole, string]] : []),
  ];
}

/**
 * Header-only checks (cheap: for .nii.gz only the first few hundred bytes are inflated): every file readable and
 * 3-D, within the size and spacing limits, and the ADC on the DWI grid. Truncated voxel data shows up only when
 * the voxels are read (loadStudy).
 */
export async function inspectStudy(files: StudyFiles, options: LoadStudyOptions = {}): Promise<StudyInspection> {
  const limits = resolveStudyLimits(options.limits);
  const thresholds = { ...DEFAULT_QC_THRESHOLDS, ...options.qc };
  const grids: Partial<Record<StudyRole, FileGrid>> = {};
  for (const [role, file] of roles(files))
    grids[role] = await inspectFile(role, file, limits, label(role, file, options));
  const dwi = grids.DWI!;
  const qcWarnings: QcWarning[] = [];
  const adopted = checkSameGrid(dwi, grids.ADC!, limits.affineToleranceMm);
  if (adopted) qcWarnings.push(adopted);
  qcWarnings.push(...spacingWarnings(dwi, thresholds), ...orientationWarnings(dwi, thresholds));
  if (!files.flair) {
    qcWarnings.push({ code: 'FLAIR_MISSING', message: 'no FLAIR was given; the study is segmented from DWI and ADC' });
  }
  return { grids, qcWarnings };
}

async function readChecked(role: string, file: string, name: string): Promise<Volume> {
  let volume: Volume;
  try {
    volume = await readNifti(file);
  } catch (error) {
    return asStudyError(error, role, name);
  }
  const data = volume.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] - data[i] !== 0) {
      throw new StudyInputError(
        'STUDY_NON_FINITE',
        [name],
        `${role} ${name}: voxel ${i} holds ${data[i]}; expected finite intensities everywhere`,
      );
    }
  }
  return volume;
}

/** Reads and checks the whole study; see the file comment for what is checked. */
export async function loadStudy(files: StudyFiles, options: LoadStudyOptions = {}): Promise<Study> {
  const started = performance.now();
  const { qcWarnings } = await inspectStudy(files, options);
  const thresholds = { ...DEFAULT_QC_THRESHOLDS, ...options.qc };
  const dwi = await readChecked('DWI', files.dwi, label('DWI', files.dwi, options));
  const adc = await readChecked('ADC', files.adc, label('ADC', files.adc, options));
  let flair: Float32Array | undefined;
  if (files.flair) {
    const volume = await readChecked('FLAIR', files.flair, label('FLAIR', files.flair, options));
    const resampled = resampleToGrid(volume, { shape: dwi.shape, affine: dwi.affine }, 'linear', { fill: 0 });
    flair = resampled.data;
    qcWarnings.push(...flairOverlapWarnings(resampled.coverage, label('FLAIR', files.flair, options), thresholds));
  }
  qcWarnings.push(...brainMaskWarnings(dwi.data, thresholds));
  return { files, dwi, adc: adc.data, flair, qcWarnings, loadMs: performance.now() - started };
}

/**
 * Checks one file on its own, as an upload endpoint must before it keeps the file: header within the limits, 3-D,
 * every voxel present and finite. `name` is how messages call it (e.g. "upload 1234 (case_dwi.nii.gz)").
 */
export async function validateStudyFile(
  file: string,
  name: string,
  limits: Partial<StudyLimits> = {},
): Promise<Pick<Volume, 'shape' | 'spacing' | 'datatype'>> {
  await inspectFile('NIfTI', file, resolveStudyLimits(limits), name);
  const volume = await readChecked('NIfTI', file, name);
  return { shape: volume.shape, spacing: volume.spacing, datatype: volume.datatype };
}
