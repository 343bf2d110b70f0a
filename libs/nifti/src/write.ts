/**
 * Writing NIfTI-1 volumes (.nii.gz, or .nii by extension). The affine goes into both the sform and the qform
 * (quaternion from the affine, qfac for left-handed grids, pixdim from the column norms), so ITK-SNAP, 3D Slicer,
 * NiiVue and nibabel all place the image at the same spot. Their codes are the source file's (`volume.xform`: a
 * mask written on a scanner-space DWI stays scanner space), else 2 (aligned anatomy). A display range (cal_min,
 * cal_max) and an intent can be stated, so viewers window a probability map and treat a mask as labels.
 * The file appears atomically: written to a temporary sibling, then renamed.
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { BYTES_PER_VOXEL, DATATYPE_CODES } from './datatypes';
import { NiftiError } from './errors';
import { NIFTI1_HEADER_BYTES } from './header';
import { affineToQform } from './quaternion';
import type { Volume, XformCodes } from './volume';

const gzipAsync = promisify(gzip);

export type WritableDatatype = 'float32' | 'uint8' | 'int16';

const WRITABLE_DATATYPES: readonly string[] = ['float32', 'uint8', 'int16'];

/** nifti1.h intent codes this project writes. */
export const NIFTI_INTENT = { NONE: 0, ESTIMATE: 1001, LABEL: 1002 } as const;

export interface WriteNiftiOptions {
  /** On-disk type; default float32. Integer types require integral values within range. */
  datatype?: WritableDatatype;
  /** cal_min and cal_max: the range a viewer maps to its colour scale (e.g. [0, 1] for probabilities). */
  displayRange?: readonly [number, number];
  /** intent_code and intent_name (at most 15 characters), e.g. NIFTI_INTENT.LABEL and "lesion mask". */
  intent?: { code: number; name: string };
  /** The header's 80-byte descrip field (latin1, cut at 79 characters); default "fedstroke". */
  description?: string;
}

/** What can be written: a volume whose voxels may also be bytes already (a mask), so none is copied to float32. */
export type WritableVolume = Omit<Volume, 'data'> & { data: Float32Array | Uint8Array };

/** nifti1.h NIFTI_XFORM_ALIGNED_ANAT: coordinates aligned to another file or an anatomical truth. */
const XFORM_ALIGNED_ANAT = 2;
const DEFAULT_XFORM: XformCodes = { qformCode: XFORM_ALIGNED_ANAT, sformCode: XFORM_ALIGNED_ANAT };
const NIFTI_UNITS_MM = 2;
/** Header plus the 4-byte "no extensions" flag; voxels start here. */
const VOX_OFFSET = NIFTI1_HEADER_BYTES + 4;

function checkShape(path: string, volume: WritableVolume): number {
  const frames = volume.frames ?? 1;
  const expected = volume.shape[0] * volume.shape[1] * volume.shape[2] * frames;
  if (!volume.shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 32767) || volume.data.length !== expected) {
    throw new NiftiError(
      'NIFTI_SIZE_MISMATCH',
      path,
      `cannot write: shape ${volume.shape.join('x')} x ${frames} frame(s) needs ${expected} values (each extent 1..32767), data has ${volume.data.length}`,
    );
  }
  return frames;
}

function checkOptions(path: string, options: WriteNiftiOptions): void {
  const range = options.displayRange;
  if (range && !(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] <= range[1])) {
    throw new NiftiError('NIFTI_BAD_HEADER', path, `cannot write display range [${range}]: expected finite min <= max`);
  }
  const intent = options.intent;
  if (intent && (!Number.isInteger(intent.code) || intent.code < 0 || intent.code > 32767 || intent.name.length > 15)) {
    throw new NiftiError(
      'NIFTI_BAD_HEADER',
      path,
      `cannot write intent ${JSON.stringify(intent)}: expected an int16 code and a name of at most 15 characters`,
    );
  }
}

/** Encodes the 352-byte NIfTI-1 header (348 + empty extension flag). */
function encodeHeader(
  volume: WritableVolume,
  datatype: WritableDatatype,
  frames: number,
  options: WriteNiftiOptions,
): Uint8Array {
  const bytes = new Uint8Array(VOX_OFFSET);
  const view = new DataView(bytes.buffer);
  const q = affineToQform(volume.affine);
  view.setInt32(0, NIFTI1_HEADER_BYTES, true);
  bytes[39] = 0; // dim_info: unknown
  const dims = [frames > 1 ? 4 : 3, volume.shape[0], volume.shape[1], volume.shape[2], frames, 1, 1, 1];
  dims.forEach((d, i) => view.setInt16(40 + i * 2, d, true));
  if (options.intent) {
    view.setInt16(68, options.intent.code, true);
    bytes.set(Buffer.from(options.intent.name, 'latin1'), 328);
  }
  view.setInt16(70, DATATYPE_CODES[datatype], true);
  view.setInt16(72, BYTES_PER_VOXEL[datatype] * 8, true);
  const pixdim = [q.qfac, q.pixdim[0], q.pixdim[1], q.pixdim[2], 1, 1, 1, 1];
  pixdim.forEach((p, i) => view.setFloat32(76 + i * 4, p, true));
  view.setFloat32(108, VOX_OFFSET, true);
  view.setFloat32(112, 1, true); // scl_slope: values are stored as they are
  view.setFloat32(116, 0, true);
  bytes[123] = NIFTI_UNITS_MM;
  if (options.displayRange) {
    view.setFloat32(124, options.displayRange[1], true); // cal_max
    view.setFloat32(128, options.displayRange[0], true); // cal_min
  }
  bytes.set(Buffer.from((options.description ?? 'fedstroke').slice(0, 79), 'latin1'), 148);
  const xform = volume.xform ?? DEFAULT_XFORM;
  view.setInt16(252, xform.qformCode, true);
  view.setInt16(254, xform.sformCode, true);
  [q.quaternB, q.quaternC, q.quaternD, ...q.qoffset].forEach((v, i) => view.setFloat32(256 + i * 4, v, true));
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) view.setFloat32(280 + (r * 4 + c) * 4, volume.affine[r * 4 + c], true);
  }
  bytes.set(Buffer.from('n+1\0', 'latin1'), 344);
  return bytes;
}

/** Integer encodings must be exact: a fractional or out-of-range value is an error, never a silent rounding. */
function encodeVoxels(path: string, data: Float32Array | Uint8Array, datatype: WritableDatatype): Uint8Array {
  // Bytes written as bytes need neither a check nor a copy.
  if (datatype === 'uint8' && data instanceof Uint8Array) return data;
  // Stored little-endian, which is the byte order of every platform Node supports in practice.
  if (datatype === 'float32') {
    const floats = data instanceof Float32Array ? data : Float32Array.from(data);
    return new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  }
  const [Ctor, min, max] = datatype === 'uint8' ? [Uint8Array, 0, 255] : [Int16Array, -32768, 32767];
  const out = new Ctor(data.length);
  for (let v = 0; v < data.length; v++) {
    const value = data[v];
    // `(value | 0) === value` is an integrality test once the range holds (and, unlike Number.isInteger, costs
    // no global lookup per voxel inside sandboxes such as jest's).
    if (!(value >= min && value <= max && (value | 0) === value)) {
      throw new NiftiError(
        'NIFTI_VALUE_NOT_REPRESENTABLE',
        path,
        `cannot write as ${datatype}: expected integers in ${min}..${max}, found ${value} at voxel index ${v}`,
      );
    }
    out[v] = value;
  }
  return new Uint8Array(out.buffer);
}

export async function writeNifti(path: string, volume: WritableVolume, options: WriteNiftiOptions = {}): Promise<void> {
  const datatype = options.datatype ?? 'float32';
  if (!WRITABLE_DATATYPES.includes(datatype)) {
    throw new NiftiError(
      'NIFTI_UNSUPPORTED_DATATYPE',
      path,
      `cannot write ${datatype}: expected float32, uint8 or int16`,
    );
  }
  const compress = path.endsWith('.nii.gz');
  if (!compress && !path.endsWith('.nii')) {
    throw new NiftiError('NIFTI_BAD_PATH', path, 'expected a file name ending in .nii.gz or .nii');
  }
  const frames = checkShape(path, volume);
  checkOptions(path, options);
  const header = encodeHeader(volume, datatype, frames, options);
  const voxels = encodeVoxels(path, volume.data, datatype);
  const raw = Buffer.concat([header, voxels]);
  const payload = compress ? await gzipAsync(raw) : raw;

  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, payload);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw new NiftiError('NIFTI_WRITE_FAILED', path, `could not write the file (${(error as Error).message})`, {
      cause: error,
    });
  }
}
