/**
 * Reading NIfTI-1/2 volumes (.nii or .nii.gz, detected from the bytes, not the name) into float32 `Volume`s.
 * Every failure is a NiftiError naming the file; a volume is returned only when every voxel the header
 * promises is present.
 *
 * The header decides how many bytes a file may hold: vox_offset (the header plus its extensions) plus the voxels
 * its dims and datatype describe. Bytes are collected into one buffer of exactly that size, and the first byte
 * beyond it stops the read (for .nii.gz, the inflation), so a small file that claims a small volume can never cost
 * more memory or time than that volume, whatever its compressed stream expands to.
 */
import {
  FileAccessError,
  InvalidArgumentError,
  openRegularFile,
  readChunks,
  type RegularFile,
} from '@fedstroke/common';
import { constants } from 'node:buffer';
import { BYTES_PER_VOXEL, SUPPORTED_DATATYPES } from './datatypes';
import { NiftiError } from './errors';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, inflateFile, isGzip } from './gzip';
import { NIFTI2_HEADER_BYTES, type NiftiHeader, parseNiftiHeader } from './header';
import { decodeVoxels } from './voxels';
import type { NiftiDatatype, Volume } from './volume';

const { MAX_LENGTH } = constants;

export interface ReadNiftiOptions {
  /** Cap on decompressed (or, for .nii, raw) bytes; default 2 GiB. Checked against the header before reading. */
  maxDecompressedBytes?: number;
  /**
   * Default true: a file with more than one 3-D frame (dim4 > 1) is an error (NIFTI_NOT_3D). With false, all
   * frames are returned one after another in `data` and `frames` says how many.
   */
  expect3d?: boolean;
  /** Limit on each file operation (stat, open, one read), ms; a storage path that stops answering fails clearly. */
  ioTimeoutMs?: number;
}

/** The cap, checked: a positive whole number of bytes, at most what one Buffer can hold. */
function byteCap(options: ReadNiftiOptions): number {
  const cap = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(cap) || cap <= 0) {
    throw new InvalidArgumentError(`maxDecompressedBytes must be a positive whole number of bytes, got ${cap}`);
  }
  return Math.min(cap, MAX_LENGTH);
}

/** File access failures as the NiftiError codes callers already know. */
function asNiftiError(error: unknown, path: string): unknown {
  if (!(error instanceof FileAccessError)) return error;
  const options = { cause: error };
  switch (error.code) {
    case 'FILE_NOT_FOUND':
      return new NiftiError(
        'NIFTI_NOT_FOUND',
        path,
        `expected a readable NIfTI file, found none (${error.detail})`,
        options,
      );
    case 'FILE_NOT_REGULAR':
      return new NiftiError('NIFTI_NOT_A_FILE', path, `expected a NIfTI file, found ${error.kind}`, options);
    case 'IO_TIMEOUT':
      return new NiftiError('NIFTI_IO_TIMEOUT', path, error.detail, options);
    default:
      return new NiftiError('NIFTI_UNREADABLE', path, error.detail, options);
  }
}

/**
 * Streams the file's bytes (inflated when gzip) into `consume` until it returns false or the file ends, with the
 * file open only for that time.
 */
async function streamBytes(
  path: string,
  options: ReadNiftiOptions,
  consume: (chunk: Buffer, file: RegularFile, gzip: boolean) => boolean,
): Promise<void> {
  let file: RegularFile | undefined;
  try {
    file = await openRegularFile(path, { timeoutMs: options.ioTimeoutMs });
    const magic = Buffer.alloc(2);
    const gzip = isGzip(magic.subarray(0, await file.read(magic, 0, 2, 0)));
    const opened = file;
    const take = (chunk: Buffer) => consume(chunk, opened, gzip);
    if (gzip) await inflateFile(file, path, take);
    else for await (const chunk of readChunks(file)) if (!take(chunk)) break;
  } catch (error) {
    throw asNiftiError(error, path);
  } finally {
    await file?.close().catch(() => undefined);
  }
}

/** Parses only the header: for .nii.gz it inflates just the first few hundred bytes. */
export async function readNiftiHeader(
  path: string,
  options: Pick<ReadNiftiOptions, 'ioTimeoutMs'> = {},
): Promise<NiftiHeader> {
  const head: Buffer[] = [];
  let length = 0;
  await streamBytes(path, options, (chunk) => {
    head.push(chunk);
    length += chunk.length;
    return length < NIFTI2_HEADER_BYTES;
  });
  return parseNiftiHeader(Buffer.concat(head).subarray(0, NIFTI2_HEADER_BYTES), path);
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

/** What a file may hold once its header is known; every check that needs no voxel is made here. */
interface ReadPlan {
  header: NiftiHeader;
  datatype: NiftiDatatype;
  /** vox_offset plus the voxel bytes: the whole file, decompressed. */
  totalBytes: number;
  /** For messages: "dims 10x10x10 of float32 need 4000 bytes after vox_offset 352". */
  what: string;
}

function plan(header: NiftiHeader, options: ReadNiftiOptions, maxBytes: number): ReadPlan {
  if ((options.expect3d ?? true) && header.frames > 1) {
    throw new NiftiError(
      'NIFTI_NOT_3D',
      header.path,
      `expected a 3-D volume, found ${header.frames} frames (dims ${dimsText(header)})`,
    );
  }
  const datatype = supportedDatatype(header);
  const voxelBytes = voxelCount(header) * BYTES_PER_VOXEL[datatype];
  const totalBytes = header.voxOffset + voxelBytes;
  const what = `dims ${dimsText(header)} of ${datatype} need ${voxelBytes} bytes after vox_offset ${header.voxOffset}`;
  if (totalBytes > maxBytes) {
    throw new NiftiError(
      'NIFTI_TOO_LARGE',
      header.path,
      `its header implies ${totalBytes} bytes (${what}), more than the limit of ${maxBytes} bytes (maxDecompressedBytes)`,
    );
  }
  return { header, datatype, totalBytes, what };
}

/**
 * Collects a file's bytes into one buffer of exactly the size its header implies: the header is parsed as soon as
 * its bytes are in, and the first byte beyond the implied size is refused.
 */
class VolumeBytes {
  private readonly head: Buffer[] = [];
  private headLength = 0;
  private read: ReadPlan | undefined;
  private bytes: Buffer | undefined;
  private filled = 0;

  constructor(
    private readonly path: string,
    private readonly options: ReadNiftiOptions,
    private readonly maxBytes: number,
  ) {}

  take(chunk: Buffer, file: RegularFile, gzip: boolean): true {
    if (this.bytes) return this.append(chunk, false);
    if (!gzip && file.size > this.maxBytes) {
      throw new NiftiError(
        'NIFTI_TOO_LARGE',
        this.path,
        `is ${file.size} bytes, more than the limit of ${this.maxBytes} bytes (maxDecompressedBytes)`,
      );
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < NIFTI2_HEADER_BYTES) return true;
    const prefix = Buffer.concat(this.head);
    const read = this.start(prefix);
    // A plain file's size is known: judge it before reading a single voxel.
    if (!gzip && file.size !== read.totalBytes) return this.judge(file.size);
    return this.append(prefix, false);
  }

  /** The complete bytes, or the error that says what is missing. */
  finish(): { read: ReadPlan; bytes: Buffer } {
    if (!this.read) {
      // The whole file is shorter than a NIfTI-2 header: judge it in one piece.
      const whole = Buffer.concat(this.head);
      this.start(whole);
      this.judge(whole.length);
      this.append(whole, true);
    }
    const read = this.read!;
    if (this.filled < read.totalBytes) this.judge(this.filled);
    return { read, bytes: this.bytes! };
  }

  private start(prefix: Buffer): ReadPlan {
    this.read = plan(parseNiftiHeader(prefix, this.path), this.options, this.maxBytes);
    this.bytes = Buffer.allocUnsafe(this.read.totalBytes);
    return this.read;
  }

  /** Throws when `size` (the whole file's) is not the size the header implies. */
  private judge(size: number): true {
    const read = this.read!;
    const found = size - read.header.voxOffset;
    if (size < read.totalBytes) {
      throw new NiftiError(
        'NIFTI_TRUNCATED',
        this.path,
        `${read.what}, found ${Math.max(found, 0)}: the file is truncated or its dims are wrong`,
      );
    }
    if (size > read.totalBytes) throw this.oversized(found, true);
    return true;
  }

  private oversized(found: number, exact: boolean): NiftiError {
    const what = this.read!.what;
    return new NiftiError(
      'NIFTI_SIZE_MISMATCH',
      this.path,
      exact
        ? `${what}, found ${found}: the dims or datatype disagree with the data`
        : `${what}, found at least ${found} and stopped reading there: the dims or datatype disagree with the ` +
            'data (or the file is a decompression bomb)',
    );
  }

  private append(chunk: Buffer, exact: boolean): true {
    const bytes = this.bytes!;
    if (this.filled + chunk.length > bytes.length) {
      throw this.oversized(this.filled + chunk.length - this.read!.header.voxOffset, exact);
    }
    chunk.copy(bytes, this.filled);
    this.filled += chunk.length;
    return true;
  }
}

/** Reads a whole NIfTI volume as float32 with scaling applied and the voxel → world affine of the header. */
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  const collector = new VolumeBytes(path, options, byteCap(options));
  await streamBytes(path, options, (chunk, file, gzip) => collector.take(chunk, file, gzip));
  const { read, bytes } = collector.finish();
  const { header, datatype } = read;
  const data = decodeVoxels(
    bytes.subarray(header.voxOffset),
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
    xform: { qformCode: header.qformCode, sformCode: header.sformCode },
  };
  if (header.frames > 1) volume.frames = header.frames;
  return volume;
}
