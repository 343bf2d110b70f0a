/**
 * Gzip handling for .nii.gz: detection by the full two-byte magic (0x1f 0x8b), streaming decompression that hands
 * each inflated chunk to a consumer which may stop it at any byte (so a gzip bomb costs one chunk of memory, not its
 * whole expansion), and zlib failures mapped to typed errors.
 */
import type { RegularFile } from '@fedstroke/common';
import { readChunks } from '@fedstroke/common';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { NiftiError } from './errors';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Default cap on decompressed (or raw) bytes: 2 GiB, far above any MRI volume this project handles. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 2 * 1024 ** 3;

/**
 * Compressed bytes read per step. Deflate expands at most ~1032:1, so one step can stand for up to ~64 MiB of
 * output; zlib emits it in 16 KiB pieces and stops at the first piece after the consumer says stop.
 */
const COMPRESSED_CHUNK_BYTES = 64 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Turns a zlib failure into the NiftiError a user can act on. */
function zlibError(error: unknown, path: string): NiftiError {
  const err = error as NodeJS.ErrnoException;
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

/** Ends inflation early without an error: the consumer has every byte it wants. */
class Enough extends Error {}

/**
 * Inflates `file` chunk by chunk into `consume`. `consume` returns false to stop early (e.g. once the header is in)
 * and throws to refuse (e.g. more bytes than the header implies); either way nothing more is read or inflated.
 */
export async function inflateFile(file: RegularFile, path: string, consume: (chunk: Buffer) => boolean): Promise<void> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        done(consume(chunk) ? null : new Enough());
      } catch (error) {
        done(error as Error);
      }
    },
  });
  try {
    await pipeline(Readable.from(readChunks(file, COMPRESSED_CHUNK_BYTES)), createGunzip(), sink);
  } catch (error) {
    if (error instanceof Enough) return;
    if (error instanceof NiftiError || !(error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw error;
    throw zlibError(error, path);
  }
}
