/**
 * Reading NIfTI-1/2 volumes (.nii or .nii.gz, detected from the bytes, not the name) into float32 `Volume`s.
 * Every failure is a NiftiError naming the file; a volume is returned only when every voxel the header
 * promises is present.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { constants } from 'node:buffer';
import type { Stats } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { BYTES_PER_VOXEL, SUPPORTED_DATATYPES } from './datatypes';
import { NiftiError } from './errors';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, gunzipCapped, gunzipPrefix, isGzip } from './gzip';
import { NIFTI2_HEADER_BYTES, type NiftiHeader, parseNiftiHeader } from './header';
import { decodeVoxels } from './voxels';
import type { NiftiDatatype, Volume } from './volume';

const { MAX_LENGTH } = constants;

export interface ReadNiftiOptions {
  /** Cap on decompressed (or, for .nii, raw) bytes; default 2 GiB. Guards against gzip bombs. */
  maxDecompressedBytes?: number;
  /**
   * Default true: a file with more than one 3-D frame (dim4 > 1) is an error (NIFTI_NOT_3D). With false, all
   * frames are returned one after another in `data` and `frames` says how many.
   */
  expect3d?: boolean;
}

/** Fails with NIFTI_NOT_FOUND for a missing path or a directory; returns the file size. */
async function fileSize(path: string): Promise<number> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    const reason = (error as Error).message;
    throw new NiftiError('NIFTI_NOT_FOUND', path, `expected a readable NIfTI file, found none (${reason})`, {
      cause: error,
    });
  }
  if (!info.isFile()) {
    throw new NiftiError('NIFTI_NOT_FOUND', path, 'expected a NIfTI file, found a directory or special file');
  }
  return info.size;
}

/** The cap, checked: a positive whole number of bytes, at most what one Buffer can hold. */
function byteCap(options: ReadNiftiOptions): number {
  const cap = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(cap) || cap <= 0) {
    throw new InvalidArgumentError(`maxDecompressedBytes must be a positive whole number of bytes, got ${cap}`);
  }
  return Math.min(cap, MAX_LENGTH);
}

/** The file's bytes, inflated when gzip, never more than `maxBytes`. */
async function readBytes(path: string, maxBytes: number): Promise<Uint8Array> {
  const size = await fileSize(path);
  // Checked before reading: no file, compressed or not, is loaded whole when it is already over the cap.
  if (size > maxBytes) {
    throw new NiftiError(
      'NIFTI_TOO_LARGE',
      path,
      `is ${size} bytes, more than the limit of ${maxBytes} bytes (maxDecompressedBytes)`,
    );
  }
  const raw = await readFile(path);
  return isGzip(raw) ? gunzipCapped(raw, path, maxBytes) : raw;
}

/** Parses only the header: for .nii.gz it inflates just the first few hundred bytes. */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  await fileSize(path);
  const handle = await open(path, 'r');
  let prefix: Uint8Array;
  try {
    const head = Buffer.alloc(NIFTI2_HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    prefix = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (isGzip(prefix)) prefix = await gunzipPrefix(path, NIFTI2_HEADER_BYTES);
  return parseNiftiHeader(prefix, path);
}

/** "112x112x73" (or "4x4x4x2"): the dims that are in use. */
function dimsText(header: NiftiHeader): string {
  return header.dims.slice(1, header.dims[0] + 1).join('x');
}

function voxelCount(header: NiftiHeader): number {
  return header.shape[0] * header.shape[1] * header.shape[2] * header.frames;
}

function supportedDatatype(header: NiftiHeader): NiftiDatatype {
  if (header.datatype) return header.datatype;
  throw new NiftiError(
    'NIFTI_UNSUPPORTED_DATATYPE',
    header.path,
    `expected one of the datatypes ${SUPPORTED_DATATYPES.join(', ')}, found ${header.datatypeDescription}`,
  );
}

/** Checks that the voxel data the header promises is exactly what the file holds. */
function voxelBytes(header: NiftiHeader, bytes: Uint8Array, datatype: NiftiDatatype): Uint8Array {
  const expected = voxelCount(header) * BYTES_PER_VOXEL[datatype];
  const found = bytes.length - header.voxOffset;
  const what = `dims ${dimsText(header)} of ${datatype} need ${expected} bytes after vox_offset ${header.voxOffset}`;
  if (found < expected) {
    throw new NiftiError(
      'NIFTI_TRUNCATED',
      header.path,
      `${what}, found ${Math.max(found, 0)}: the file is truncated or its dims are wrong`,
    );
  }
  if (found > expected) {
    throw new NiftiError(
      'NIFTI_SIZE_MISMATCH',
      header.path,
      `${what}, found ${found}: the dims or datatype disagree with the data`,
    );
  }
  return bytes.subarray(header.voxOffset);
}

/** Reads a whole NIfTI volume as float32 with scaling applied and the voxel → world affine of the header. */
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  const maxBytes = byteCap(options);
  const bytes = await readBytes(path, maxBytes);
  const header = parseNiftiHeader(bytes, path);
  if ((options.expect3d ?? true) && header.frames > 1) {
    throw new NiftiError(
      'NIFTI_NOT_3D',
      path,
      `expected a 3-D volume, found ${header.frames} frames (dims ${dimsText(header)})`,
    );
  }
  const datatype = supportedDatatype(header);
  const data = decodeVoxels(
    voxelBytes(header, bytes, datatype),
    datatype,
    voxelCount(header),
    header.littleEndian,
    header.sclSlope,
    header.sclInter,
  );
  const volume: Volume = {
    data,
    shape: header.shape,
    spacing: header.spacing,
    affine: header.affine,
    datatype,
    source: path,
  };
  if (header.frames > 1) volume.frames = header.frames;
  return volume;
}
