/**
 * A throwaway PostgreSQL server for tests: a fresh cluster (initdb, trust auth, no fsync) in a temp dir, listening
 * on 127.0.0.1 on a free port with its unix socket inside the temp dir, stopped and deleted by `stop()`. The tests
 * that use it run against a real server, so a machine without the server binaries fails them with a message that
 * says what to install, rather than skipping them.
 *
 * initdb and postgres refuse to run as root; as root the helper runs them as the `postgres` OS user (which the
 * Debian package creates) through runuser, in a directory that user owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { FedstrokeError } from '@fedstroke/common';

const run = promisify(execFile);
const SERVER_USER = 'postgres';

export interface EphemeralPostgres {
  port: number;
  /** URL of the `postgres` maintenance database (superuser `postgres`, no password). */
  url: string;
  /** Creates an empty database and returns its URL; each test file or test takes its own so none interfere. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export class PostgresBinariesMissingError extends FedstrokeError {
  constructor(searched: string[]) {
    super(
      'POSTGRES_BINARIES_MISSING',
      `PostgreSQL server binaries (initdb, pg_ctl) not found in ${searched.join(', ')}: ` +
        'the PostgreSQL tests need a real server; install the Debian package postgresql ' +
        '(apt-get install --no-install-recommends postgresql) or put its bin/ directory on PATH',
    );
  }
}

/** The newest <root>/<version>/bin holding initdb and pg_ctl, else the PATH entry that does. */
export function findPostgresBinaries(root = '/usr/lib/postgresql', path = process.env.PATH ?? ''): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const candidates = [
    ...versions.map((version) => join(root, version, 'bin')),
    ...path.split(delimiter).filter(Boolean),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new PostgresBinariesMissingError([`${root}/*/bin`, 'PATH']);
  return found;
}

export async function startEphemeralPostgres(): Promise<EphemeralPostgres> {
  const bin = findPostgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fedstroke-pg-'));
  if (asRoot) chownToServerUser(dir);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const invoke = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', SERVER_USER, '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  await invoke('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durability is not under test: no fsync makes CREATE DATABASE and commits fast.
  const serverOptions = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  try {
    await invoke('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '30', 'start']);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no server log)';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the ephemeral PostgreSQL server did not start on port ${port}: ${(error as Error).message}\n${log}`,
    );
  }

  const stopSync = () => {
    // Last resort when a test process exits without calling stop(): never leave a server running.
    const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', SERVER_USER, '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;
  return {
    port,
    url,
    async createDatabase(name = `t${process.pid}_${++counter}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" must match [a-z_][a-z0-9_]*`);
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.removeListener('exit', stopSync);
      await invoke('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function chownToServerUser(dir: string): void {
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      `running as root, and initdb refuses root: the OS user "${SERVER_USER}" is needed to run the test server ` +
        '(the Debian package postgresql creates it)',
    );
  }
  chownSync(dir, uid, gid);
}

/** A port nothing listens on right now (the OS picks it; the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
