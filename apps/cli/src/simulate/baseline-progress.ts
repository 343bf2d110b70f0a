/**
 * How a `fedstroke baseline-job` child tells the simulation how far it is: one JSON line on stdout per phase
 * change and per few training steps (ManagedProcess hands every JSON stdout line to its listeners). The child's
 * own progress bars go to stderr, i.e. its log; the parent draws one bar over all the baselines from these lines.
 */
import type { LogEvent } from './child-process';

export const BASELINE_PROGRESS_EVENT = 'baseline.progress';

export type BaselinePhase = 'load' | 'train' | 'evaluate' | 'done';
const PHASES: readonly string[] = ['load', 'train', 'evaluate', 'done'] satisfies BaselinePhase[];

export interface BaselineProgressEvent {
  event: typeof BASELINE_PROGRESS_EVENT;
  /** The job's slug. */
  job: string;
  phase: BaselinePhase;
  /** Optimizer steps done so far, of `steps`. */
  step: number;
  steps: number;
  /** When the child wrote the line (ISO 8601): lets a reader of the logs see which jobs ran at the same time. */
  at: string;
}

/**
 * Child side. Phase changes are written at once; training steps at most once per `intervalMs` (the last step
 * always), so a fast model does not flood the pipe and the log.
 */
export class BaselineProgressReporter {
  private lastWrite = Number.NEGATIVE_INFINITY;
  private current: BaselinePhase = 'load';
  private step = 0;

  constructor(
    private readonly job: string,
    private readonly steps: number,
    private readonly write: (line: string) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  phase(phase: BaselinePhase): void {
    this.current = phase;
    this.emit();
  }

  /** After each optimizer step; the first one also marks the start of the training phase. */
  trained(step: number): void {
    const entering = this.current !== 'train';
    this.current = 'train';
    this.step = step;
    if (entering || step >= this.steps || this.now() - this.lastWrite >= this.intervalMs) this.emit();
  }

  private emit(): void {
    const time = this.now();
    this.lastWrite = time;
    const event: BaselineProgressEvent = {
      event: BASELINE_PROGRESS_EVENT,
      job: this.job,
      phase: this.current,
      step: this.step,
      steps: this.steps,
      at: new Date(time).toISOString(),
    };
    this.write(`${JSON.stringify(event)}\n`);
  }
}

/** Parent side: the event when `line` is a well-formed progress line, else null (other log lines pass by). */
export function asBaselineProgress(line: LogEvent): BaselineProgressEvent | null {
  if (line.event !== BASELINE_PROGRESS_EVENT) return null;
  const { job, phase, step, steps, at } = line;
  if (typeof job !== 'string' || typeof phase !== 'string' || !PHASES.includes(phase)) return null;
  if (typeof step !== 'number' || typeof steps !== 'number' || typeof at !== 'string') return null;
  return { event: BASELINE_PROGRESS_EVENT, job, phase: phase as BaselinePhase, step, steps, at };
}
