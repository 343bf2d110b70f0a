/**
 * Whether the data directory can take writes now, for /readyz: a small probe file is written, synced and removed
 * (this catches read-only storage, exhausted file descriptors and hung disks), and the free space must stay above
 * a floor (a full disk that still takes a 4 KiB probe would refuse the next update). Answers from the present, not
 * from a remembered fault: a readiness that stayed red after the disk was freed would keep traffic away for good.
 */
import { randomBytes } from 'node:crypto';
import { open, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory, type StorageFault, type WeightsStore } from './weights-store';

const PROBE_BYTES = 4096;
const PROBE_TIMEOUT_MS = 2000;

export interface StorageStatus {
  ok: boolean;
  /** What is wrong, in words (no paths: /readyz is unauthenticated); null when ok. */
  problem: string | null;
  freeBytes: number | null;
  minFreeBytes: number;
  /** The last write of an upload or model that failed (cleared by the next one that succeeds). */
  lastFault: StorageFault | null;
}

export class StorageHealth {
  constructor(
    private readonly store: WeightsStore,
    private readonly minFreeBytes: number,
  ) {}

  async check(): Promise<StorageStatus> {
    const base = { minFreeBytes: this.minFreeBytes, lastFault: this.store.lastFault };
    try {
      await withTimeout(this.probe(), PROBE_TIMEOUT_MS);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { ...base, ok: false, problem: `the data directory cannot be written (${errno})`, freeBytes: null };
    }
    const freeBytes = await this.freeBytes();
    if (freeBytes !== null && freeBytes < this.minFreeBytes) {
      return {
        ...base,
        ok: false,
        problem: `${freeBytes} bytes free on the data directory, below FEDSTROKE_STORAGE_MIN_FREE_BYTES (${this.minFreeBytes})`,
        freeBytes,
      };
    }
    return { ...base, ok: true, problem: null, freeBytes };
  }

  private async probe(): Promise<void> {
    await makeDirectory(this.store.dataDir);
    // `.tmp`: a probe interrupted by a crash is swept at the next boot like any other temporary.
    const file = join(this.store.dataDir, `readyz-probe-${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(new Uint8Array(PROBE_BYTES));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } finally {
      await rm(file, { force: true });
    }
  }

  private async freeBytes(): Promise<number | null> {
    try {
      const stats = await statfs(this.store.dataDir);
      return stats.bavail * stats.bsize;
    } catch {
      return null;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
