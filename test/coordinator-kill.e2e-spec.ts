/**
 * The coordinator as its own process (apps/coordinator/src/main.ts, configured by environment), killed with
 * SIGKILL mid-round — no shutdown hooks, no WAL checkpoint — and started again on the same data directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  constant,
  downloadModel,
  makeWorkspace,
  READONLY_TOKEN,
  startFederation,
  takeTask,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  type Workspace,
} from './coordinator-kit';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'apps/coordinator/src/main.ts');
// Compiles only what main.ts imports, so work in progress elsewhere in the tree cannot break this test.
const LOADER = join(__dirname, 'coordinator-process-loader.js');

interface RunningCoordinator {
  child: ChildProcess;
  url: string;
}

function startProcess(workspace: Workspace): Promise<RunningCoordinator> {
  const child = spawn(process.execPath, ['-r', LOADER, MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      FEDSTROKE_ADMIN_TOKEN: ADMIN_TOKEN,
      FEDSTROKE_READONLY_TOKEN: READONLY_TOKEN,
      FEDSTROKE_DATA_DIR: workspace.dataDir,
      FEDSTROKE_ARTIFACTS_DIR: workspace.artifactsDir,
      FEDSTROKE_PORT: '0',
      FEDSTROKE_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"event":"coordinator.listening","url":"([^"]+)"/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ child, url: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`coordinator exited with ${code} before listening:\n${output}`)));
  });
}

function kill(running: RunningCoordinator): Promise<void> {
  return new Promise((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
}

let workspace: Workspace;
let running: RunningCoordinator | null = null;

beforeAll(() => {
  workspace = makeWorkspace();
});

afterAll(async () => {
  if (running) await kill(running);
  workspace.cleanup();
});

it('loses no completed round and no accepted update when the process is SIGKILLed mid-round', async () => {
  running = await startProcess(workspace);
  const { sites, federationId } = await startFederation(running.url, ['a', 'b', 'c'], {
    name: 'kill',
    rounds: 2,
    deadlineSeconds: 60,
  });
  const url = () => (running as RunningCoordinator).url;

  const round1 = await Promise.all(sites.map((site) => takeTask(url(), site, federationId)));
  for (const [i, site] of sites.entries()) await uploadUpdate(url(), site, round1[i], constant(i + 1));
  const afterRound1 = await waitForFederation(url(), federationId, (f) => f.currentRound.index === 2);
  const round2 = await Promise.all(sites.map((site) => takeTask(url(), site, federationId)));
  expect((await uploadUpdate(url(), sites[0], round2[0], constant(4))).status).toBe(202);

  await kill(running);
  running = await startProcess(workspace);

  const resumed = await viewFederation(url(), federationId);
  expect(resumed.federation.latestModelVersion).toEqual(afterRound1.federation.latestModelVersion);
  expect(resumed.federation.currentRound).toMatchObject({ index: 2, status: 'OPEN', counts: { accepted: 1 } });
  for (const i of [1, 2])
    expect((await uploadUpdate(url(), sites[i], round2[i], constant(4 + i * 2))).status).toBe(202);
  const done = await waitForFederation(url(), federationId, (f) => f.status === 'COMPLETED');
  const { weights } = await downloadModel(url(), ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
  expect(weights[0]).toBeCloseTo(6, 6);
});
