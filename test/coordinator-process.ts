/**
 * The coordinator as its own process (apps/coordinator/src/main.ts, configured by environment), for the tests that
 * must do to it what a test cannot do to itself: SIGKILL it, or run it under resource limits (`prlimit`).
 * Also the raw HTTP pieces those tests need: an upload that sends part of its body and then holds the socket.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { type Agent, type IncomingMessage, request } from 'node:http';
import { join } from 'node:path';
import { ADMIN_TOKEN, INFERENCE_TOKEN, READONLY_TOKEN, type Workspace } from './coordinator-kit';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'apps/coordinator/src/main.ts');
// Compiles only what main.ts imports, so work in progress elsewhere in the tree cannot break these tests.
const LOADER = join(__dirname, 'coordinator-process-loader.js');

export interface RunningCoordinator {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything it printed so far (JSON log lines). */
  output(): string;
}

export interface ProcessOptions {
  /** Extra FEDSTROKE_* variables. */
  env?: Record<string, string>;
  /** `prlimit` options the process starts under, e.g. ['--nofile=256'] (a file-size limit goes on after start-up: setFileSizeLimit). */
  prlimit?: string[];
}

export function startCoordinatorProcess(
  workspace: Workspace,
  options: ProcessOptions = {},
): Promise<RunningCoordinator> {
  const node = [process.execPath, '-r', LOADER, MAIN];
  const [command, ...args] = options.prlimit ? ['prlimit', ...options.prlimit, '--', ...node] : node;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      FEDSTROKE_ADMIN_TOKEN: ADMIN_TOKEN,
      FEDSTROKE_READONLY_TOKEN: READONLY_TOKEN,
      FEDSTROKE_INFERENCE_TOKEN: INFERENCE_TOKEN,
      FEDSTROKE_DATA_DIR: workspace.dataDir,
      FEDSTROKE_ARTIFACTS_DIR: workspace.artifactsDir,
      FEDSTROKE_PORT: '0',
      FEDSTROKE_HOST: '127.0.0.1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`coordinator exited (${code ?? signal}) before listening:\n${output}`));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"event":"coordinator.listening","url":"([^"]+)"/.exec(output);
      if (match) {
        child.off('exit', onExit);
        resolve({ child, pid: child.pid as number, url: match[1], output: () => output });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
}

/** SIGKILL: no shutdown hooks, no WAL checkpoint, no flushing. */
export function killHard(running: RunningCoordinator): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
}

export function isAlive(running: RunningCoordinator): boolean {
  return running.child.exitCode === null && running.child.signalCode === null;
}

/** Whether `prlimit` (util-linux) is there to run; the reason when it is not. */
export function prlimitMissing(): string | null {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return null;
  } catch (error) {
    return `prlimit (util-linux) cannot run here: ${(error as Error).message}`;
  }
}

/**
 * Limits the size of any file a running process writes from now on (soft and hard, in bytes). Set after start-up
 * rather than with `prlimit --fsize` at spawn: loading the coordinator may itself write large files (on CI, the
 * native SWC addon is materialised into a cache, 10 MiB, and failed with EFBIG before the coordinator listened).
 */
export function setFileSizeLimit(pid: number, bytes: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:${bytes}`]);
}

/** Changes a running process's soft limit on open files (its hard limit stays, so it can be raised again). */
export function setOpenFileLimit(pid: number, soft: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
}

export function openFileLimit(pid: number): { soft: number; hard: number } {
  return processLimit(pid, 'nofile');
}

/** A running process's soft and hard limit on one resource (prlimit's name for it: nofile, fsize, ...). */
export function processLimit(pid: number, resource: string): { soft: number; hard: number } {
  const line = execFileSync('prlimit', ['--pid', String(pid), `--${resource}`, '--raw', '--noheadings'], {
    encoding: 'utf8',
  });
  const [, , soft, hard] = line.trim().split(/\s+/);
  const limit = (value: string) => (value === 'unlimited' ? Infinity : Number(value));
  return { soft: limit(soft), hard: limit(hard) };
}

/**
 * The soft open-file limit that leaves the process exactly `free` descriptors: new descriptors take the lowest
 * numbers not in use, and the limit bounds those numbers, so the limit is the (free+1)-th unused number.
 */
export function limitLeaving(pid: number, free: number): number {
  const open = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  for (let fd = 0, unused = 0; ; fd++) {
    if (open.has(fd)) continue;
    if (unused++ === free) return fd;
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function readAnswer(
  response: IncomingMessage,
  resolve: (answer: RawAnswer) => void,
  reject: (error: Error) => void,
): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
  response.on('error', reject);
}

/** One request over `agent` (a keep-alive agent reuses its open socket: no new descriptor on the server). */
export function send(
  agent: Agent,
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, url), { method: init.method ?? 'GET', agent, headers: init.headers });
    outgoing.on('response', (response) => readAnswer(response, resolve, reject));
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

export interface HeldUpload {
  /** The answer, if the server gives one before the body is complete (a refusal); never rejects. */
  answer: Promise<RawAnswer | Error>;
  /** Sends the rest of the body and ends the request. */
  finish(rest: Uint8Array): void;
  abort(): void;
}

/**
 * A POST that declares `contentLength` bytes, sends `first` of them and holds the socket open (its own socket, no
 * pooling), as a slow or stalled client does.
 */
export function holdUpload(
  url: string,
  path: string,
  headers: Record<string, string>,
  contentLength: number,
  first: Uint8Array,
): HeldUpload {
  const target = new URL(path, url);
  const outgoing = request(target, {
    method: 'POST',
    agent: false,
    headers: { ...headers, 'content-length': String(contentLength) },
  });
  const answer = new Promise<RawAnswer | Error>((resolve) => {
    outgoing.on('response', (response) => readAnswer(response, resolve, resolve));
    outgoing.on('error', resolve);
  });
  outgoing.flushHeaders();
  outgoing.write(first);
  return {
    answer,
    finish: (rest) => outgoing.end(rest),
    abort: () => outgoing.destroy(),
  };
}
