/**
 * The one way the files of a case become a network's input, shared by training, site agents, evaluation and
 * clinical inference: DWI and ADC read (the ADC on the DWI grid), FLAIR resampled into the DWI grid, every voxel
 * finite, the brain and the QC warnings taken from them (readCase), then the preprocessing a model records applied
 * (prepareCase). Every file is named in errors by its role and by the name the caller knows it by.
 */
import {
  assertMask,
  checkSameGrid,
  isSameGrid,
  NiftiError,
  readNifti,
  resampleToGrid,
  type ReadNiftiOptions,
  type Volume,
} from '@fedstroke/nifti';
import { CaseFileError, CaseLoadError, type CaseRole } from '../errors';
import type { CaseFiles } from '../layout/case-files';
import { preprocessCase } from '../preprocessing/preprocessing';
import { buildPreprocessing, describePreprocessing, type PreprocessingSpec } from '../preprocessing/preprocessing-spec';
import { nonzeroMask } from '../preprocessing/zscore-within-brain';
import type { ChannelName, LoadedCase } from './loaded-case';
import {
  brainMaskWarnings,
  DEFAULT_QC_THRESHOLDS,
  flairOverlapWarnings,
  orientationWarnings,
  type QcThresholds,
  type QcWarning,
  spacingWarnings,
} from './qc-warnings';

export interface LoadCaseOptions {
  /** A model's recorded preprocessing: its channels, then its steps. Without one: DWI and ADC as read, no steps. */
  preprocessing?: PreprocessingSpec;
  /**
   * A FLAIR channel asked of a case without FLAIR: refused (default: a training case must have what the model
   * takes), or all zeros with a QC warning (a clinical study, segmented from DWI and ADC alone).
   */
  missingFlair?: 'refuse' | 'zeros';
  /**
   * Largest affine difference (mm, element-wise) at which an ADC or mask of the DWI's shape is taken as on the DWI
   * grid, with a QC warning. Real ISLES'22 files carry qform/sform that differ slightly between files of one case.
   */
  affineToleranceMm?: number;
  qc?: Partial<QcThresholds>;
  /** How files are named in messages (e.g. an upload id instead of a server path); default the path itself. */
  labels?: Partial<Record<CaseRole, string>>;
  read?: Pick<ReadNiftiOptions, 'ioTimeoutMs'>;
}

export const DEFAULT_AFFINE_TOLERANCE_MM = 1;

/** A NIfTI error re-raised with the file's role and the name the caller knows it by, keeping its code. */
export function asCaseFileError(error: unknown, role: CaseRole | string, name: string): unknown {
  if (!(error instanceof NiftiError)) return error;
  const own = error.message.startsWith(`${error.file}: `) ? error.message.slice(error.file.length + 2) : error.message;
  // System messages quote the path (ENOENT … stat '/data/…'); the caller only ever sees the name it knows.
  return new CaseFileError(error.code, role, name, own.split(error.file).join(name), { cause: error });
}

/**
 * Reads one file of a case: readable, 3-D, every voxel present; a mask binary, any other role finite everywhere.
 * Errors are CaseFileErrors naming the file as `name`.
 */
export async function readCaseFile(
  path: string,
  role: CaseRole | string,
  name: string,
  options: LoadCaseOptions['read'] = {},
): Promise<Volume> {
  try {
    const volume = await readNifti(path, options);
    if (role === 'mask') assertMask(volume);
    else assertFinite(volume, role, name);
    return volume;
  } catch (error) {
    throw asCaseFileError(error, role, name);
  }
}

class CaseReader {
  readonly qc: QcWarning[] = [];
  readonly thresholds: QcThresholds;

  constructor(
    readonly files: CaseFiles,
    readonly options: LoadCaseOptions,
  ) {
    this.thresholds = { ...DEFAULT_QC_THRESHOLDS, ...options.qc };
  }

  name(role: CaseRole, path: string): string {
    return this.options.labels?.[role] ?? path;
  }

  read(role: CaseRole, path: string): Promise<Volume> {
    return readCaseFile(path, role, this.name(role, path), this.options.read);
  }

  /** ADC and mask share the DWI grid; an affine that differs within the tolerance is overruled, with a warning. */
  onDwiGrid(dwi: Volume, role: CaseRole, path: string, volume: Volume): void {
    const tolerance = this.options.affineToleranceMm ?? DEFAULT_AFFINE_TOLERANCE_MM;
    const agreement = checkSameGrid(
      { role: 'DWI', file: this.name('DWI', this.files.dwi), shape: dwi.shape, affine: dwi.affine },
      { role, file: this.name(role, path), shape: volume.shape, affine: volume.affine },
      tolerance,
      `Expected the ${role} of the same acquisition as the DWI`,
    );
    if (!agreement.adopted) return;
    this.qc.push({
      code: `${role.toUpperCase()}_AFFINE_ADOPTED`,
      message:
        `${role}: header affine differs from the DWI's by up to ${agreement.differenceMm.toFixed(4)} mm ` +
        `(tolerance ${tolerance} mm) on the same ${volume.shape.join('x')} grid; the DWI affine was used`,
    });
  }

  /** FLAIR lives in its own space (anisotropic, tilted): trilinear through both affines, 0 outside its view. */
  async flair(dwi: Volume): Promise<Float32Array> {
    const path = this.files.flair;
    if (!path) {
      if ((this.options.missingFlair ?? 'refuse') === 'refuse') {
        throw new CaseLoadError(`${this.files.id}: the model takes FLAIR as its third channel, but the case has none`);
      }
      this.qc.push({
        code: 'FLAIR_ZERO_FILLED',
        message:
          'the model takes DWI, ADC and FLAIR; without FLAIR its third channel is all zeros (as outside the brain), so ' +
          'it segments from DWI and ADC alone and may be less accurate than with FLAIR',
      });
      return new Float32Array(dwi.data.length);
    }
    const flair = await this.read('FLAIR', path);
    if (isSameGrid(flair, dwi)) return flair.data;
    const resampled = resampleToGrid(flair, { shape: dwi.shape, affine: dwi.affine }, 'linear', { fill: 0 });
    this.qc.push(...flairOverlapWarnings(resampled.coverage, this.name('FLAIR', path), this.thresholds));
    return resampled.data;
  }
}

function assertFinite(volume: Volume, role: CaseRole | string, name: string): void {
  const data = volume.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] - data[i] !== 0) {
      throw new CaseFileError(
        'CASE_NON_FINITE',
        role,
        name,
        `voxel ${i} holds ${data[i]}; expected finite intensities everywhere`,
      );
    }
  }
}

/**
 * Reads a case onto the DWI grid: the channels the preprocessing names (default DWI, ADC), the mask when the case
 * has one, the brain (non-zero DWI) and the QC warnings. No preprocessing step is applied yet.
 */
export async function readCase(files: CaseFiles, options: LoadCaseOptions = {}): Promise<LoadedCase> {
  const reader = new CaseReader(files, options);
  const { qc } = reader;
  const channelNames: ChannelName[] = options.preprocessing?.channels ?? ['dwi', 'adc'];
  const dwi = await reader.read('DWI', files.dwi);
  const adc = await reader.read('ADC', files.adc);
  reader.onDwiGrid(dwi, 'ADC', files.adc, adc);
  const grid = { role: 'DWI', spacing: dwi.spacing, affine: dwi.affine };
  qc.push(...spacingWarnings(grid, reader.thresholds), ...orientationWarnings(grid, reader.thresholds));
  if (!files.flair) {
    qc.push({ code: 'FLAIR_MISSING', message: 'no FLAIR was given; the case is read from DWI and ADC' });
  }
  const channels = [dwi.data, adc.data];
  if (channelNames.includes('flair')) channels.push(await reader.flair(dwi));
  else if (files.flair) {
    qc.push({ code: 'FLAIR_UNUSED', message: 'the model takes DWI and ADC only; the FLAIR given was not used' });
  }
  let mask: Uint8Array | undefined;
  if (files.mask) {
    const volume = await reader.read('mask', files.mask);
    reader.onDwiGrid(dwi, 'mask', files.mask, volume);
    mask = Uint8Array.from(volume.data);
  }
  const brain = nonzeroMask(dwi.data);
  qc.push(...brainMaskWarnings(brain, reader.thresholds));
  const nativeGrid = { shape: dwi.shape, spacing: dwi.spacing, affine: dwi.affine, xform: dwi.xform };
  return {
    id: files.id,
    channelNames: channelNames.slice(),
    channels,
    mask,
    brain,
    shape: dwi.shape,
    spacing: dwi.spacing,
    affine: dwi.affine,
    qc,
    nativeGrid,
  };
}

/** Applies a recorded preprocessing to a case read with the same spec's channels. */
export function prepareCase(loaded: LoadedCase, spec: PreprocessingSpec): LoadedCase {
  if (loaded.channelNames.join() !== spec.channels.join()) {
    throw new CaseLoadError(
      `${loaded.id}: read with channels ${loaded.channelNames.join(', ')}, but the preprocessing ` +
        `(${describePreprocessing(spec)}) takes ${spec.channels.join(', ')}`,
    );
  }
  return { ...preprocessCase(loaded, buildPreprocessing(spec)), preprocessing: spec };
}

/** readCase, then the preprocessing when one is given: what train, evaluate, segment and segmentStudy all call. */
export async function loadCase(files: CaseFiles, options: LoadCaseOptions = {}): Promise<LoadedCase> {
  const loaded = await readCase(files, options);
  return options.preprocessing ? prepareCase(loaded, options.preprocessing) : loaded;
}
