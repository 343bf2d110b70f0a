/**
 * Loading a study for segmentation, with every check made before any compute. First the headers (inspectStudy):
 * every file readable and 3-D, sizes, spacings and shapes within limits, the ADC on the DWI grid; cheap, so the
 * coordinator runs it before a job takes a queue place. Then the case pipeline of @fedstroke/isles (readCase, then
 * prepareCase with the model's recorded preprocessing): exactly what the model's training cases went through.
 */
import {
  asCaseFileError,
  CaseFileError,
  type LoadedCase,
  prepareCase,
  type PreprocessingSpec,
  type QcThresholds,
  readCase,
  readCaseFile,
} from '@fedstroke/isles';
import { checkSameGrid, GridMismatchError, readNiftiHeader, type Volume } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import type { StudyFiles, StudyRole } from './study-files';
import { checkGridLimits, type FileGrid, resolveStudyLimits, type StudyLimits } from './study-limits';

export interface LoadStudyOptions {
  limits?: Partial<StudyLimits>;
  qc?: Partial<QcThresholds>;
  /** How the files are named in messages (e.g. an upload id instead of a server path); default the path itself. */
  labels?: Partial<Record<StudyRole, string>>;
  /** Limit on each file operation, ms (default 30 s): a storage path that stops answering fails clearly. */
  ioTimeoutMs?: number;
}

/** A study on the network's grid (the DWI grid, cropped to the brain), ready for its model. */
export interface Study extends LoadedCase {
  files: StudyFiles;
  preprocessing: PreprocessingSpec;
  timings: { loadMs: number; preprocessMs: number };
}

/** The header-level facts of a study, for checks that must not read the voxels (e.g. before a job is queued). */
export interface StudyInspection {
  grids: Partial<Record<StudyRole, FileGrid>>;
}

function label(role: StudyRole, file: string, options: LoadStudyOptions): string {
  return options.labels?.[role] ?? file;
}

/** Every refusal of a study file as a StudyInputError (the coordinator answers those with 422), codes kept. */
function asStudyError(error: unknown): unknown {
  if (error instanceof CaseFileError) {
    return new StudyInputError(error.code, [error.file], error.message, { cause: error });
  }
  if (error instanceof GridMismatchError) {
    return new StudyInputError('STUDY_GRID_MISMATCH', error.files, error.message, { cause: error });
  }
  return error;
}

async function inspectFile(role: string, file: string, name: string, options: LoadStudyOptions): Promise<FileGrid> {
  const limits = resolveStudyLimits(options.limits);
  let header;
  try {
    header = await readNiftiHeader(file, { ioTimeoutMs: options.ioTimeoutMs });
  } catch (error) {
    throw asStudyError(asCaseFileError(error, role, name));
  }
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
 * 3-D, within the size, spacing and shape limits, and the ADC on the DWI grid. Truncated voxel data shows up only
 * when the voxels are read (loadStudy).
 */
export async function inspectStudy(files: StudyFiles, options: LoadStudyOptions = {}): Promise<StudyInspection> {
  const limits = resolveStudyLimits(options.limits);
  const grids: Partial<Record<StudyRole, FileGrid>> = {};
  for (const [role, file] of roles(files)) {
    grids[role] = await inspectFile(role, file, label(role, file, options), options);
  }
  try {
    checkSameGrid(
      grids.DWI!,
      grids.ADC!,
      limits.affineToleranceMm,
      'Expected the ADC of the same acquisition as the DWI',
    );
  } catch (error) {
    throw asStudyError(error);
  }
  return { grids };
}

/**
 * Checks the headers, then reads the study and prepares it with `preprocessing` (the model's), so that it reaches
 * the network as the model's training cases did. A 3-channel model without FLAIR gets a zero channel and a QC
 * warning; a FLAIR a 2-channel model does not take is not read.
 */
export async function loadStudy(
  files: StudyFiles,
  preprocessing: PreprocessingSpec,
  options: LoadStudyOptions = {},
): Promise<Study> {
  const started = performance.now();
  const limits = resolveStudyLimits(options.limits);
  await inspectStudy(files, options);
  let loaded: LoadedCase;
  try {
    loaded = await readCase(
      { id: label('DWI', files.dwi, options), ...files },
      {
        preprocessing,
        missingFlair: 'zeros',
        affineToleranceMm: limits.affineToleranceMm,
        qc: options.qc,
        labels: options.labels,
        read: { ioTimeoutMs: options.ioTimeoutMs },
      },
    );
  } catch (error) {
    throw asStudyError(error);
  }
  const read = performance.now();
  const prepared = prepareCase(loaded, preprocessing);
  const timings = { loadMs: read - started, preprocessMs: performance.now() - read };
  return { ...prepared, files, preprocessing, timings };
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
  await inspectFile('NIfTI', file, name, { limits });
  let volume: Volume;
  try {
    volume = await readCaseFile(file, 'NIfTI', name);
  } catch (error) {
    throw asStudyError(error);
  }
  return { shape: volume.shape, spacing: volume.spacing, datatype: volume.datatype };
}
