/**
 * The inference job queue: at most `concurrency` jobs compute at once, at most `capacity` wait, and one more is
 * refused at once (QueueFullError) instead of waiting without bound. Each running job gets an AbortSignal that fires
 * after `timeoutMs`; the job stops at its next check and its slot is freed only when it has really stopped, so the
 * memory in use stays bounded by concurrency × one study.
 */
import { FedstrokeError } from '@fedstroke/common';

export class QueueFullError extends FedstrokeError {
  constructor(running: number, waiting: number) {
    super('QUEUE_FULL', `the inference queue is full (${running} running, ${waiting} waiting, the limit); retry later`);
  }
}

/** Why a running job's signal fired: its timeout, or the coordinator shutting down. */
export class JobStopped extends Error {
  constructor(
    readonly why: 'TIMEOUT' | 'SHUTDOWN',
    message: string,
  ) {
    super(message);
  }
}

export interface QueuedTask {
  id: string;
  /** Runs the job; must settle soon after `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** Called when the job leaves the queue and starts computing. */
  onStart?(): void;
  /** Called when the timeout fires (the job may still be finishing its current step). */
  onTimeout?(timeoutMs: number): void;
}

export class JobQueue {
  private running = 0;
  private readonly waiting: QueuedTask[] = [];
  private readonly controllers = new Set<AbortController>();
  private idle: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
    private readonly timeoutMs: number,
  ) {}

  /** Starts the task now, queues it, or throws QueueFullError; never blocks. */
  submit(task: QueuedTask): void {
    if (this.closed) throw new QueueFullError(this.running, this.waiting.length);
    if (this.running < this.concurrency) {
      this.start(task);
      return;
    }
    if (this.waiting.length >= this.capacity) throw new QueueFullError(this.running, this.waiting.length);
    this.waiting.push(task);
  }

  /** 1-based place of a waiting job; 0 when it is not waiting. */
  position(id: string): number {
    return this.waiting.findIndex((task) => task.id === id) + 1;
  }

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Refuses new jobs, drops the waiting ones (they are returned, so their owner can record them), aborts the running
   * ones and resolves once they have all stopped.
   */
  async close(): Promise<QueuedTask[]> {
    this.closed = true;
    const dropped = this.waiting.splice(0);
    for (const controller of this.controllers) {
      controller.abort(new JobStopped('SHUTDOWN', 'the coordinator shut down while the job ran'));
    }
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    return dropped;
  }

  private start(task: QueuedTask): void {
    this.running++;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => {
      task.onTimeout?.(this.timeoutMs);
      controller.abort(new JobStopped('TIMEOUT', `the job exceeded the inference timeout of ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    task.onStart?.();
    void Promise.resolve()
      .then(() => task.run(controller.signal))
      .catch(() => undefined) // the task records its own failure; the queue only frees the slot
      .finally(() => {
        clearTimeout(timer);
        this.controllers.delete(controller);
        this.running--;
        const next = this.closed ? undefined : this.waiting.shift();
        if (next) this.start(next);
        if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
      });
  }
}
