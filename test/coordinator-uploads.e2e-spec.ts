/**
 * The update upload path under races and pressure, over real HTTP against an in-process coordinator: two uploads of
 * one participation at once, an accepted file altered on disk before aggregation, upload slots per caller and in
 * all, and what happens to accepted updates once their round has ended.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32ToBytes, updateRequestHeaders } from '@fedstroke/protocol';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  makeWorkspace,
  constant,
  downloadModel,
  gqlOk,
  INFERENCE_TOKEN,
  PARAMETER_COUNT,
  READONLY_TOKEN,
  type SiteHandle,
  startFederation,
  takeTask,
  type TrainingTask,
  uploadBytes,
  uploadUpdate,
  waitForFederation,
  type Workspace,
  startCoordinatorWorld,
} from './coordinator-kit';
import { type HeldUpload, holdUpload } from './coordinator-process';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An update upload that sends its headers and the first bytes of `weights`, then waits to be finished. */
function holdUpdate(url: string, site: SiteHandle, task: TrainingTask, weights: Float32Array, sent = 64): HeldUpload {
  const body = float32ToBytes(weights);
  const headers = updateRequestHeaders({
    sha256: sha256(body),
    baseModelVersionId: task.baseModelVersionId,
    layoutSha256: task.parameterLayoutSha256,
    numSamples: 10,
    metrics: {},
  });
  const held = holdUpload(
    url,
    task.updateUploadPath,
    { authorization: `Bearer ${site.token}`, ...headers },
    body.byteLength,
    body.subarray(0, sent),
  );
  return { ...held, finish: () => held.finish(body.subarray(sent)) };
}

const ROUND = `query ($id: ID!) { federation(id: $id) { currentRound { index status failureReason
  aggregation { name value } participants { siteId status updateSha256 rejectionReason } } } }`;
interface RoundView {
  federation: {
    currentRound: {
      index: number;
      status: string;
      aggregation: Array<{ name: string; value: string }>;
      participants: Array<{
        siteId: string;
        status: string;
        updateSha256: string | null;
        rejectionReason: string | null;
      }>;
    };
  };
}
const ROUNDS = `query ($id: ID!) { rounds(federationId: $id, limit: 10) { items { index status failureReason
  aggregation { name value } } } }`;

interface RoundRecordView {
  status: string;
  failureReason: string | null;
  aggregation: Array<{ name: string; value: string }>;
}

async function firstRound(url: string, federationId: string): Promise<RoundRecordView> {
  const rounds = await gqlOk<{ rounds: { items: RoundRecordView[] } }>(url, READONLY_TOKEN, ROUNDS, {
    id: federationId,
  });
  return rounds.rounds.items[0];
}

function roundFolder(workspace: Workspace, federationId: string, index: number): string {
  return join(workspace.dataDir, 'updates', federationId, `round-${String(index).padStart(5, '0')}`);
}

/** Waits until the server has the upload's temporary file open, i.e. it passed every check before the body. */
async function receiving(workspace: Workspace, count: number): Promise<void> {
  const incoming = join(workspace.dataDir, 'updates', '.incoming');
  for (let i = 0; i < 400; i++) {
    if (existsSync(incoming) && readdirSync(incoming).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${count} upload(s) being received in ${incoming}`);
}

describe('update uploads', () => {
  const world = startCoordinatorWorld({ per: 'test', config: { uploadsPerCaller: 2, uploadsInFlight: 3 } });

  it('keeps the accepted one of two racing uploads: its file, its sha256, its weights in the aggregate', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['race', 'other'], {
      name: 'race',
      rounds: 1,
      deadlineSeconds: 60,
    });
    const [task, otherTask] = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
    // B starts first and finishes last; A is accepted in between.
    // Both within the default norm bound (10 × the initial model's norm), so only the race decides.
    const b = holdUpdate(url, sites[0], task, constant(5));
    await receiving(world.workspace, 1);
    const a = await uploadUpdate(url, sites[0], task, constant(1));
    expect(a.status).toBe(202);
    b.finish(new Uint8Array());
    const answer = await b.answer;
    expect(answer).toMatchObject({ status: 409 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({
      code: 'ALREADY_ACCEPTED',
      status: 'REJECTED',
    });

    const shaA = sha256(float32ToBytes(constant(1)));
    const view = await gqlOk<RoundView>(url, READONLY_TOKEN, ROUND, { id: federationId });
    expect(view.federation.currentRound.participants.find((p) => p.siteId === sites[0].id)).toMatchObject({
      status: 'ACCEPTED',
      updateSha256: shaA,
    });
    const folder = roundFolder(world.workspace, federationId, 1);
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    expect(sha256(readFileSync(join(folder, files[0])))).toBe(shaA);

    expect((await uploadUpdate(url, sites[1], otherTask, constant(3))).status).toBe(202);
    const done = await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    const { weights } = await downloadModel(url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
    expect(weights[0]).toBeCloseTo(2, 6);
  });

  it('leaves out of the aggregate an accepted update whose file changed on disk, and names it on the round', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['tampered', 'intact'], {
      name: 'tampered',
      rounds: 1,
      deadlineSeconds: 60,
      minUpdatesAtDeadline: 1,
    });
    const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
    expect((await uploadUpdate(url, sites[0], tasks[0], constant(5))).status).toBe(202);
    const folder = roundFolder(world.workspace, federationId, 1);
    const [file] = readdirSync(folder);
    writeFileSync(join(folder, file), float32ToBytes(constant(-1e30)));

    expect((await uploadUpdate(url, sites[1], tasks[1], constant(4))).status).toBe(202);
    const done = await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    const { weights } = await downloadModel(url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
    expect(Array.from(new Set(weights))).toEqual([4]);
    const round = await firstRound(url, federationId);
    const aggregation = Object.fromEntries(round.aggregation.map((p) => [p.name, p.value]));
    expect(aggregation.excludedUpdates).toBe('1');
    expect(aggregation.excluded).toMatch(
      new RegExp(`^site ${sites[0].id}: STORED_FILE_CORRUPT: .* was recorded when it was stored$`),
    );
    expect(aggregation.updates).toBe('1');
    // The tampered site's participation says its update is not in the model, and why.
    const view = await gqlOk<RoundView>(url, READONLY_TOKEN, ROUND, { id: federationId });
    const bySite = new Map(view.federation.currentRound.participants.map((p) => [p.siteId, p]));
    expect(bySite.get(sites[0].id)).toMatchObject({
      status: 'REJECTED',
      rejectionReason: expect.stringMatching(/^STORED_FILE_CORRUPT: /),
    });
    expect(bySite.get(sites[1].id)).toMatchObject({ status: 'ACCEPTED' });
  });

  it('fails the round, with the reason, when too few updates survive the re-check', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['lost', 'kept'], {
      name: 'too-few',
      rounds: 1,
      deadlineSeconds: 60,
      minUpdatesAtDeadline: 2,
    });
    const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
    expect((await uploadUpdate(url, sites[0], tasks[0], constant(1))).status).toBe(202);
    const folder = roundFolder(world.workspace, federationId, 1);
    writeFileSync(join(folder, readdirSync(folder)[0]), new Uint8Array(PARAMETER_COUNT * 4));
    expect((await uploadUpdate(url, sites[1], tasks[1], constant(2))).status).toBe(202);
    await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    const round = await firstRound(url, federationId);
    expect(round.status).toBe('FAILED');
    expect(round.failureReason).toMatch(
      new RegExp(
        `^1 usable update\\(s\\) of 2 accepted \\(site ${sites[0].id}: STORED_FILE_CORRUPT: .*\\); minUpdatesAtDeadline is 2$`,
      ),
    );
  });

  it('fails the round instead of aggregating onto a base model whose file changed on disk', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['base'], {
      name: 'base-tampered',
      rounds: 1,
      deadlineSeconds: 60,
    });
    const task = await takeTask(url, sites[0], federationId);
    const models = join(world.workspace.dataDir, 'models', federationId);
    writeFileSync(join(models, readdirSync(models)[0]), new Uint8Array(PARAMETER_COUNT * 4));
    expect((await uploadUpdate(url, sites[0], task, constant(1))).status).toBe(202);
    await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    const round = await firstRound(url, federationId);
    expect(round).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringMatching(
        new RegExp(`^base model version ${task.baseModelVersionId} is unusable: .* was recorded when it was stored$`),
      ),
    });
  });

  it('refuses uploads past the per-caller and total slots with 429 / 503 and Retry-After', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['slots-a', 'slots-b', 'slots-c'], {
      name: 'slots',
      rounds: 1,
      deadlineSeconds: 60,
    });
    const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
    // Two uploads from site a (its share), one from site b (the coordinator's total of 3), all stalled.
    const held = [
      holdUpdate(url, sites[0], tasks[0], constant(1)),
      holdUpdate(url, sites[0], tasks[0], constant(1)),
      holdUpdate(url, sites[1], tasks[1], constant(2)),
    ];
    await receiving(world.workspace, 3);
    const mine = await uploadUpdate(url, sites[0], tasks[0], constant(1));
    expect([mine.status, mine.retryAfter, mine.body.code]).toEqual([429, '5', 'TOO_MANY_UPLOADS']);
    expect(String(mine.body.message)).toMatch(/^site slots-a has 2 uploads in flight/);
    const busy = await uploadUpdate(url, sites[2], tasks[2], constant(3));
    expect([busy.status, busy.retryAfter, busy.body.code]).toEqual([503, '5', 'UPLOADS_BUSY']);
    const study = await uploadBytes(url, INFERENCE_TOKEN, new Uint8Array(1024), 'study.nii');
    expect([study.status, study.body.code]).toEqual([503, 'UPLOADS_BUSY']);
    // Refusals of the moment are not recorded: site c is still assigned and may send its update later.
    const view = await gqlOk<RoundView>(url, READONLY_TOKEN, ROUND, { id: federationId });
    expect(view.federation.currentRound.participants.map((p) => p.status)).toEqual([
      'ASSIGNED',
      'ASSIGNED',
      'ASSIGNED',
    ]);

    for (const upload of held) upload.abort();
    // Each slot is free once the server has seen its socket close.
    await waitUntil(() => readdirSync(join(world.workspace.dataDir, 'updates', '.incoming')).length === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const [i, site] of sites.entries()) {
      expect((await uploadUpdate(url, site, tasks[i], constant(i))).status).toBe(202);
    }
    await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
  });

  it('deletes a round’s accepted updates once its aggregate is committed, and keeps every model version', async () => {
    const { url } = world;
    const { sites, federationId } = await startFederation(url, ['keep-a'], {
      name: 'retention',
      rounds: 2,
      deadlineSeconds: 60,
    });
    const first = await takeTask(url, sites[0], federationId);
    expect((await uploadUpdate(url, sites[0], first, constant(1))).status).toBe(202);
    const second = await takeTask(url, sites[0], federationId, 2);
    expect(second.roundIndex).toBe(2);
    // Round 2 is open with nothing in yet; round 1 has ended: its folder goes, round 2's stays until it ends.
    await waitUntil(() => !existsSync(roundFolder(world.workspace, federationId, 1)));
    expect((await uploadUpdate(url, sites[0], second, constant(2))).status).toBe(202);
    await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    await waitUntil(() => !existsSync(roundFolder(world.workspace, federationId, 2)));
    expect(readdirSync(join(world.workspace.dataDir, 'models', federationId))).toHaveLength(3);
  });
});

it('keeps every accepted update with FEDSTROKE_UPDATE_RETENTION=keep', async () => {
  const workspace = makeWorkspace();
  const coordinator = await bootCoordinator(workspace, [], { updateRetention: 'keep' });
  try {
    const { url } = coordinator;
    const { sites, federationId } = await startFederation(url, ['kept'], {
      name: 'kept',
      rounds: 1,
      deadlineSeconds: 60,
    });
    const task = await takeTask(url, sites[0], federationId);
    expect((await uploadUpdate(url, sites[0], task, constant(1))).status).toBe(202);
    await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(readdirSync(roundFolder(workspace, federationId, 1))).toHaveLength(1);
  } finally {
    await coordinator.close();
    workspace.cleanup();
  }
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met within 10 s');
}
