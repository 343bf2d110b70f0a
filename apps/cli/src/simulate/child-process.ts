/**
 * The coordinator and the site agents run as separate `fedstroke` processes, as they would on separate machines.
 * A ManagedProcess writes the child's stdout and stderr to a log file, lets the caller wait for a log event (the
 * coordinator's `coordinator.listening` line), and stops the child with SIGTERM, then SIGKILL after a grace period.
 * Every child is registered with stop-signals.ts, so a SIGINT or SIGTERM of this process stops it too, and it stops
 * by itself if this process dies without a word (its stdin, a pipe from here, closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import { registerChild, STOP_WITH_PARENT_ENV } from '../stop-signals';

export class ChildProcessError extends FedstrokeError {
  constructor(message: string) {
    super('CHILD_PROCESS', message);
  }
}

/** The command that starts `fedstroke` without rebuilding: the compiled CLI when running from dist/, else the bin. */
export function fedstrokeCommand(): string[] {
  const compiled = resolve(__dirname, '..', 'main.js');
  if (existsSync(compiled)) return ['--enable-source-maps', compiled];
  return [resolve(__dirname, '..', '..', '..', '..', 'bin', 'fedstroke.js')];
}

export interface StartOptions {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  cwd?: string;
}

export type LogEvent = Record<string, unknown> & { event?: string };

export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly listeners = new Set<(event: LogEvent) => void>();
  private buffered = '';
  /** The end of what the child wrote to stderr: why it failed, when it did. */
  private stderrTail = '';
  private stopping: Promise<void> | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly options: StartOptions) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [...fedstrokeCommand(), ...options.args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, [STOP_WITH_PARENT_ENV]: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const deregister = registerChild(this);
    this.child.stdout?.on('data', (chunk: Buffer) => this.onOutput(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    // 'close' rather than 'exit': it comes after the child's stdout and stderr have ended, so when `exited` resolves
    // every line has been parsed and the log file is complete (its stream has finished writing).
    this.exited = new Promise((resolvePromise) =>
      this.child.once('close', (code, signal) => {
        deregister();
        this.log.end(() => resolvePromise({ code, signal }));
      }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first JSON log line that `match` accepts; rejects if the process exits or time runs out. */
  waitForEvent(match: (event: LogEvent) => boolean, timeoutMs: number): Promise<LogEvent> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          finish(
            new ChildProcessError(
              `${this.options.name}: no matching log line within ${timeoutMs} ms (see ${this.options.logFile})`,
            ),
          ),
        timeoutMs,
      );
      const listener = (event: LogEvent) => {
        if (match(event)) finish(null, event);
      };
      const finish = (error: Error | null, event?: LogEvent) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (error) reject(error);
        else resolvePromise(event as LogEvent);
      };
      this.listeners.add(listener);
      void this.exited.then(({ code, signal }) => {
        const why = this.lastStderrLine();
        finish(
          new ChildProcessError(
            `${this.options.name} exited (code ${code}, signal ${signal}) before it was ready` +
              `${why ? `: ${why}` : ''}; see ${this.options.logFile}`,
          ),
        );
      });
    });
  }

  /** The child's last line on stderr (its own account of a failure), without the `fedstroke:` prefix. */
  private lastStderrLine(): string | undefined {
    const lines = this.stderrTail.split('\n').map((line) => line.trim());
    return lines
      .filter((line) => line !== '')
      .pop()
      ?.replace(/^fedstroke: /, '');
  }

  /** Adds a listener for every JSON log line. */
  onEvent(listener: (event: LogEvent) => void): void {
    this.listeners.add(listener);
  }

  /** SIGKILL at once: what a crash or a pulled plug looks like. */
  kill(): Promise<unknown> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    // One SIGTERM however many callers ask (a second one would make a fedstroke child skip its clean stop).
    this.stopping ??= (async () => {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    })();
    await this.stopping;
  }

  private onOutput(chunk: Buffer): void {
    this.log.write(chunk);
    this.buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      let event: LogEvent;
      try {
        event = JSON.parse(line) as LogEvent;
      } catch {
        continue;
      }
      for (const listener of [...this.listeners]) listener(event);
    }
  }
}

/** Starts `fedstroke coordinator` and resolves once it listens, with its URL and its dashboard's. */
export interface CoordinatorProcessOptions {
  dataDir: string;
  artifactsRoot: string;
  adminToken: string;
  port: number;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The port was only preferred (simulate's 4000 when it looked free), not asked for: if another program took it
   * between that look and the coordinator's bind (two runs started together do), listen on a port the OS picks.
   */
  anyPortIfTaken?: boolean;
}

export async function startCoordinatorProcess(
  options: CoordinatorProcessOptions,
): Promise<{ process: ManagedProcess; url: string; dashboardUrl: string }> {
  try {
    return await startCoordinatorOn(options.port, options);
  } catch (error) {
    // The child's own account (ListenError [PORT_IN_USE]) is the one channel that says why it could not listen.
    if (!options.anyPortIfTaken || options.port === 0 || !/\[PORT_IN_USE\]/.test(String(error))) throw error;
    return startCoordinatorOn(0, options);
  }
}

async function startCoordinatorOn(
  port: number,
  options: CoordinatorProcessOptions,
): Promise<{ process: ManagedProcess; url: string; dashboardUrl: string }> {
  const child = new ManagedProcess({
    name: 'coordinator',
    args: [
      'coordinator',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data-dir',
      options.dataDir,
      '--artifacts',
      options.artifactsRoot,
    ],
    env: { FEDSTROKE_ADMIN_TOKEN: options.adminToken, ...options.env },
    logFile: options.logFile,
  });
  const listening = await child.waitForEvent((e) => e.event === 'coordinator.listening', 60_000);
  return { process: child, url: String(listening.url), dashboardUrl: String(listening.dashboardUrl) };
}

export interface SiteProcessOptions {
  name: string;
  coordinatorUrl: string;
  token: string;
  dataDir: string;
  artifactsRoot: string;
  stateDir: string;
  federationId?: string;
  logFile: string;
  /** Further `fedstroke site` flags (--batch, --patch, --seed, ...). */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts `fedstroke site` for one hospital; its token travels in the environment, never in argv. */
export function startSiteProcess(options: SiteProcessOptions): ManagedProcess {
  return new ManagedProcess({
    name: options.name,
    args: [
      'site',
      '--coordinator',
      options.coordinatorUrl,
      '--data',
      options.dataDir,
      '--artifacts',
      options.artifactsRoot,
      '--state',
      options.stateDir,
      ...(options.federationId ? ['--federation', options.federationId] : []),
      ...(options.extraArgs ?? []),
    ],
    env: { FEDSTROKE_SITE_TOKEN: options.token, ...options.env },
    logFile: options.logFile,
  });
}

export const logPath = (runDir: string, name: string) => join(runDir, 'logs', `${name}.log`);
