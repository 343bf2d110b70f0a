/**
 * In-process fan-out of round progress: the orchestrator and upload path publish, GraphQL subscriptions and
 * long-polling sites listen. One EventEmitter channel per federation plus one for "work may be available".
 */
import { EventEmitter, on } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { RoundProgress } from './models/round-progress.model';

const WORK_CHANNEL = 'work';

@Injectable()
export class RoundEventsService {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every subscriber and long poll holds a listener; the default limit of 10 would warn under normal load.
    this.emitter.setMaxListeners(0);
  }

  publish(progress: RoundProgress): void {
    this.emitter.emit(channel(progress.federationId), progress);
    if (progress.event === 'ROUND_OPENED' || progress.event === 'FEDERATION_RESUMED') this.emitter.emit(WORK_CHANNEL);
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

  /** Resolves when new work may exist (a round opened, a federation resumed) or after `ms`, whichever is first. */
  waitForWork(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
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
