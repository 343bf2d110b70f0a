/**
 * Helpers for the federation end-to-end tests: a small synthetic three-center dataset split into site folders,
 * the real `fedstroke coordinator` and `fedstroke site` processes, an admin GraphQL client, and polling.
 * Everything runs as it would in production (separate processes, real HTTP, the tiny U-Net), only smaller.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { discoverDataset } from '@fedstroke/isles';
import type { SimulationReport } from '@fedstroke/report';
import { generateDataset, type SynthDatasetSummary } from '@fedstroke/synth';
import { resolveSplit } from '@fedstroke/training';
import {
  AdminClient,
  type FederationInput,
  logPath,
  type ManagedProcess,
  materializeSiteFolders,
  type SiteFolder,
  startCoordinatorProcess,
  startSiteProcess,
} from '@fedstroke/cli/testing';
import { eventually as pollUntil } from './coordinator-kit';

export const ROOT = resolve(__dirname, '..');
export const FEDSTROKE_BIN = join(ROOT, 'bin', 'fedstroke.js');
export const ARTIFACTS_ROOT = join(ROOT, 'onnx-models');
export const MODEL = 'tiny';
/** Patch for the tiny U-Net on 40×40×24 synthetic cases (multiples of its spatial multiple, 4). */
export const SITE_ARGS = ['--threads', '1', '--batch', '1', '--patch', '16x24x24', '--checkpoint-every', '2'];

/** The CLI the child processes run must be compiled and current before they start. */
export function buildOnce(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], {
    env: { ...process.env, FEDSTROKE_BUILD_QUIET: '1' },
  });
}

/** The synthetic set the federation tests train on: 12 cases of 40×40×24 voxels over three centers. */
export function generateSmallDataset(outDir: string, seed: number): Promise<SynthDatasetSummary> {
  return generateDataset({ outDir, cases: 12, sites: 3, seed, shape: [40, 40, 24], silent: true });
}

/** The folder a simulate spec runs in: `root` (runs/, sites/, its own outputs) and `dataDir`, the small set in it. */
export interface SimulateWorkspace {
  root: string;
  dataDir: string;
}

/**
 * The hooks every `fedstroke simulate` spec opens with: the build once, a temp folder holding the small synthetic set
 * drawn with `seed`, removed after the file. The fields are filled in beforeAll.
 */
export function useSimulateWorkspace(prefix: string, seed: number): SimulateWorkspace {
  const workspace: SimulateWorkspace = { root: '', dataDir: '' };
  beforeAll(async () => {
    buildOnce();
    workspace.root = mkdtempSync(join(tmpdir(), `${prefix}-`));
    workspace.dataDir = join(workspace.root, 'data');
    await generateSmallDataset(workspace.dataDir, seed);
  });
  afterAll(() => rmSync(workspace.root, { recursive: true, force: true }));
  return workspace;
}

/**
 * `fedstroke simulate` on that set with the tiny U-Net (batch 1, 16×24×24 patches, any free port), its runs/ and
 * sites/ folders under `root`, as run `e2e`; the caller appends its own flags.
 */
export function simulateArgs(root: string, dataDir: string, rounds: number, localSteps: number): string[] {
  return [
    FEDSTROKE_BIN,
    'simulate',
    '--data',
    dataDir,
    '--config',
    MODEL,
    '--rounds',
    String(rounds),
    '--local-steps',
    String(localSteps),
    '--batch',
    '1',
    '--patch',
    '16x24x24',
    '--port',
    '0',
    '--runs',
    join(root, 'runs'),
    '--sites',
    join(root, 'sites'),
    '--run-id',
    'e2e',
  ];
}

/** The folder of the run `simulateArgs` names, and the summary.json it wrote there. */
export function readSimulateRun(root: string): { runDir: string; summary: SimulationReport } {
  const runDir = join(root, 'runs', 'e2e');
  return { runDir, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as SimulationReport };
}

/** The last line a command printed, as JSON (simulate's outcome line). */
export function lastJsonLine(stdout: string): unknown {
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

export interface FederationWorld {
  root: string;
  dataDir: string;
  folders: SiteFolder[];
  adminToken: string;
  coordinator: ManagedProcess;
  url: string;
  admin: AdminClient;
  sites: Map<string, ManagedProcess>;
  tokens: Map<string, string>;
  cleanup(): Promise<void>;
}

/** The worlds made in this test file that no one has cleaned up yet (useFederationWorlds removes them per test). */
const liveWorlds = new Set<FederationWorld>();

/**
 * The hooks every spec of real-process federations opens with: the build once, and after each test the worlds it
 * made (site agents, coordinator, temp folder) killed and removed, even when the test failed half-way.
 */
export function useFederationWorlds(): void {
  beforeAll(() => buildOnce());
  afterEach(async () => {
    const worlds = [...liveWorlds];
    await Promise.all(worlds.map((world) => world.cleanup()));
  });
}

/**
 * 12 cases of 40×40×24 voxels over three centers: per site 2 train + 1 validation, and 3 test cases. `coordinatorEnv`
 * adds FEDSTROKE_* settings to the coordinator process (role tokens, inference limits).
 */
export async function makeWorld(name: string, coordinatorEnv: NodeJS.ProcessEnv = {}): Promise<FederationWorld> {
  const root = mkdtempSync(join(tmpdir(), `fedstroke-${name}-`));
  const dataDir = join(root, 'data');
  await generateSmallDataset(dataDir, 11);
  const dataset = await discoverDataset(dataDir, { policy: 'fail', requireMask: true, requireFlair: true });
  const split = await resolveSplit(
    dataDir,
    dataset.cases.map((c) => c.id),
  );
  const folders = await materializeSiteFolders(dataDir, dataset.cases, split, join(root, 'sites'));
  const adminToken = randomBytes(24).toString('hex');
  const { process: coordinator, url } = await bootCoordinator(root, adminToken, 0, coordinatorEnv);
  const world: FederationWorld = {
    root,
    dataDir,
    folders,
    adminToken,
    coordinator,
    url,
    admin: new AdminClient(url, adminToken),
    sites: new Map(),
    tokens: new Map(),
    cleanup: async () => {
      liveWorlds.delete(world);
      await Promise.all([...world.sites.values()].map((s) => s.kill()));
      await world.coordinator.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
  liveWorlds.add(world);
  return world;
}

export function bootCoordinator(root: string, adminToken: string, port: number, env: NodeJS.ProcessEnv = {}) {
  return startCoordinatorProcess({
    dataDir: join(root, 'coordinator'),
    artifactsRoot: ARTIFACTS_ROOT,
    adminToken,
    port,
    logFile: logPath(root, 'coordinator'),
    env: { FEDSTROKE_LONG_POLL_MAX_SECONDS: '5', ...env },
  });
}

/** The ids of registered sites (a federation's members). */
export const ids = (sites: ReadonlyArray<{ id: string }>): string[] => sites.map((site) => site.id);

export async function registerAll(world: FederationWorld): Promise<Array<{ id: string; name: string }>> {
  const sites = [];
  for (const folder of world.folders) {
    const site = await world.admin.registerSite(folder.name);
    world.tokens.set(folder.name, site.token);
    sites.push({ id: site.id, name: site.name });
  }
  return sites;
}

/** A small federation of the given member sites. */
export function federationInput(
  name: string,
  siteIds: string[],
  overrides: Partial<FederationInput> = {},
): FederationInput {
  return {
    name,
    siteIds,
    modelConfigName: MODEL,
    rounds: 2,
    sitesPerRound: 3,
    quorum: 3,
    minUpdatesAtDeadline: 2,
    deadlineSeconds: 90,
    localSteps: 4,
    learningRate: 0.003,
    strategy: 'FEDAVG',
    ...overrides,
  };
}

export interface StartedFederation {
  world: FederationWorld;
  /** Every site of the world, registered and a member of the federation. */
  sites: Array<{ id: string; name: string }>;
  federationId: string;
}

/**
 * A world whose sites are all registered and members of `federationInput(name, …, overrides)`, each site's agent
 * started on it, and the federation started: the opening of most real-process federation tests.
 */
export async function startFederationWorld(
  name: string,
  overrides: Partial<FederationInput> = {},
  coordinatorEnv: NodeJS.ProcessEnv = {},
): Promise<StartedFederation> {
  const world = await makeWorld(name, coordinatorEnv);
  const sites = await registerAll(world);
  const federationId = await world.admin.createFederation(federationInput(name, ids(sites), overrides));
  for (const folder of world.folders) startSite(world, folder, federationId);
  await world.admin.startFederation(federationId);
  return { world, sites, federationId };
}

/** Starts (or restarts, with the same state folder) the agent of one site. */
export function startSite(
  world: FederationWorld,
  folder: SiteFolder,
  federationId: string,
  env: Record<string, string> = {},
): ManagedProcess {
  const child = startSiteProcess({
    name: folder.name,
    coordinatorUrl: world.url,
    token: world.tokens.get(folder.name) as string,
    dataDir: folder.dir,
    artifactsRoot: ARTIFACTS_ROOT,
    stateDir: join(world.root, 'site-state', folder.name),
    federationId,
    logFile: logPath(world.root, `site-${folder.name}`),
    extraArgs: SITE_ARGS,
    env: { FEDSTROKE_SITE_RETRY_MAX_MS: '1000', ...env },
  });
  world.sites.set(folder.name, child);
  return child;
}

/** coordinator-kit's poll, at a pace suited to processes that train between answers. */
export function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, stepMs = 250): Promise<T> {
  return pollUntil(check, timeoutMs, stepMs);
}

export async function waitForStatus(world: FederationWorld, federationId: string, status: string, timeoutMs: number) {
  return eventually(async () => {
    const federation = await world.admin.federation(federationId);
    return federation.status === status ? federation : undefined;
  }, timeoutMs);
}

/** The JSON log lines a process has written so far. */
export function logEvents(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
