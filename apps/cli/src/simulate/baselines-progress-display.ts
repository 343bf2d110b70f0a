/**
 * The simulation's view of its baseline children: one progress bar over the optimizer steps of every job together
 * (fed by the children's `baseline.progress` lines), what each running job is doing in the bar's note, and a line
 * per finished job. Silent with --quiet, like the federation's round bar.
 */
import { ProgressBar } from '@fedstroke/common';
import type { ApproachResult } from '@fedstroke/report';
import type { BaselineJob } from './baseline-job';
import type { BaselinePhase, BaselineProgressEvent } from './baseline-progress';

interface JobState {
  phase: BaselinePhase | 'waiting';
  step: number;
}

export class BaselinesProgressDisplay {
  private readonly bar: ProgressBar;
  private readonly states: JobState[];

  constructor(
    private readonly jobs: readonly BaselineJob[],
    private readonly silent: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    const total = jobs.reduce((sum, job) => sum + job.spec.steps, 0);
    this.bar = new ProgressBar({ label: 'baselines', total, silent, stream });
    this.states = jobs.map(() => ({ phase: 'waiting', step: 0 }));
  }

  update(index: number, event: BaselineProgressEvent): void {
    this.states[index] = { phase: event.phase, step: Math.min(event.step, this.jobs[index].spec.steps) };
    this.redraw();
  }

  finished(index: number, result: ApproachResult): void {
    this.states[index] = { phase: 'done', step: this.jobs[index].spec.steps };
    if (!this.silent) {
      // On a terminal the bar owns the current line: clear it before printing a line of our own.
      if (this.stream.isTTY) this.stream.write('\r\x1b[K');
      const dice = result.test.summary.dice;
      this.stream.write(
        `${result.name}: ${result.optimizerSteps} steps in ${result.wallTimeSeconds.toFixed(0)} s, ` +
          `test Dice ${dice.mean.toFixed(3)} ± ${dice.sd.toFixed(3)}\n`,
      );
    }
    this.redraw();
  }

  private redraw(): void {
    const done = this.states.reduce((sum, state) => sum + state.step, 0);
    this.bar.update(done, this.note());
  }

  /** What each running job is doing, e.g. "centralized 530/1125 · local-center-2 evaluating". */
  private note(): string {
    return this.states
      .map((state, index) => {
        const { slug, steps } = this.jobs[index].spec;
        if (state.phase === 'load') return `${slug} loading`;
        if (state.phase === 'train') return `${slug} ${state.step}/${steps}`;
        if (state.phase === 'evaluate') return `${slug} evaluating`;
        return null;
      })
      .filter((text) => text !== null)
      .join(' · ');
  }
}
