/**
 * Opening a file that comes from outside (an upload, a server path, a case folder) so that only a regular file is
 * ever read and nothing can hang the process. Opening a named pipe for reading blocks until a writer appears, and
 * each blocked open holds one of libuv's four pool threads, which serve every file operation of the process: four
 * such opens freeze uploads, downloads and model loading alike. So the path is checked before the open (stat), the
 * open is non-blocking (a FIFO swapped in meanwhile opens at once instead of waiting), the descriptor is checked
 * again (fstat), and every operation runs under a time limit (io-watch.ts).
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { FedstrokeError } from './errors';
import { DEFAULT_IO_TIMEOUT_MS, IoTimeoutError, withIoTimeout } from './io-watch';

export type FileAccessCode = 'FILE_NOT_FOUND' | 'FILE_NOT_REGULAR' | 'FILE_UNREADABLE' | 'IO_TIMEOUT';

/** A path that is missing, is not a regular file, cannot be opened, or whose storage does not answer. */
export class FileAccessError extends FedstrokeError {
  /** For FILE_NOT_REGULAR: what was found instead ("a directory", "a named pipe (FIFO)", …). */
  readonly kind: string | undefined;

  constructor(
    override readonly code: FileAccessCode,
    readonly path: string,
    /** The message without the path, for callers that name the file their own way. */
    readonly detail: string,
    options?: { cause?: unknown; kind?: string },
  ) {
    super(code, `${path}: ${detail}`, options);
    this.kind = options?.kind;
  }
}

/** What a stat result is, in words for an error message. */
export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'a special file';
}

export interface RegularFile {
  readonly path: string;
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer` from `offset`; resolves the count (0 at the end). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface OpenRegularFileOptions {
  /** Limit on each operation (stat, open, each read). Default DEFAULT_IO_TIMEOUT_MS. */
  timeoutMs?: number;
}

function accessError(path: string, error: unknown): FileAccessError {
  if (error instanceof FileAccessError) return error;
  if (error instanceof IoTimeoutError) return new FileAccessError('IO_TIMEOUT', path, error.message, { cause: error });
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    return new FileAccessError('FILE_NOT_FOUND', path, `no such file (${err.message})`, { cause: error });
  }
  return new FileAccessError('FILE_UNREADABLE', path, `cannot be opened (${err.message})`, { cause: error });
}

function assertRegular(path: string, stats: Stats): void {
  if (stats.isFile()) return;
  const kind = fileKind(stats);
  throw new FileAccessError('FILE_NOT_REGULAR', path, `expected a regular file, found ${kind}`, { kind });
}

/** Opens `path` for reading once it is known to be a regular file; see the file comment. */
export async function openRegularFile(path: string, options: OpenRegularFileOptions = {}): Promise<RegularFile> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_IO_TIMEOUT_MS;
  let handle: FileHandle;
  let size: number;
  try {
    assertRegular(path, await withIoTimeout(`stat ${path}`, stat(path), timeoutMs));
    const opening = open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    handle = await withIoTimeout(`open ${path}`, opening, timeoutMs).catch((error: unknown) => {
      // An open that answers after its timeout must not leak its descriptor.
      void opening.then((late) => late.close()).catch(() => undefined);
      throw error;
    });
  } catch (error) {
    throw accessError(path, error);
  }
  try {
    const stats = await withIoTimeout(`fstat ${path}`, handle.stat(), timeoutMs);
    assertRegular(path, stats);
    size = stats.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw accessError(path, error);
  }
  return {
    path,
    size,
    read: async (buffer, offset, length, position) => {
      try {
        const { bytesRead } = await withIoTimeout(
          `read ${path}`,
          handle.read(buffer, offset, length, position),
          timeoutMs,
        );
        return bytesRead;
      } catch (error) {
        throw accessError(path, error);
      }
    },
    close: () => handle.close(),
  };
}

/** The file's bytes in chunks of at most `chunkBytes`, from the start to its end. */
export async function* readChunks(file: RegularFile, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  for (let position = 0; ;) {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const count = await file.read(chunk, 0, chunkBytes, position);
    if (count === 0) return;
    position += count;
    yield count === chunkBytes ? chunk : chunk.subarray(0, count);
  }
}
