/**
 * Rounds end to end over real HTTP: a real GraphQL client (fetch) and graphql-ws subscriber, binary uploads and
 * downloads, SQLite in a temp dir, and libs/federation doing the maths.
 */
import type { Client } from 'graphql-ws';
import {
  ADMIN_TOKEN,
  constant,
  CREATE_FEDERATION,
  createFederation,
  downloadModel,
  eventually,
  gql,
  gqlOk,
  MODEL_NAME,
  NEXT_TASK,
  PARAMETER_COUNT,
  READONLY_TOKEN,
  registerSites,
  ROUND_STATUS,
  startFederation,
  type SiteHandle,
  subscriptionClient,
  takeTask,
  uploadUpdate,
  startCoordinatorWorld,
  waitForFederation,
} from './coordinator-kit';

interface Participant {
  siteId: string;
  status: string;
  numSamples: number | null;
  rejectionReason: string | null;
  bytesReceived: number;
}
interface RoundView {
  id: string;
  index: number;
  status: string;
  failureReason: string | null;
  counts: Record<string, number>;
  metrics: Array<{ name: string; value: number }>;
  aggregation: Array<{ name: string; value: string }>;
  participants: Participant[];
}
interface FederationView {
  federation: {
    status: string;
    currentRound: RoundView | null;
    latestModelVersion: { id: string; roundIndex: number; sha256: string; sizeBytes: number };
  };
}

const START = 'mutation ($id: ID!) { startFederation(id: $id) { status } }';
const ROUNDS = `query ($id: ID!) { rounds(federationId: $id) { totalCount items { index status failureReason
  baseModelVersionId resultModelVersionId counts { accepted dropped failed } participants { siteId status rejectionReason } } } }`;

/** Long enough that a poll answered at once cannot be mistaken for one answered at its timeout. */
const LONG_POLL_SECONDS = 30;
/**
 * "At once" for a woken long poll: well inside its 30 s, which is what an unwoken poll would take. A tighter bound
 * (it was 2 s) measures the machine's load as much as the wake-up.
 */
const WOKEN_WITHIN_MS = (LONG_POLL_SECONDS * 1000) / 3;

const world = startCoordinatorWorld({ config: { longPollMaxSeconds: LONG_POLL_SECONDS } });

const status = (federationId: string) =>
  gqlOk<FederationView>(world.url, READONLY_TOKEN, ROUND_STATUS, { id: federationId });

async function waitForRound(federationId: string, index: number, roundStatus: string): Promise<FederationView> {
  return eventually(async () => {
    const rounds = await gqlOk<{ rounds: { items: Array<{ index: number; status: string }> } }>(
      world.url,
      READONLY_TOKEN,
      ROUNDS,
      { id: federationId },
    );
    const reached = rounds.rounds.items.some((r) => r.index === index && r.status === roundStatus);
    // The view is read after the round is seen in its state, so it is never older than that state.
    return reached ? status(federationId) : undefined;
  });
}

interface TaskAnswer {
  kind: string;
  federationStatus: string | null;
  reason: string | null;
  training: { roundIndex: number; totalRounds: number } | null;
}

interface PollAnswer {
  task: TaskAnswer;
  at: number;
}

/**
 * Starts a long poll of LONG_POLL_SECONDS and lets it reach its wait. The answer comes wrapped (an async function
 * cannot return a bare promise without awaiting it), with the time it arrived.
 */
async function waitingPoll(site: SiteHandle, federationId: string): Promise<{ answer: Promise<PollAnswer> }> {
  const answer = gqlOk<{ nextTask: TaskAnswer }>(world.url, site.token, NEXT_TASK, {
    federationId,
    wait: LONG_POLL_SECONDS,
  }).then((data) => ({ task: data.nextTask, at: Date.now() }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { answer };
}

function collect(
  client: Client,
  federationId: string,
  until: string,
): { events: Array<Record<string, unknown>>; started: Promise<void>; done: Promise<void> } {
  const events: Array<Record<string, unknown>> = [];
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<void>((resolve, reject) => {
    const unsubscribe = client.subscribe<{ roundProgress: Record<string, unknown> }>(
      {
        query: `subscription ($id: ID!) { roundProgress(federationId: $id) {
          event federationStatus siteId message quorum round { index status } counts { accepted rejected total } } }`,
        variables: { id: federationId },
      },
      {
        next: (message) => {
          if (message.errors) return reject(new Error(JSON.stringify(message.errors)));
          const event = message.data?.roundProgress as Record<string, unknown>;
          events.push(event);
          if (event.event === 'SNAPSHOT') markStarted();
          if (event.event === until) {
            unsubscribe();
            resolve();
          }
        },
        error: reject,
        complete: () => resolve(),
      },
    );
  });
  return { events, started, done };
}

describe('coordinator rounds', () => {
  it('runs two FedAvg rounds over three sites: sample-weighted aggregate, queryable and subscribable progress', async () => {
    const sites = await registerSites(world.url, ['hospital-a', 'hospital-b', 'hospital-c']);
    const federationId = await createFederation(world.url, {
      siteIds: sites.map((s) => s.id),
      name: 'isles-fedavg',
      rounds: 2,
      sitesPerRound: 3,
      deadlineSeconds: 60,
    });
    const client = subscriptionClient(world.url, READONLY_TOKEN);
    const progress = collect(client, federationId, 'FEDERATION_COMPLETED');
    await progress.started;
    expect(
      (await gqlOk<{ startFederation: { status: string } }>(world.url, ADMIN_TOKEN, START, { id: federationId }))
        .startFederation.status,
    ).toBe('RUNNING');

    const samples = [10, 20, 10];
    const values = [1, 2, 4];
    let finishedPoll: { answer: Promise<PollAnswer> } | null = null;
    let lastUploadAt = 0;
    for (const round of [1, 2]) {
      const tasks = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
      expect(tasks.map((t) => t.roundIndex)).toEqual([round, round, round]);
      // Every site gets what it needs to place its local steps in the federation-wide schedule.
      expect(tasks.map((t) => [t.totalRounds, t.localSteps])).toEqual(sites.map(() => [2, 5]));
      const { weights, response } = await downloadModel(world.url, sites[0].token, tasks[0].modelDownloadPath);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-fedstroke-sha256')).toBe(tasks[0].baseModelSha256);
      expect(weights).toHaveLength(PARAMETER_COUNT);
      for (const [i, site] of sites.entries()) {
        // The first site, done with the last round, waits for work when the last update completes the federation.
        if (round === 2 && i === sites.length - 1) {
          finishedPoll = await waitingPoll(sites[0], federationId);
          lastUploadAt = Date.now();
        }
        const upload = await uploadUpdate(world.url, site, tasks[i], constant(values[i] * round), {
          numSamples: samples[i],
          metrics: { loss: i, dice: 0.5 },
        });
        expect(upload.status).toBe(202);
        expect(upload.body.status).toBe('ACCEPTED');
      }
      await waitForRound(federationId, round, 'COMPLETED');
    }
    if (!finishedPoll) throw new Error('the poll waiting for the end of the federation was not started');
    const finishedAnswer = await finishedPoll.answer;
    expect(finishedAnswer.task).toMatchObject({ kind: 'FINISHED', federationStatus: 'COMPLETED', training: null });
    expect(finishedAnswer.at - lastUploadAt).toBeLessThan(WOKEN_WITHIN_MS);
    await progress.done;
    await client.dispose();

    const view = await status(federationId);
    expect(view.federation.status).toBe('COMPLETED');
    const last = view.federation.currentRound as RoundView;
    expect(last.index).toBe(2);
    expect(last.counts).toMatchObject({ accepted: 3, total: 3 });
    const metric = (name: string) => last.metrics.find((m) => m.name === name)?.value;
    expect(metric('numSamples')).toBe(40);
    expect(metric('loss')).toBeCloseTo((0 * 10 + 1 * 20 + 2 * 10) / 40, 6);
    expect(last.aggregation).toContainEqual({ name: 'strategy', value: 'fedavg' });

    // FedAvg of constants 2, 4, 8 weighted 10, 20, 10 = (20 + 80 + 80) / 40 = 4.5.
    const model = view.federation.latestModelVersion;
    expect(model.roundIndex).toBe(2);
    const { weights, response } = await downloadModel(world.url, ADMIN_TOKEN, `/models/${model.id}`);
    expect(response.headers.get('x-fedstroke-sha256')).toBe(model.sha256);
    expect(Array.from(new Set(weights))).toEqual([4.5]);

    const kinds = progress.events.map((e) => e.event);
    expect(kinds[0]).toBe('SNAPSHOT');
    expect(progress.events[0]).toMatchObject({ federationStatus: 'CREATED', round: null, quorum: 3 });
    expect(kinds.filter((k) => k === 'ROUND_OPENED')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'UPDATE_ACCEPTED')).toHaveLength(6);
    expect(kinds.filter((k) => k === 'ROUND_COMPLETED')).toHaveLength(2);
    expect(kinds[kinds.length - 1]).toBe('FEDERATION_COMPLETED');

    const versions = await gqlOk<{ modelVersions: { totalCount: number; items: Array<{ roundIndex: number }> } }>(
      world.url,
      READONLY_TOKEN,
      'query ($id: ID!) { modelVersions(federationId: $id, limit: 2) { totalCount hasMore items { roundIndex } } }',
      { id: federationId },
    );
    expect(versions.modelVersions.totalCount).toBe(3);
    expect(versions.modelVersions.items.map((v) => v.roundIndex)).toEqual([0, 1]);

    // A finished federation tells a site agent to stop, and how it ended.
    const finished = await gqlOk<{ nextTask: TaskAnswer }>(world.url, sites[0].token, NEXT_TASK, {
      federationId,
    });
    expect(finished.nextTask).toMatchObject({ kind: 'FINISHED', federationStatus: 'COMPLETED' });
  });

  it('rejects and records NaN, wrong-length, stale, corrupt and oversized updates while the round completes at quorum', async () => {
    const names = ['nan', 'short', 'stale', 'corrupt', 'huge', 'good-1', 'good-2'];
    const sites = await registerSites(world.url, names);
    const federationId = await createFederation(world.url, {
      siteIds: sites.map((s) => s.id),
      name: 'faults',
      rounds: 2,
      sitesPerRound: 7,
      quorum: 2,
      deadlineSeconds: 60,
    });
    await gqlOk(world.url, ADMIN_TOKEN, START, { id: federationId });
    const tasks = new Map<string, Awaited<ReturnType<typeof takeTask>>>();
    for (const site of sites) tasks.set(site.name, await takeTask(world.url, site, federationId));
    const send = (site: SiteHandle, body: Float32Array | Uint8Array, options = {}) =>
      uploadUpdate(world.url, site, tasks.get(site.name)!, body, options);
    const byName = (name: string) => sites.find((s) => s.name === name) as SiteHandle;

    const nan = constant(1);
    nan[17] = NaN;
    expect(await send(byName('nan'), nan)).toMatchObject({ status: 422, body: { status: 'REJECTED' } });
    expect((await send(byName('short'), new Float32Array(PARAMETER_COUNT - 1))).status).toBe(422);
    const stale = await send(byName('stale'), constant(1), {
      baseModelVersionId: '00000000-0000-4000-8000-000000000000',
    });
    expect(stale.status).toBe(422);
    const corrupt = await send(byName('corrupt'), constant(1), { sha256: 'f'.repeat(64) });
    expect(corrupt.status).toBe(422);
    const huge = await send(byName('huge'), new Uint8Array(PARAMETER_COUNT * 4 + (1 << 20) + 4));
    expect(huge.status).toBe(413);

    expect((await send(byName('good-1'), constant(1), { numSamples: 1 })).status).toBe(202);
    expect((await send(byName('good-2'), constant(3), { numSamples: 1 })).status).toBe(202);
    const view = await waitForRound(federationId, 1, 'COMPLETED');
    expect(view.federation.status).toBe('RUNNING');

    const rounds = await gqlOk<{
      rounds: { items: Array<{ participants: Participant[]; counts: Record<string, number> }> };
    }>(world.url, READONLY_TOKEN, ROUNDS, { id: federationId });
    const first = rounds.rounds.items[0];
    expect(first.counts).toMatchObject({ accepted: 2 });
    const reason = (name: string) =>
      first.participants.find((p) => p.siteId === byName(name).id)?.rejectionReason ?? '';
    const state = (name: string) => first.participants.find((p) => p.siteId === byName(name).id)?.status;
    expect(reason('nan')).toMatch(/^NON_FINITE: .*parameter 17/);
    expect(reason('short')).toMatch(/^LENGTH_MISMATCH/);
    expect(reason('stale')).toMatch(/^WRONG_BASE_MODEL/);
    expect(reason('corrupt')).toMatch(/^SHA256_MISMATCH/);
    expect(reason('huge')).toMatch(/exceeds the limit/);
    for (const name of ['nan', 'short', 'stale', 'corrupt', 'huge']) expect(state(name)).toBe('REJECTED');

    // Only the two good updates were averaged.
    const model = view.federation.latestModelVersion;
    const { weights } = await downloadModel(world.url, ADMIN_TOKEN, `/models/${model.id}`);
    expect(Array.from(new Set(weights))).toEqual([2]);

    // The federation goes on: round 2 is open, and a rejected site can take part in it.
    const next = await takeTask(world.url, byName('nan'), federationId);
    expect(next.roundIndex).toBe(2);
    expect(next.baseModelVersionId).toBe(model.id);
  });

  it('closes a round at the deadline with fewer sites, drops the silent one, refuses its late update, and fails an empty round', async () => {
    const sites = await registerSites(world.url, ['fast-1', 'fast-2', 'silent']);
    const federationId = await createFederation(world.url, {
      siteIds: sites.map((s) => s.id),
      name: 'deadline',
      rounds: 3,
      sitesPerRound: 3,
      quorum: 3,
      deadlineSeconds: 3,
    });
    await gqlOk(world.url, ADMIN_TOKEN, START, { id: federationId });
    const tasks = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    await uploadUpdate(world.url, sites[0], tasks[0], constant(1));
    await uploadUpdate(world.url, sites[1], tasks[1], constant(2));
    const afterDeadline = await waitForRound(federationId, 1, 'COMPLETED');
    const round1 = (
      await gqlOk<{ rounds: { items: Array<{ counts: Record<string, number>; participants: Participant[] }> } }>(
        world.url,
        READONLY_TOKEN,
        ROUNDS,
        { id: federationId },
      )
    ).rounds.items[0];
    expect(round1.counts).toMatchObject({ accepted: 2, dropped: 1 });
    const silent = round1.participants.find((p) => p.siteId === sites[2].id) as Participant;
    expect(silent.status).toBe('DROPPED');
    const { weights } = await downloadModel(
      world.url,
      ADMIN_TOKEN,
      `/models/${afterDeadline.federation.latestModelVersion.id}`,
    );
    expect(weights[0]).toBeCloseTo(1.5, 6);

    const late = await uploadUpdate(world.url, sites[2], tasks[2], constant(9));
    expect(late.status).toBe(409);
    expect(String(late.body.reason)).toMatch(/late update: round 1 is COMPLETED/);

    // Round 2: one site reports a failure, nobody uploads; the deadline fails the round and round 3 starts
    // from the same model.
    const round2Task = await takeTask(world.url, sites[0], federationId);
    expect(round2Task.roundIndex).toBe(2);
    const failed = await gqlOk<{ reportFailure: { status: string; rejectionReason: string } }>(
      world.url,
      sites[0].token,
      'mutation ($roundId: ID!) { reportFailure(roundId: $roundId, reason: "out of memory") { status rejectionReason } }',
      { roundId: round2Task.roundId },
    );
    expect(failed.reportFailure).toEqual({ status: 'FAILED', rejectionReason: 'out of memory' });
    await waitForRound(federationId, 2, 'FAILED');
    const round3Task = await takeTask(world.url, sites[1], federationId);
    expect(round3Task.roundIndex).toBe(3);
    expect(round3Task.baseModelVersionId).toBe(round2Task.baseModelVersionId);
    const rounds = await gqlOk<{ rounds: { items: Array<{ failureReason: string | null }> } }>(
      world.url,
      READONLY_TOKEN,
      ROUNDS,
      { id: federationId },
    );
    expect(rounds.rounds.items[1].failureReason).toMatch(/0 accepted update\(s\) at close/);
  });

  it('stops a federation whose rounds keep failing as FAILED after maxConsecutiveFailedRounds, and tells its sites', async () => {
    const { sites, federationId } = await startFederation(world.url, ['idle-1'], {
      name: 'keeps-failing',
      rounds: 20,
      deadlineSeconds: 1,
      maxConsecutiveFailedRounds: 2,
    });
    const config = await gqlOk<{ federation: { config: { maxConsecutiveFailedRounds: number } } }>(
      world.url,
      READONLY_TOKEN,
      'query ($id: ID!) { federation(id: $id) { config { maxConsecutiveFailedRounds } } }',
      { id: federationId },
    );
    expect(config.federation.config.maxConsecutiveFailedRounds).toBe(2);
    await waitForFederation(world.url, federationId, (f) => f.status === 'FAILED');
    const ended = await gqlOk<{ federation: { status: string; statusReason: string } }>(
      world.url,
      READONLY_TOKEN,
      'query ($id: ID!) { federation(id: $id) { status statusReason } }',
      { id: federationId },
    );
    expect(ended.federation.statusReason).toMatch(
      /^2 rounds in a row failed \(maxConsecutiveFailedRounds is 2\); the last: 0 accepted update\(s\) at close/,
    );
    const rounds = await gqlOk<{ rounds: { totalCount: number; items: Array<{ status: string }> } }>(
      world.url,
      READONLY_TOKEN,
      ROUNDS,
      { id: federationId },
    );
    expect(rounds.rounds.items.map((r) => r.status)).toEqual(['FAILED', 'FAILED']);
    const told = await gqlOk<{ nextTask: { kind: string; federationStatus: string } }>(
      world.url,
      sites[0].token,
      NEXT_TASK,
      { federationId, wait: 0 },
    );
    expect(told.nextTask).toMatchObject({ federationStatus: 'FAILED' });
    expect(told.nextTask.kind).not.toBe('TRAIN');
  });

  it('pauses (no tasks; waiting sites told at once), resumes, and cancels (waiting sites told to stop at once)', async () => {
    const [site, bystander] = await registerSites(world.url, ['only', 'bystander']);
    const federationId = await createFederation(world.url, {
      siteIds: [site.id, bystander.id],
      name: 'control',
      rounds: 5,
      sitesPerRound: 1,
      deadlineSeconds: 60,
    });
    await gqlOk(world.url, ADMIN_TOKEN, START, { id: federationId });
    const again = await gql(world.url, ADMIN_TOKEN, START, { id: federationId });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(again.errors?.[0].message).toMatch(/it is RUNNING, and start needs CREATED/);
    const assigned = await takeTask(world.url, site, federationId);
    expect(assigned).toMatchObject({ roundIndex: 1, totalRounds: 5 });

    // The round is full, so the bystander waits; the pause answers its poll at once, saying why.
    const duringPause = await waitingPoll(bystander, federationId);
    const pausedAt = Date.now();
    await gqlOk(
      world.url,
      ADMIN_TOKEN,
      'mutation ($id: ID!) { pauseFederation(id: $id, reason: "maintenance") { status } }',
      { id: federationId },
    );
    const woken = await duringPause.answer;
    expect(woken.task).toMatchObject({
      kind: 'WAIT',
      federationStatus: 'PAUSED',
      reason: 'maintenance',
      training: null,
    });
    expect(woken.at - pausedAt).toBeLessThan(WOKEN_WITHIN_MS);

    // While paused even the site's own assignment is not handed out.
    const paused = await gqlOk<{ nextTask: TaskAnswer }>(world.url, site.token, NEXT_TASK, {
      federationId,
      wait: 0,
    });
    expect(paused.nextTask).toMatchObject({ kind: 'WAIT', federationStatus: 'PAUSED', reason: 'maintenance' });

    // A long poll started while paused returns the task as soon as the federation resumes.
    const polled = gqlOk<{ nextTask: TaskAnswer }>(world.url, site.token, NEXT_TASK, { federationId, wait: 2 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await gqlOk(world.url, ADMIN_TOKEN, 'mutation ($id: ID!) { resumeFederation(id: $id) { status } }', {
      id: federationId,
    });
    expect((await polled).nextTask).toMatchObject({
      kind: 'TRAIN',
      federationStatus: 'RUNNING',
      reason: null,
      training: { roundIndex: 1 },
    });

    // Cancelling ends the bystander's wait at once with FINISHED and the administrator's reason.
    const duringCancel = await waitingPoll(bystander, federationId);
    const cancelledAt = Date.now();
    const cancelled = await gqlOk<{ cancelFederation: { status: string; statusReason: string } }>(
      world.url,
      ADMIN_TOKEN,
      'mutation ($id: ID!) { cancelFederation(id: $id, reason: "wrong cohort") { status statusReason } }',
      { id: federationId },
    );
    expect(cancelled.cancelFederation).toEqual({ status: 'CANCELLED', statusReason: 'wrong cohort' });
    const stopped = await duringCancel.answer;
    expect(stopped.task).toMatchObject({
      kind: 'FINISHED',
      federationStatus: 'CANCELLED',
      reason: 'wrong cohort',
      training: null,
    });
    expect(stopped.at - cancelledAt).toBeLessThan(WOKEN_WITHIN_MS);

    const view = await status(federationId);
    expect(view.federation.currentRound?.status).toBe('CANCELLED');
    expect(view.federation.currentRound?.participants.map((p) => [p.siteId, p.status])).toEqual([[site.id, 'DROPPED']]);
    const finished = await gqlOk<{ nextTask: TaskAnswer }>(world.url, site.token, NEXT_TASK, { federationId });
    expect(finished.nextTask).toMatchObject({ kind: 'FINISHED', federationStatus: 'CANCELLED' });
  });

  it('refuses bad federation configs with messages naming the field, and sends FedProx μ to sites', async () => {
    const [site, revoked] = await registerSites(world.url, ['prox-site', 'revoked-site']);
    await gqlOk(world.url, ADMIN_TOKEN, 'mutation ($id: ID!) { revokeSite(id: $id) { status } }', {
      id: revoked.id,
    });
    const create = (input: Record<string, unknown>) =>
      gql(world.url, ADMIN_TOKEN, CREATE_FEDERATION, {
        input: {
          siteIds: [site.id],
          name: 'bad',
          modelConfigName: MODEL_NAME,
          rounds: 1,
          sitesPerRound: 2,
          deadlineSeconds: 5,
          localSteps: 1,
          learningRate: 0.1,
          ...input,
        },
      });
    const message = async (input: Record<string, unknown>) => {
      const result = await create(input);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      return result.errors?.[0].message;
    };
    expect(await message({ quorum: 3 })).toBe('quorum (3) must not exceed sitesPerRound (2)');
    expect(await message({ modelConfigName: 'missing' })).toMatch(
      /missing\/manifest.json does not exist: build it with "fedstroke artifacts --config missing"/,
    );
    expect(await message({ rounds: 0 })).toMatch(/rounds must not be less than 1/);
    expect(await message({ maxConsecutiveFailedRounds: 0 })).toMatch(
      /maxConsecutiveFailedRounds must not be less than 1/,
    );
    expect(await message({ strategy: 'FEDADAM', strategyParams: { beta1: 1.5 } })).toMatch(
      /beta1 must not be greater than/,
    );
    // A μ the strategy would ignore in silence (FedProx is the CLI's default, so `--mu` with FEDAVG is an easy slip).
    expect(await message({ strategy: 'FEDAVG', sitesPerRound: 1, strategyParams: { proximalMu: 0.05 } })).toBe(
      'strategyParams.proximalMu is used only by FEDPROX, not by FEDAVG: drop it or choose FEDPROX',
    );
    expect(await message({ name: 'has space' })).toMatch(/name may only hold letters, digits/);
    // Members: an empty list is refused (no "everyone" default), as are unknown, revoked and repeated sites.
    expect(await message({ siteIds: [] })).toMatch(/^siteIds is empty: name the member sites/);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await message({ siteIds: [unknown] })).toBe(`siteIds: site ${unknown} is not registered`);
    expect(await message({ siteIds: [revoked.id] })).toMatch(/site revoked-site .* is REVOKED; only an ACTIVE site/);
    expect(await message({ siteIds: [site.id, site.id] })).toMatch(/names .* more than once/);
    expect(await message({ siteIds: [site.id], minUpdatesAtDeadline: 2 })).toMatch(
      /names 1 site\(s\) but minUpdatesAtDeadline is 2: no round could aggregate/,
    );

    const federationId = await createFederation(world.url, {
      siteIds: [site.id],
      name: 'prox',
      strategy: 'FEDPROX',
      strategyParams: { proximalMu: 0.05 },
      rounds: 1,
      sitesPerRound: 1,
      deadlineSeconds: 60,
    });
    await gqlOk(world.url, ADMIN_TOKEN, START, { id: federationId });
    const task = await gqlOk<{ nextTask: { training: { proximalMu: number } } }>(world.url, site.token, NEXT_TASK, {
      federationId,
    });
    expect(task.nextTask.training.proximalMu).toBe(0.05);
  });
});
