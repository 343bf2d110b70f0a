/**
 * In-process fan-out of round progress: the orchestrator and upload path publish, GraphQL subscriptions and
 * long-polling sites listen. One EventEmitter channel per federation plus one that wakes long-polling sites.
 */
import { EventEmitter, on } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { RoundEvent, RoundProgress } from './models/round-progress.model';

const WORK_CHANNEL = 'work';
/** What a waiting site must hear about at once: new work, or its federation stopping or ending. */
const WAKES_SITES: ReadonlySet<RoundEvent> = new Set<RoundEvent>([
  'ROUND_OPENED',
  'FEDERATION_RESUMED',
  'FEDERATION_PAUSED',
  'FEDERATION_COMPLETED',
  'FEDERATION_FAILED',
  'FEDERATION_CANCELLED',
]);

@Injectable()
export class RoundEventsService {
  private readonly emitter = new EventEmitter();
  private wakeups = 0;

  constructor() {
    // Every subscriber and long poll holds a listener; the default limit of 10 would warn under normal load.
    this.emitter.setMaxListeners(0);
  }

  publish(progress: RoundProgress): void {
    this.emitter.emit(channel(progress.federationId), progress);
    if (WAKES_SITES.has(progress.event)) {
      this.wakeups++;
      this.emitter.emit(WORK_CHANNEL);
    }
  }

  /**
   * How many wake-ups have been sent. A poll reads it before it looks at the database and passes it to
   * `waitForWork`, so a wake-up sent while it was looking is not missed.
   */
  get wakeupCount(): number {
    return this.wakeups;
  }

  /**
   * An async iterator of one federation's progress, starting with `snapshot()` (the state at subscription time);
   * the listener is attached before the snapshot is taken, so no event falls in between. `return()` (the client
   * unsubscribes) removes the listener.
   */
  async *subscribe(
    federationId: string,
    snapshot?: () => Promise<RoundProgress | null>,
  ): AsyncGenerator<RoundProgress> {
    const events = on(this.emitter, channel(federationId));
    try {
      const first = snapshot ? await snapshot() : null;
      if (first) yield first;
      for await (const [progress] of events) yield progress as RoundProgress;
    } finally {
      await events.return?.();
    }
  }

  /**
   * Resolves when new work may exist or a federation changed status (see WAKES_SITES), or after `ms`, whichever is
   * first; at once if a wake-up came after `seen` (a `wakeupCount` read earlier).
   */
  waitForWork(ms: number, signal?: AbortSignal, seen = this.wakeups): Promise<void> {
    return new Promise((resolve) => {
      if (seen !== this.wakeups) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(WORK_CHANNEL, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once(WORK_CHANNEL, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

const channel = (federationId: string) => `federation:${federationId}`;
