/**
 * Runs a simulation's baselines in parallel: each job is written to `runs/<id>/baselines/<slug>.job.json` and run
 * by a `fedstroke baseline-job` child (log: `runs/<id>/logs/baseline-<slug>.log`), on K lanes planned by
 * lane-schedule.ts; a lane runs its jobs one after another. Results come back in the order of `jobs` whatever
 * order the children finish in. The first failing child stops the others and fails the run with its log's last
 * lines; so do Ctrl-C, SIGTERM and any error here: no child outlives this call.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import type { ApproachResult } from '@fedstroke/report';
import { readBaselineResult, writeBaselineJob, type BaselineJob } from './baseline-job';
import { BaselinesProgressDisplay } from './baselines-progress-display';
import { asBaselineProgress, BASELINE_PROGRESS_EVENT } from './baseline-progress';
import { logPath, ManagedProcess } from './child-process';
import { planLanes } from './lane-schedule';
import { stopSignal } from '../stop-signals';

export class BaselineRunError extends FedstrokeError {
  constructor(message: string) {
    super('BASELINE_RUN', message);
  }
}

export interface BaselineLanesOptions {
  runDir: string;
  /** K: how many children run at once. */
  lanes: number;
  silent: boolean;
  say: (line: string) => void;
}

/** Log lines shown in the error of a failed child. */
const TAIL_LINES = 15;

export async function runBaselineJobs(jobs: BaselineJob[], options: BaselineLanesOptions): Promise<ApproachResult[]> {
  const files = jobs.map((job) => ({
    job: join(options.runDir, 'baselines', `${job.spec.slug}.job.json`),
    out: join(options.runDir, 'baselines', `${job.spec.slug}.result.json`),
    log: logPath(options.runDir, `baseline-${job.spec.slug}`),
  }));
  for (const [index, job] of jobs.entries()) {
    await writeBaselineJob(files[index].job, job);
    // A result left by an earlier run with the same id must not pass for this one's.
    await rm(files[index].out, { force: true });
  }
  const plan = planLanes(
    jobs.map((job) => job.spec.steps),
    options.lanes,
  );
  options.say(describePlan(jobs, plan));

  const display = new BaselinesProgressDisplay(jobs, options.silent);
  const results: ApproachResult[] = new Array(jobs.length);
  const running = new Set<ManagedProcess>();
  let failure: Error | null = null;
  const stopAll = () => Promise.all([...running].map((child) => child.stop(2000)));
  const fail = (error: Error) => {
    failure ??= error;
    void stopAll();
  };
  const onStop = () =>
    fail(
      new BaselineRunError(
        `baselines ${(stopSignal.reason as Error).message}; their logs are in ${join(options.runDir, 'logs')}`,
      ),
    );

  const runJob = async (index: number): Promise<ApproachResult> => {
    const job = jobs[index];
    const child = new ManagedProcess({
      name: `baseline ${job.spec.slug}`,
      args: ['baseline-job', '--job', files[index].job, '--out', files[index].out],
      logFile: files[index].log,
    });
    running.add(child);
    child.onEvent((line) => {
      const event = asBaselineProgress(line);
      if (event) display.update(index, event);
    });
    const { code, signal } = await child.exited;
    running.delete(child);
    if (code !== 0)
      throw new BaselineRunError(
        `baseline "${job.spec.name}" failed (exit code ${code}, signal ${signal}); log ${files[index].log}, ` +
          `last lines:\n${await logTail(files[index].log)}`,
      );
    const result = await readBaselineResult(files[index].out, job);
    display.finished(index, result);
    return result;
  };
  const runLane = async (lane: number[]) => {
    for (const index of lane) {
      if (failure) return;
      results[index] = await runJob(index);
    }
  };

  stopSignal.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.all(plan.map((lane) => runLane(lane).catch(fail)));
    if (failure) throw failure;
    return results;
  } finally {
    stopSignal.removeEventListener('abort', onStop);
    await stopAll();
  }
}

function describePlan(jobs: BaselineJob[], plan: number[][]): string {
  const threads = jobs[0]?.settings.threads ?? 1;
  const lanes = plan
    .filter((lane) => lane.length > 0)
    .map((lane, k) => `lane ${k + 1}: ${lane.map((i) => `${jobs[i].spec.slug} (${jobs[i].spec.steps})`).join(', ')}`);
  return (
    `baselines: ${jobs.length} jobs on ${lanes.length} parallel lane(s) of child processes, ${threads} ONNX Runtime ` +
    `thread(s) each (optimizer steps in brackets) — ${lanes.join('; ')}`
  );
}

/** The last lines of a child's log, without its progress lines (the error is what the reader needs). */
async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch((error: Error) => `(cannot read the log: ${error.message})`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes(`"event":"${BASELINE_PROGRESS_EVENT}"`))
    .slice(-TAIL_LINES)
    .map((line) => `  ${line}`)
    .join('\n');
}
