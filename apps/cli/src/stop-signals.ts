/**
 * How every `fedstroke` command stops. SIGINT (Ctrl-C) and SIGTERM (systemd, docker, kill) mean the same thing:
 *
 * 1. The first asks the command to stop: `stopSignal` aborts, with a StoppedBySignal as its reason. Commands that can
 *    stop cleanly listen to it (train writes its resumable checkpoint, the coordinator closes its database, a site
 *    checkpoints its round) after calling `stopsGracefully()`, and end within GRACE_MS.
 * 2. At the same time every child process this one started (registerChild: the coordinator and site agents of a
 *    simulation, baseline jobs) is stopped: SIGTERM, then SIGKILL after CHILD_GRACE_MS. A command that did not ask
 *    for a graceful stop ends as soon as they have: exit code 128 + the signal's number.
 * 3. A second signal ends the process at once; children still running are killed.
 *
 * Children started with `stopWithParent` also stop when their parent dies without a word (SIGKILL, a crash): their
 * stdin is a pipe from the parent, and its end is taken as a stop request.
 */
import { FedstrokeError } from '@fedstroke/common';
import { constants } from 'node:os';

export class StoppedBySignal extends FedstrokeError {
  constructor(readonly signal: string) {
    super('STOPPED', `stopped by ${signal}`);
  }

  /** 128 + the signal's number, as shells report a process ended by it (130 for SIGINT, 143 for SIGTERM). */
  get exitCode(): number {
    return 128 + (constants.signals[this.signal as NodeJS.Signals] ?? constants.signals.SIGTERM);
  }
}

/** What the stop needs of a child process. */
export interface StoppableChild {
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL now (the process is about to exit). */
  kill(): unknown;
}

/** How long a command that stops gracefully may take before the process ends anyway. */
export const GRACE_MS = 30_000;
/** How long a child has between SIGTERM and SIGKILL. */
export const CHILD_GRACE_MS = 10_000;
/** The environment variable that makes a `fedstroke` child stop when its parent's pipe closes. */
export const STOP_WITH_PARENT_ENV = 'FEDSTROKE_STOP_WITH_PARENT';

const controller = new AbortController();
const children = new Set<StoppableChild>();
let graceful = false;
let installed = false;

/** Aborts when the process is asked to stop; its reason is a StoppedBySignal. */
export const stopSignal: AbortSignal = controller.signal;

/** The command stops cleanly on `stopSignal` (and ends by itself, within GRACE_MS). */
export function stopsGracefully(): AbortSignal {
  graceful = true;
  return stopSignal;
}

/** A child process to stop with this one; returns its deregistration (call it once the child has exited). */
export function registerChild(child: StoppableChild): () => void {
  children.add(child);
  return () => children.delete(child);
}

/** Resolves when a stop is requested (never, otherwise). */
export function untilStopped(): Promise<StoppedBySignal> {
  return new Promise((resolve) => {
    if (stopSignal.aborted) resolve(stopSignal.reason as StoppedBySignal);
    else stopSignal.addEventListener('abort', () => resolve(stopSignal.reason as StoppedBySignal), { once: true });
  });
}

/** Installs the handlers once, for the whole process (main.ts). */
export function installStopHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => requestStop(signal));
  // Whatever ends this process, no child outlives it.
  process.on('exit', () => {
    for (const child of children) if (child.running) child.kill();
  });
  if (process.env[STOP_WITH_PARENT_ENV] === '1' && !process.stdin.isTTY) {
    process.stdin.on('end', () => requestStop('SIGTERM')).resume();
    // The pipe alone must not keep a finished command alive.
    (process.stdin as unknown as { unref?: () => void }).unref?.();
  }
}

function requestStop(signal: string): void {
  const stop = new StoppedBySignal(signal);
  if (controller.signal.aborted) {
    process.stderr.write(`fedstroke: ${signal} again: stopping now\n`);
    process.exit(stop.exitCode);
  }
  controller.abort(stop);
  const stopped = Promise.all([...children].map((child) => child.stop(CHILD_GRACE_MS)));
  if (!graceful) {
    void stopped.finally(() => process.exit(stop.exitCode));
    return;
  }
  setTimeout(() => {
    process.stderr.write(`fedstroke: still running ${GRACE_MS / 1000} s after ${signal}: stopping now\n`);
    process.exit(stop.exitCode);
  }, GRACE_MS).unref();
}
