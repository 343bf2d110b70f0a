/**
 * Gzip handling for .nii.gz: detection by the full two-byte magic (0x1f 0x8b), decompression with a hard cap on
 * the output so a gzip bomb fails fast instead of exhausting memory, and zlib failures mapped to typed errors.
 */
import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { NiftiError } from './errors';

const gunzipAsync = promisify(gunzip);

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Default cap on decompressed (or raw) bytes: 2 GiB, far above any MRI volume this project handles. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 2 * 1024 ** 3;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Turns a zlib failure into the NiftiError a user can act on. */
function zlibError(error: unknown, path: string, maxBytes: number): NiftiError {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ERR_BUFFER_TOO_LARGE') {
    return new NiftiError(
      'NIFTI_TOO_LARGE',
      path,
      `decompresses to more than the limit of ${maxBytes} bytes (maxDecompressedBytes); refusing to inflate further`,
      { cause: error },
    );
  }
  if (err.code === 'Z_BUF_ERROR') {
    return new NiftiError('NIFTI_TRUNCATED', path, `gzip stream ends early (${err.message}): the file is truncated`, {
      cause: error,
    });
  }
  return new NiftiError(
    'NIFTI_GZIP_CORRUPT',
    path,
    `expected a valid gzip stream, found corrupt data (${err.message})`,
    {
      cause: error,
    },
  );
}

/** Inflates a whole .nii.gz, refusing to produce more than `maxBytes`. */
export async function gunzipCapped(bytes: Uint8Array, path: string, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    throw zlibError(error, path, maxBytes);
  }
}

/**
 * The first `wanted` decompressed bytes of a gzip file (or fewer if the stream is shorter), reading only as much
 * of the file as that needs: this is how a header is inspected without inflating the voxels.
 */
export function gunzipPrefix(path: string, wanted: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const source = createReadStream(path);
    const inflater = createGunzip();
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      inflater.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).subarray(0, wanted));
    };
    source.on('error', (error) => finish(error));
    inflater.on('error', (error) => finish(zlibError(error, path, Number.POSITIVE_INFINITY)));
    inflater.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= wanted) finish();
    });
    inflater.on('end', () => finish());
    source.pipe(inflater);
  });
}
