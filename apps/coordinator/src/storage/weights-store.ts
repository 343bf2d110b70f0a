/**
 * Weight files under the data directory: model versions and accepted updates, raw little-endian float32.
 * Every file appears atomically (write a temporary sibling, fsync, rename, fsync the directory), so a crash leaves
 * either the old state or the complete new file, never a torn one; the database only points at renamed files.
 *
 * A write that fails (disk full, read-only, out of file descriptors) removes what it had written and throws a
 * StorageFaultError: one upload fails with a clear answer, the process goes on. The last such fault is kept for
 * /readyz.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { access, type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FedstrokeError } from '@fedstroke/common';
import { bytesToFloat32, sha256Hex } from '@fedstroke/protocol';
import { asStorageFault, StorageFaultError } from './storage-errors';

export class PayloadTooLargeError extends FedstrokeError {
  constructor(readonly limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limitBytes} bytes`);
  }
}

/** A stored file whose bytes no longer hash to what the database recorded (or that is gone). */
export class StoredFileCorruptError extends FedstrokeError {
  constructor(message: string) {
    super('STORED_FILE_CORRUPT', message);
  }
}

export interface StoredFile {
  /** Relative to the data directory (what the database records). */
  file: string;
  sha256: string;
  sizeBytes: number;
}

export interface ReceivedBody {
  /** Unique per upload (names its files). */
  tag: string;
  tmpPath: string;
  sha256: string;
  sizeBytes: number;
}

export interface StorageFault {
  operation: string;
  errno: string;
  at: number;
}

export class WeightsStore {
  private fault: StorageFault | null = null;

  constructor(readonly dataDir: string) {}

  /** The last write that failed, until a later write succeeds. */
  get lastFault(): StorageFault | null {
    return this.fault;
  }

  async writeAtomic(file: string, data: Uint8Array): Promise<StoredFile> {
    const target = this.resolve(file);
    const tmp = this.tmpSibling(target);
    await this.writing(`writing ${file}`, tmp, async () => {
      await makeDirectory(dirname(target));
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    await this.promote(tmp, file);
    return { file, sha256: sha256Hex(data), sizeBytes: data.byteLength };
  }

  /**
   * Streams a request body into a temporary file under `scratchDir`, hashing as it goes, and stops with
   * PayloadTooLargeError the moment it passes `limitBytes` (the rest of the body is never buffered). The request is
   * not destroyed on a refusal, so the caller can still answer it.
   */
  async receive(body: Readable, scratchDir: string, limitBytes: number): Promise<ReceivedBody> {
    const dir = this.resolve(scratchDir);
    const tag = randomBytes(8).toString('hex');
    const tmpPath = join(dir, `upload-${tag}.part`);
    const operation = 'receiving an upload';
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let handle: FileHandle | undefined;
    // After a storage fault the rest of the body (within the limit) is read and dropped, so the client gets its
    // 507/503 on a clean connection instead of a reset mid-send.
    let fault: unknown = null;
    const failed = async (error: unknown) => {
      fault = error;
      await handle?.close().catch(() => undefined);
      handle = undefined;
    };
    try {
      handle = await this.writing(operation, tmpPath, async () => {
        await makeDirectory(dir);
        return open(tmpPath, 'wx');
      }).catch(async (error: unknown) => {
        if (!(error instanceof StorageFaultError)) throw error;
        await failed(error);
        return undefined;
      });
      for await (const chunk of body.iterator({ destroyOnReturn: false })) {
        const bytes = chunk as Buffer;
        sizeBytes += bytes.length;
        if (sizeBytes > limitBytes) throw fault ?? new PayloadTooLargeError(limitBytes);
        if (fault) continue;
        hash.update(bytes);
        const out = handle as FileHandle;
        await this.writing(operation, tmpPath, () => out.write(bytes)).catch(failed);
      }
      if (fault) throw fault;
      const out = handle as FileHandle;
      await this.writing(operation, tmpPath, () => out.sync());
      await out.close();
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await rm(tmpPath, { force: true }).catch(() => undefined);
      throw error;
    }
    this.fault = null;
    return { tag, tmpPath, sha256: hash.digest('hex'), sizeBytes };
  }

  /** Renames a fully written temporary file to its final place and makes the rename durable. */
  async promote(tmpPath: string, file: string): Promise<void> {
    const target = this.resolve(file);
    await this.writing(`storing ${file}`, tmpPath, async () => {
      await makeDirectory(dirname(target));
      await rename(tmpPath, target);
      const directory = await open(dirname(target), 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    });
    this.fault = null;
  }

  /**
   * Removes temporary files a crash left behind (interrupted uploads, unrenamed writes). Only safe at boot, before
   * any request is served; returns the removed paths relative to the data directory.
   */
  async sweepTemporaries(): Promise<string[]> {
    const root = resolve(this.dataDir);
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const stale = entries.filter((entry) => /\.(part|tmp)$/.test(entry));
    await Promise.all(stale.map((entry) => rm(join(root, entry), { force: true })));
    return stale;
  }

  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /** Reads a float32 file into an aligned Float32Array (copying if Node handed back an unaligned pooled buffer). */
  async readFloat32(file: string): Promise<Float32Array> {
    return bytesToFloat32(await readFile(this.resolve(file)), file);
  }

  async readFloat32Absolute(path: string): Promise<Float32Array> {
    return bytesToFloat32(await readFile(path), path);
  }

  /**
   * Reads a float32 file and checks it against the sha256 the database recorded for it, so nothing that changed on
   * disk after it was accepted (a racing writer, a bad disk, a hand edit) is ever aggregated or served.
   */
  async readVerified(file: string, sha256: string): Promise<Float32Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.resolve(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StoredFileCorruptError(`${file} is missing (its sha256 was recorded as ${sha256})`);
      }
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new StoredFileCorruptError(`${file} has sha256 ${actual}; ${sha256} was recorded when it was stored`);
    }
    return bytesToFloat32(bytes, file);
  }

  openRead(file: string): ReadStream {
    return createReadStream(this.resolve(file));
  }

  /** Absolute path of a data-directory-relative file; refuses anything that would escape the data directory. */
  resolve(file: string): string {
    const root = resolve(this.dataDir);
    const full = resolve(root, file);
    if (full !== root && !full.startsWith(root + sep)) {
      throw new FedstrokeError('INVALID_PATH', `${file} resolves outside the data directory ${root}`);
    }
    return full;
  }

  relative(path: string): string {
    return relative(resolve(this.dataDir), path);
  }

  /** Runs a write; on failure removes `tmpPath`, records the fault and throws it as a StorageFaultError. */
  private async writing<T>(operation: string, tmpPath: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const fault = asStorageFault(operation, error);
      if (fault instanceof StorageFaultError) {
        this.fault = { operation, errno: fault.errno, at: Date.now() };
        await rm(tmpPath, { force: true }).catch(() => undefined);
      }
      throw fault;
    }
  }

  private tmpSibling(target: string): string {
    return `${target}.${randomBytes(6).toString('hex')}.tmp`;
  }
}

/**
 * `mkdir -p`, with the real cause when it fails: Node's recursive mkdir reports ENOENT for any parent it cannot
 * create (EROFS, EACCES, ENOSPC, …), so the missing folders are then made one by one to surface the true errno.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const missing: string[] = [];
    for (
      let at = dir;
      !(await access(at).then(
        () => true,
        () => false,
      ));
      at = dirname(at)
    )
      missing.unshift(at);
    for (const folder of missing) await mkdir(folder);
    throw error;
  }
}
