/**
 * The `fedstroke` command as a new user meets it, through real processes: `--version`; flags checked before any
 * work; errors as JSON under --json; a busy port named; SIGINT and SIGTERM handled alike by every command, which
 * stops its children (simulate --serve stopped with SIGTERM leaves no coordinator or site agent behind and frees its
 * port); and `simulate --split FILE` forming the sites and the test set the file names.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeSplit } from '@fedstroke/isles';
import type { SimulationReport } from '@fedstroke/report';
import { buildOnce, FEDSTROKE_BIN, generateSmallDataset, ROOT, simulateArgs } from './federation-kit';

const run = promisify(execFile);
let root: string;

beforeAll(async () => {
  buildOnce();
  root = mkdtempSync(join(tmpdir(), 'fedstroke-cli-'));
  await generateSmallDataset(join(root, 'data'), 5);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `fedstroke ARGS` to its end; never throws on a non-zero exit. */
async function fedstroke(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [FEDSTROKE_BIN, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A process started in the background, whose stderr is collected and watched. */
function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [FEDSTROKE_BIN, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (pattern: RegExp, timeoutMs: number, from: () => string = () => stderr) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const match = pattern.exec(from());
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) first:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${stderr}`);
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

/** Processes whose command line mentions `needle` (this test's folders): what would be orphans. */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const stopped = (child: ChildProcess, signal: NodeJS.Signals) => child.kill(signal);

describe('fedstroke, as a new user runs it', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await fedstroke(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('checks flags before any work: train --steps -3 fails at once, without generating the default dataset', async () => {
    const cwd = mkdtempSync(join(root, 'fresh-'));
    const failed = await fedstroke(['train', '--steps', '-3', '--config', 'tiny'], { cwd });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe(
      'fedstroke: InvalidArgumentError [INVALID_ARGUMENT]: --steps "-3": expected an integer ≥ 1\n',
    );
    expect(readdirSync(cwd)).toEqual([]);
    const split = await fedstroke(['simulate', '--split', join(cwd, 'missing.json'), '--quiet'], { cwd });
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(/missing\.json: cannot read split JSON/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('answers in JSON under --json, errors included', async () => {
    const bad = await fedstroke(['train', '--steps', '-3', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      error: {
        code: 'INVALID_ARGUMENT',
        name: 'InvalidArgumentError',
        message: '--steps "-3": expected an integer ≥ 1',
      },
    });
    expect(bad.stderr).toBe('');
    const unknown = await fedstroke(['evaluate', '--no-such-flag', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: { code: 'commander.unknownOption', name: 'UsageError', message: "unknown option '--no-such-flag'" },
    });
  });

  it('names a busy port instead of failing later', async () => {
    const { server, port } = await occupyPort();
    try {
      const coordinator = await fedstroke(
        ['coordinator', '--port', String(port), '--host', '127.0.0.1', '--data-dir', join(root, 'busy')],
        {
          env: { FEDSTROKE_ADMIN_TOKEN: 'admin-token-0123456789abcdef' },
        },
      );
      expect(coordinator.code).toBe(2);
      expect(coordinator.stderr).toContain(
        `fedstroke: ListenError [PORT_IN_USE]: port ${port} is in use on 127.0.0.1 (another coordinator or program listens there)`,
      );
      const simulate = await fedstroke([
        ...simulateArgs(root, join(root, 'data'), 1, 1).slice(1),
        '--port',
        String(port),
      ]);
      expect(simulate.code).toBe(2);
      expect(simulate.stderr).toContain(`--port ${port}: port ${port} is in use on 127.0.0.1`);
      expect(existsSync(join(root, 'runs'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops the coordinator cleanly on %s and frees its port',
    async (signal) => {
      const coordinator = start(
        ['coordinator', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(root, `c-${signal}`)],
        {
          FEDSTROKE_ADMIN_TOKEN: 'admin-token-0123456789abcdef',
        },
      );
      const port = Number(
        (
          await coordinator.waitFor(/"url":"http:\/\/127\.0\.0\.1:(\d+)"/, 60_000, () => coordinator.output().stdout)
        )[1],
      );
      expect(await portIsFree(port)).toBe(false);
      stopped(coordinator.child, signal);
      expect(await coordinator.exited).toEqual({ code: 0, signal: null });
      expect(coordinator.output().stdout).toContain(`"event":"coordinator.stopping","signal":"${signal}"`);
      expect(await portIsFree(port)).toBe(true);
    },
    90_000,
  );

  it('stops a simulation on SIGINT mid-federation with its coordinator and site agents', async () => {
    const runsRoot = join(root, 'interrupted');
    const args = [...simulateArgs(runsRoot, join(root, 'data'), 50, 2).slice(1), '--quiet'];
    const simulation = start(args);
    const port = Number(
      (await simulation.waitFor(/coordinator GraphQL endpoint: https?:\/\/127\.0\.0\.1:(\d+)/, 90_000))[1],
    );
    expect(processesMentioning(runsRoot).length).toBeGreaterThanOrEqual(4);
    stopped(simulation.child, 'SIGINT');
    expect(await simulation.exited).toEqual({ code: 130, signal: null });
    expect(processesMentioning(runsRoot)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  }, 150_000);

  it('leaves no child behind even when the simulation itself is killed with SIGKILL', async () => {
    const runsRoot = join(root, 'killed');
    const simulation = start([...simulateArgs(runsRoot, join(root, 'data'), 50, 2).slice(1), '--quiet']);
    const port = Number(
      (await simulation.waitFor(/coordinator GraphQL endpoint: https?:\/\/127\.0\.0\.1:(\d+)/, 90_000))[1],
    );
    stopped(simulation.child, 'SIGKILL');
    expect(await simulation.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The children notice their parent's pipe close and stop as on SIGTERM.
    const until = Date.now() + 60_000;
    while (processesMentioning(runsRoot).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(processesMentioning(runsRoot)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  }, 150_000);

  it('runs simulate --split FILE with the sites it names, serves, and stops on SIGTERM leaving nothing behind', async () => {
    const data = join(root, 'data');
    const cases = readdirSync(join(data, 'rawdata')).sort();
    // Two sites of this test's choosing (the data's own site map would give three), three test cases.
    const splitFile = join(root, 'two-sites.json');
    await writeSplit(splitFile, {
      test: cases.slice(0, 3),
      sites: [
        { name: 'alpha', train: cases.slice(3, 7), val: [cases[7]] },
        { name: 'beta', train: cases.slice(8, 11), val: [cases[11]] },
      ],
    });
    const runsRoot = join(root, 'served');
    // Plain HTTP on loopback, so this test's own fetch needs no CA: TLS is covered by the simulate and mTLS specs.
    const args = [
      ...simulateArgs(runsRoot, data, 1, 1).slice(1),
      '--split',
      splitFile,
      '--serve',
      '--quiet',
      '--no-tls',
    ];
    const simulation = start(args);
    const served = await simulation.waitFor(/serving http:\/\/127\.0\.0\.1:(\d+)\/graphql/, 240_000);
    const port = Number(served[1]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const summary = JSON.parse(readFileSync(join(runsRoot, 'runs', 'e2e', 'summary.json'), 'utf8')) as SimulationReport;
    expect(summary.data.sites.map((s) => [s.name, s.train, s.val])).toEqual([
      ['alpha', 4, 1],
      ['beta', 3, 1],
    ]);
    expect(summary.data.testCases).toBe(3);
    expect(JSON.parse(readFileSync(join(runsRoot, 'runs', 'e2e', 'split.json'), 'utf8'))).toMatchObject({
      test: cases.slice(0, 3),
    });

    stopped(simulation.child, 'SIGTERM');
    expect(await simulation.exited).toEqual({ code: 0, signal: null });
    expect(processesMentioning(runsRoot)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  }, 300_000);
});
