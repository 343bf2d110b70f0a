/**
 * Weight files under the data directory: model versions and accepted updates, raw little-endian float32.
 * Every file appears atomically (write a temporary sibling, fsync, rename, fsync the directory), so a crash leaves
 * either the old state or the complete new file, never a torn one; the database only points at renamed files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FedstrokeError } from '@fedstroke/common';

export class PayloadTooLargeError extends FedstrokeError {
  constructor(readonly limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limitBytes} bytes`);
  }
}

export interface StoredFile {
  /** Relative to the data directory (what the database records). */
  file: string;
  sha256: string;
  sizeBytes: number;
}

export interface ReceivedBody {
  tmpPath: string;
  sha256: string;
  sizeBytes: number;
}

export class WeightsStore {
  constructor(readonly dataDir: string) {}

  async writeAtomic(file: string, data: Uint8Array): Promise<StoredFile> {
    const target = this.resolve(file);
    await mkdir(dirname(target), { recursive: true });
    const tmp = this.tmpSibling(target);
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.promote(tmp, file);
    return { file, sha256: createHash('sha256').update(data).digest('hex'), sizeBytes: data.byteLength };
  }

  /**
   * Streams a request body into a temporary file under `scratchDir`, hashing as it goes, and stops with
   * PayloadTooLargeError the moment it passes `limitBytes` (the rest of the body is never buffered).
   */
  async receive(body: Readable, scratchDir: string, limitBytes: number): Promise<ReceivedBody> {
    const dir = this.resolve(scratchDir);
    await mkdir(dir, { recursive: true });
    const tmpPath = join(dir, `upload-${randomBytes(8).toString('hex')}.part`);
    const hash = createHash('sha256');
    const out = createWriteStream(tmpPath, { flags: 'wx' });
    let sizeBytes = 0;
    try {
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        sizeBytes += bytes.length;
        if (sizeBytes > limitBytes) throw new PayloadTooLargeError(limitBytes);
        hash.update(bytes);
        if (!out.write(bytes)) await new Promise<void>((done) => out.once('drain', done));
      }
      await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
      const handle = await open(tmpPath, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      // The stream opens its file asynchronously: wait until it is closed, or a late open would recreate the file
      // after the rm and leave a .part behind.
      out.destroy();
      if (!out.closed) await once(out, 'close');
      await rm(tmpPath, { force: true });
      throw error;
    }
    return { tmpPath, sha256: hash.digest('hex'), sizeBytes };
  }

  /** Renames a fully written temporary file to its final place and makes the rename durable. */
  async promote(tmpPath: string, file: string): Promise<void> {
    const target = this.resolve(file);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmpPath, target);
    const directory = await open(dirname(target), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
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

  async discard(tmpPath: string): Promise<void> {
    await rm(tmpPath, { force: true });
  }

  /** Reads a float32 file into an aligned Float32Array (copying if Node handed back an unaligned pooled buffer). */
  async readFloat32(file: string): Promise<Float32Array> {
    return bytesToFloat32(await readFile(this.resolve(file)), file);
  }

  async readFloat32Absolute(path: string): Promise<Float32Array> {
    return bytesToFloat32(await readFile(path), path);
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

  private tmpSibling(target: string): string {
    return `${target}.${randomBytes(6).toString('hex')}.tmp`;
  }
}

export function bytesToFloat32(bytes: Uint8Array, source: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new FedstrokeError(
      'INVALID_WEIGHTS',
      `${source}: ${bytes.byteLength} bytes is not a whole number of float32`,
    );
  }
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer, 0, bytes.byteLength / 4);
}
