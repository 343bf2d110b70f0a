/**
 * Bounds the uploads being received at once, per caller and in all: each one holds a socket, a file descriptor and
 * (for a .nii.gz) an inflater, so without a bound one token with a loop could exhaust the process. A caller over
 * its share is told 429, everyone over the total 503, both with Retry-After; nothing is read or written first.
 */
import { UploadSlotsError } from './storage-errors';

export interface UploadLimits {
  /** Uploads one caller (a site, an inference token) may have in flight. */
  perCaller: number;
  /** Uploads the coordinator receives at once, all callers together. */
  total: number;
}

export class UploadGate {
  private inFlight = 0;
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly limits: UploadLimits) {}

  /** Takes a slot for `caller` (a stable id, e.g. "site:<id>"); returns its release, which is safe to call twice. */
  acquire(caller: string, describe: string): () => void {
    const mine = this.byCaller.get(caller) ?? 0;
    if (mine >= this.limits.perCaller) {
      throw new UploadSlotsError(
        'TOO_MANY_UPLOADS',
        `${describe} has ${mine} uploads in flight, the most FEDSTROKE_UPLOADS_PER_CALLER allows; finish or cancel one first`,
      );
    }
    if (this.inFlight >= this.limits.total) {
      throw new UploadSlotsError(
        'UPLOADS_BUSY',
        `the coordinator is receiving ${this.inFlight} uploads, the most FEDSTROKE_UPLOADS_IN_FLIGHT allows`,
      );
    }
    this.inFlight++;
    this.byCaller.set(caller, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left === 0) this.byCaller.delete(caller);
      else this.byCaller.set(caller, left);
    };
  }

  /** Runs `work` holding a slot. */
  async with<T>(caller: string, describe: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(caller, describe);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
