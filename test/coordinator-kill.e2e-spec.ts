/**
 * Fault injection, kill -9: the coordinator as its own process, killed with SIGKILL — no shutdown hooks, no WAL
 * checkpoint — mid-round and at seeded random moments around uploads and aggregation, then started again on the
 * same data directory. After every restart: no temporary file survives the boot, every accepted update of the open
 * round is on disk with the sha256 the database recorded, every model version's bytes match its sha256, and the
 * federation finishes with the model the accepted updates give.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '@fedstroke/common';
import {
  ADMIN_TOKEN,
  constant,
  downloadModel,
  gqlOk,
  makeWorkspace,
  READONLY_TOKEN,
  type SiteHandle,
  startFederation,
  takeTask,
  type TrainingTask,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  type Workspace,
} from './coordinator-kit';
import { killHard, type RunningCoordinator, startCoordinatorProcess } from './coordinator-process';

let workspace: Workspace;
let running: RunningCoordinator | null = null;

beforeEach(() => {
  workspace = makeWorkspace();
});

afterEach(async () => {
  if (running) await killHard(running);
  running = null;
  workspace.cleanup();
});

const url = () => (running as RunningCoordinator).url;

async function restart(): Promise<void> {
  if (running) await killHard(running);
  running = await startCoordinatorProcess(workspace);
}

it('loses no completed round and no accepted update when the process is SIGKILLed mid-round', async () => {
  running = await startCoordinatorProcess(workspace);
  const { sites, federationId } = await startFederation(url(), ['a', 'b', 'c'], {
    name: 'kill',
    rounds: 2,
    deadlineSeconds: 60,
  });

  const round1 = await Promise.all(sites.map((site) => takeTask(url(), site, federationId)));
  for (const [i, site] of sites.entries()) await uploadUpdate(url(), site, round1[i], constant(i + 1));
  const afterRound1 = await waitForFederation(url(), federationId, (f) => f.currentRound.index === 2);
  const round2 = await Promise.all(sites.map((site) => takeTask(url(), site, federationId)));
  expect((await uploadUpdate(url(), sites[0], round2[0], constant(4))).status).toBe(202);

  await restart();

  const resumed = await viewFederation(url(), federationId);
  expect(resumed.federation.latestModelVersion).toEqual(afterRound1.federation.latestModelVersion);
  expect(resumed.federation.currentRound).toMatchObject({ index: 2, status: 'OPEN', counts: { accepted: 1 } });
  for (const i of [1, 2])
    expect((await uploadUpdate(url(), sites[i], round2[i], constant(4 + i * 2))).status).toBe(202);
  const done = await waitForFederation(url(), federationId, (f) => f.status === 'COMPLETED');
  const { weights } = await downloadModel(url(), ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
  expect(weights[0]).toBeCloseTo(6, 6);
}, 120_000);

const ROUNDS = 4;
/** Site i's update in round r: every weight equal to this, so the expected aggregate is known whatever is killed. */
const updateValue = (round: number, site: number) => round * 10 + site;

const PARTICIPANTS = `query ($id: ID!) { federation(id: $id) { status currentRound { index status
  participants { siteId status updateSha256 } } } }`;

interface Participants {
  federation: {
    status: string;
    currentRound: {
      index: number;
      status: string;
      participants: Array<{ siteId: string; status: string; updateSha256: string | null }>;
    };
  };
}

it('keeps state consistent when SIGKILLed at random moments around uploads and aggregation (seed 11)', async () => {
  const random = new Random(11);
  running = await startCoordinatorProcess(workspace);
  const { sites, federationId } = await startFederation(url(), ['k1', 'k2', 'k3'], {
    name: 'kill-random',
    rounds: ROUNDS,
    deadlineSeconds: 120,
  });
  for (let round = 1; round <= ROUNDS; round++) {
    const tasks = await Promise.all(sites.map((site) => takeTask(url(), site, federationId)));
    expect(tasks.map((t) => t.roundIndex)).toEqual([round, round, round]);
    // All three at once: the last one in closes the round, so the kill lands in an upload, in the aggregation
    // that follows it, or just after the new round opened.
    const inFlight = sites.map((site, i) =>
      uploadUpdate(url(), site, tasks[i], constant(updateValue(round, i))).catch(() => null),
    );
    const delayMs = random.intInclusive(0, 60);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await restart();
    await Promise.all(inFlight);

    await expectConsistentStorage(federationId);
    await finishRound(federationId, round, sites, tasks);
  }
  const done = await waitForFederation(url(), federationId, (f) => f.status === 'COMPLETED');
  const { weights, response } = await downloadModel(
    url(),
    ADMIN_TOKEN,
    `/models/${done.federation.latestModelVersion.id}`,
  );
  expect(response.status).toBe(200);
  // FedAvg of the last round's three updates (equal sample counts).
  expect(weights[0]).toBeCloseTo((updateValue(ROUNDS, 0) + updateValue(ROUNDS, 1) + updateValue(ROUNDS, 2)) / 3, 4);
  // Five boots of a process: seconds each on a quiet machine, many times that on a loaded one.
}, 240_000);

/** Uploads again for every participation the kill left ASSIGNED, until round `index` has ended. */
async function finishRound(federationId: string, index: number, sites: SiteHandle[], tasks: TrainingTask[]) {
  for (;;) {
    const view = await gqlOk<Participants>(url(), READONLY_TOKEN, PARTICIPANTS, { id: federationId });
    const round = view.federation.currentRound;
    if (round.index > index || view.federation.status === 'COMPLETED') return;
    if (round.status === 'OPEN') {
      for (const [i, site] of sites.entries()) {
        const mine = round.participants.find((p) => p.siteId === site.id);
        if (mine?.status !== 'ASSIGNED') continue;
        const answer = await uploadUpdate(url(), site, tasks[i], constant(updateValue(index, i)));
        expect([202, 409]).toContain(answer.status);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectConsistentStorage(federationId: string): Promise<void> {
  // Nothing half-written survives a boot.
  const leftovers = readdirSync(workspace.dataDir, { recursive: true }).filter((f) => /\.(part|tmp)$/.test(String(f)));
  expect(leftovers).toEqual([]);

  // Every accepted update of the current round is on disk, byte for byte what the database recorded.
  const view = await gqlOk<Participants>(url(), READONLY_TOKEN, PARTICIPANTS, { id: federationId });
  const round = view.federation.currentRound;
  const folder = join(workspace.dataDir, 'updates', federationId, `round-${String(round.index).padStart(5, '0')}`);
  const onDisk = existsSync(folder)
    ? readdirSync(folder).map((f) =>
        createHash('sha256')
          .update(readFileSync(join(folder, f)))
          .digest('hex'),
      )
    : [];
  if (round.status === 'OPEN' || round.status === 'AGGREGATING') {
    for (const accepted of round.participants.filter((p) => p.status === 'ACCEPTED')) {
      expect(onDisk).toContain(accepted.updateSha256);
    }
  }

  // Every model version's file still hashes to its recorded sha256 (the download streams the file as it is).
  const versions = await gqlOk<{ modelVersions: { items: Array<{ id: string; sha256: string }> } }>(
    url(),
    READONLY_TOKEN,
    'query ($id: ID!) { modelVersions(federationId: $id, limit: 100) { items { id sha256 } } }',
    { id: federationId },
  );
  for (const version of versions.modelVersions.items) {
    const { weights, response } = await downloadModel(url(), ADMIN_TOKEN, `/models/${version.id}`);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(version.sha256);
  }
}
