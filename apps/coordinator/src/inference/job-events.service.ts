/** In-process fan-out of job updates to GraphQL subscriptions, one channel per job. */
import { EventEmitter, on } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { InferenceJobRecord } from './persistence/inference-records';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED']);

@Injectable()
export class JobEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(job: InferenceJobRecord): void {
    this.emitter.emit(job.id, job);
  }

  /**
   * The job's updates, starting with its state at subscription time (the listener is attached first, so nothing
   * falls in between), ending after a terminal state.
   */
  async *subscribe(id: string, snapshot: () => Promise<InferenceJobRecord | null>): AsyncGenerator<InferenceJobRecord> {
    const events = on(this.emitter, id);
    try {
      const first = await snapshot();
      if (first) {
        yield first;
        if (TERMINAL_STATUSES.has(first.status)) return;
      }
      for await (const [job] of events) {
        yield job as InferenceJobRecord;
        if (TERMINAL_STATUSES.has((job as InferenceJobRecord).status)) return;
      }
    } finally {
      await events.return?.();
    }
  }
}
