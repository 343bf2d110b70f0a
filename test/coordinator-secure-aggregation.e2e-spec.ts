/**
 * Secure aggregation through real rounds, over mutual TLS: a coordinator serving HTTPS with site certificates
 * required, and three sites speaking the agent's own protocol code (CoordinatorClient, secureInput, runSecureRound)
 * with synthetic deltas instead of training. What a data-protection officer asks: the coordinator only ever holds
 * masked inputs, yet the model it releases is plain FedAvg of the clipped deltas within the fixed-point bound; a
 * site dropping after its masked upload is still counted (the others reveal its self-mask; with five sites and
 * t = 3, two may drop so), a site dropping before it is left out (the others reveal its mask key), and strategies
 * that need single updates are refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { encodePayload, epsilonAfter, payloadLayout, SecureAggregationSite } from '@fedstroke/federation';
import { initPki, issueSite, pkiPaths } from '@fedstroke/pki';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import { SecureAggregationRepository } from '@fedstroke/coordinator/testing';
import { CoordinatorClient, SiteLogger, type TrainingTask } from '@fedstroke/site';
import {
  coordinatorDispatcher,
  payloadPlanOf,
  runSecureRound,
  secureInput,
  type SecureRoundContext,
} from '@fedstroke/site/testing';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  eventually,
  makeWorkspace,
  PARAMETER_COUNT,
  REGISTER_SITE,
  residualMeanStd,
  type Workspace,
} from './coordinator-kit';

const CLIP_NORM = 0.5;
/** site-d and site-e join only the five-site federation; the others use the first three. */
const SITE_NAMES = ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];
/** Per-site sample counts (the FedAvg weights) and delta sizes; site-c's delta is clipped. */
const SAMPLES = [3, 5, 8, 2, 6];
const DELTA_SCALE = [0.004, 0.008, 0.05, 0.006, 0.01];

interface Site {
  name: string;
  id: string;
  client: CoordinatorClient;
}

describe('secure aggregation through rounds over mutual TLS', () => {
  let workspace: Workspace;
  let coordinator: CoordinatorApp;
  let admin: Agent;
  const dispatchers: { close(): Promise<void> }[] = [];
  const logs: string[] = [];
  /** Every registered site, in SITE_NAMES order; `sites` is the three of most federations here. */
  const allSites: Site[] = [];
  const sites: Site[] = [];
  let federationId: string;
  let pkiDir: string;
  let ca: string;

  async function adminCall<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${coordinator.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
      dispatcher: admin,
    } as RequestInit);
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data as T;
  }

  const federationInput = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    siteIds: sites.map((site) => site.id),
    modelConfigName: 'tiny',
    strategy: 'FEDAVG',
    rounds: 3,
    sitesPerRound: 3,
    quorum: 3,
    deadlineSeconds: 60,
    localSteps: 1,
    learningRate: 0.001,
    secureAggregation: { threshold: 2, clipNorm: CLIP_NORM, maxSampleWeight: 100, stepSeconds: 5 },
    ...extra,
  });

  const CREATE = 'mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }';

  beforeAll(async () => {
    workspace = makeWorkspace();
    pkiDir = join(workspace.root, 'pki');
    await initPki(pkiDir, { serverHosts: ['localhost', '127.0.0.1'] });
    coordinator = await bootCoordinator(workspace, logs, { tls: { pkiDir } });
    ca = readFileSync(pkiPaths(pkiDir).caCertificate, 'utf8');
    admin = new Agent({ connect: { ca } });
    for (const name of SITE_NAMES) {
      const registered = await adminCall<{ registerSite: { token: string; site: { id: string } } }>(REGISTER_SITE, {
        name,
      });
      const issued = await issueSite(pkiDir, name);
      const dispatcher = coordinatorDispatcher({
        certFile: issued.certificate,
        keyFile: issued.key,
        caFile: pkiPaths(pkiDir).caCertificate,
        cert: readFileSync(issued.certificate, 'utf8'),
        key: readFileSync(issued.key, 'utf8'),
        ca,
      });
      if (dispatcher) dispatchers.push(dispatcher as unknown as { close(): Promise<void> });
      allSites.push({
        name,
        id: registered.registerSite.site.id,
        client: new CoordinatorClient(coordinator.url, registered.registerSite.token, dispatcher),
      });
    }
    sites.push(...allSites.slice(0, 3));
    federationId = (await adminCall<{ createFederation: { id: string } }>(CREATE, { input: federationInput('secagg') }))
      .createFederation.id;
    await adminCall('mutation ($id: ID!) { startFederation(id: $id) { status } }', { id: federationId });
  });

  afterAll(async () => {
    await Promise.all(dispatchers.map((d) => d.close()));
    await admin?.close();
    await coordinator?.close();
    workspace?.cleanup();
  });

  const context = (site: Site): SecureRoundContext => ({
    client: site.client,
    siteId: site.id,
    log: new SiteLogger('error'),
    signal: AbortSignal.timeout(60_000),
    longPollSeconds: 2,
    retry: (_operation, call) => call(),
  });

  /** Each site's task and its "trained" weights: the global model plus a fixed pseudo-random delta. */
  async function takeRound(
    round: number,
    federation = federationId,
    group = sites,
  ): Promise<{ task: TrainingTask; global: Float32Array; weights: Float32Array }[]> {
    return Promise.all(
      group.map(async (site, s) => {
        const next = await site.client.nextTask(federation, 5);
        if (next.kind !== 'TRAIN' || !next.training) throw new Error(`${site.name}: no TRAIN task (${next.kind})`);
        const task = next.training;
        expect(task.roundIndex).toBe(round);
        expect(task.privacy.secureAggregation?.threshold).toBeGreaterThanOrEqual(2);
        const global = await site.client.downloadModel(task);
        const weights = global.map((w, j) => w + DELTA_SCALE[s] * Math.sin(j * (s + 2) + round));
        return { task, global, weights };
      }),
    );
  }

  type Taken = Awaited<ReturnType<typeof takeRound>>;

  /** Site s's (site-c's) part of a secure round up to its masked input, which the caller uploads or not (a dropout). */
  async function lastWords(
    taken: Taken,
    encode = (t: Taken[number]) => secureInput(t.task, t.global, t.weights, SAMPLES[s]).words,
    s = 2,
  ) {
    const { task } = taken[s];
    const me = allSites[s];
    const site = new SecureAggregationSite(me.id, {
      roundId: task.roundId,
      threshold: task.privacy.secureAggregation?.threshold ?? 0,
      degree: null,
      length: task.privacy.secureAggregation?.length ?? 0,
    });
    await me.client.advertiseKeys(task.roundId, site.advertise());
    const shareStep = await me.client.secureRound(task.roundId, 'SHARE', 10);
    await me.client.submitShares(task.roundId, site.shareKeys(shareStep.roster ?? []));
    const maskStep = await me.client.secureRound(task.roundId, 'MASK', 10);
    site.receiveShares(maskStep.incomingShares ?? []);
    return { task, site, masked: site.maskInput(encode(taken[s])) };
  }

  /** Site s uploads its masked input, then never answers the unmasking request. */
  const dropAfterUpload = (taken: Taken, s = 2) =>
    lastWords(taken, undefined, s).then(({ task, masked }) =>
      allSites[s].client.uploadMaskedInput(task, masked, { numSamples: SAMPLES[s], metrics: {} }),
    );

  /** site-a and site-b (or `which`) run the agent's whole secure round. */
  const honest = (round: Taken, which = [0, 1]) =>
    which.map((s) =>
      runSecureRound(
        round[s].task,
        secureInput(round[s].task, round[s].global, round[s].weights, SAMPLES[s]),
        { numSamples: SAMPLES[s], metrics: {} },
        context(allSites[s]),
      ),
    );

  /** Every site runs the agent's whole secure round. */
  const everySite = (round: Taken) =>
    Promise.all(
      round.map(({ task, global, weights }, s) =>
        runSecureRound(
          task,
          secureInput(task, global, weights, SAMPLES[s]),
          { numSamples: SAMPLES[s], metrics: {} },
          context(sites[s]),
        ),
      ),
    );

  /** Creates and starts a federation over the three sites; its id. */
  async function startPrivateFederation(input: Record<string, unknown>): Promise<string> {
    const id = (await adminCall<{ createFederation: { id: string } }>(CREATE, { input })).createFederation.id;
    await adminCall('mutation ($id: ID!) { startFederation(id: $id) { status } }', { id });
    return id;
  }

  /** Plain FedAvg of the clipped deltas of `included` sites, weighted by sample count. */
  function plainFedAvg(global: Float32Array, weights: Float32Array[], included: number[]): Float64Array {
    const out = Float64Array.from(global);
    const total = included.reduce((sum, s) => sum + SAMPLES[s], 0);
    for (const s of included) {
      let squares = 0;
      for (let j = 0; j < global.length; j++) squares += (weights[s][j] - global[j]) ** 2;
      const scale = Math.min(1, CLIP_NORM / Math.sqrt(squares));
      for (let j = 0; j < global.length; j++) out[j] += (SAMPLES[s] / total) * scale * (weights[s][j] - global[j]);
    }
    return out;
  }

  async function completedRound(index: number, federation = federationId) {
    const query = `query ($id: ID!) { rounds(federationId: $id) { items {
      index status failureReason aggregation { name value } privacy { secureAggregation survivors epsilon delta }
    } } }`;
    return eventually(
      async () => {
        const data = await adminCall<{
          rounds: {
            items: {
              index: number;
              status: string;
              failureReason: string | null;
              aggregation: { name: string; value: string }[];
              privacy: { secureAggregation: boolean; survivors: number | null; epsilon: number | null };
            }[];
          };
        }>(query, { id: federation });
        const round = data.rounds.items.find((r) => r.index === index);
        return round && (round.status === 'COMPLETED' || round.status === 'FAILED') ? round : undefined;
      },
      30_000,
      100,
    );
  }

  /** The model the round released, as the sites of the next round download it. */
  async function releasedModel(federation = federationId): Promise<Float32Array> {
    const next = await sites[0].client.nextTask(federation, 5);
    if (!next.training) throw new Error(`no next round: ${next.kind}`);
    return sites[0].client.downloadModel(next.training);
  }

  /** The federation's status and the weights of its latest model version, downloaded as an admin. */
  async function latestModel(federation: string): Promise<{ status: string; weights: Float32Array }> {
    const data = await adminCall<{ federation: { status: string; latestModelVersion: { id: string } } }>(
      'query ($id: ID!) { federation(id: $id) { status latestModelVersion { id } } }',
      { id: federation },
    );
    const model = await fetch(`${coordinator.url}/models/${data.federation.latestModelVersion.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      dispatcher: admin,
    } as RequestInit);
    const bytes = new Uint8Array(await model.arrayBuffer());
    expect(bytes.byteLength).toBe(PARAMETER_COUNT * 4);
    return { status: data.federation.status, weights: new Float32Array(bytes.buffer, 0, PARAMETER_COUNT) };
  }

  function expectClose(actual: Float32Array, expected: Float64Array, tolerance: number): void {
    let worst = 0;
    for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(actual[j] - expected[j]));
    expect(worst).toBeLessThanOrEqual(tolerance);
  }

  /** Per coordinate: the fixed-point bound over the summed weight, plus float32 rounding of |w| ≈ 2. */
  const tolerance = (aggregation: { name: string; value: string }[]) => {
    const bound = Number(aggregation.find((a) => a.name === 'quantisationBound')?.value);
    const denominator = Number(aggregation.find((a) => a.name === 'denominator')?.value);
    expect(bound).toBeGreaterThan(0);
    return bound / denominator + 4e-7;
  };

  it('refuses, at createFederation, what needs single updates', async () => {
    await expect(adminCall(CREATE, { input: federationInput('median', { strategy: 'MEDIAN' }) })).rejects.toThrow(
      /strategy MEDIAN needs every update's coordinates.*coordinator sees only the sum/,
    );
    await expect(
      adminCall(CREATE, { input: federationInput('norm', { strategyParams: { maxUpdateNorm: 1 } }) }),
    ).rejects.toThrow(/maxUpdateNorm checks each update's norm/);
  });

  it('all sites present: the unmasked model is plain FedAvg of the clipped deltas', async () => {
    const taken = await takeRound(1);
    const outcomes = await everySite(taken);
    expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    const round = await completedRound(1);
    expect(round).toMatchObject({ status: 'COMPLETED', privacy: { secureAggregation: true, survivors: 3 } });
    const expected = plainFedAvg(
      taken[0].global,
      taken.map((t) => t.weights),
      [0, 1, 2],
    );
    expectClose(await releasedModel(), expected, tolerance(round.aggregation));
    // The clipped site moved the model by no more than C·w/Σw.
    expect(logs.some((line) => line.includes('"event":"secagg.step"') && line.includes('UNMASKED'))).toBe(true);
  });

  it('a site that drops after its masked upload is still in the sum; one that drops before is left out', async () => {
    // Round 2: site-c masks and uploads, then never answers the unmasking request.
    let taken = await takeRound(2);
    const dropAfter = dropAfterUpload(taken);
    const [a, b, c] = await Promise.all([...honest(taken), dropAfter]);
    expect([a.kind, b.kind, c.kind]).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    let round = await completedRound(2);
    expect(round).toMatchObject({ status: 'COMPLETED', privacy: { survivors: 3 } });
    expectClose(
      await releasedModel(),
      plainFedAvg(
        taken[0].global,
        taken.map((t) => t.weights),
        [0, 1, 2],
      ),
      tolerance(round.aggregation),
    );

    // Round 3: site-c shares its keys, then goes before masking.
    taken = await takeRound(3);
    const dropBefore = lastWords(taken);
    const [, ...outcomes3] = await Promise.all([dropBefore, ...honest(taken)]);
    expect(outcomes3.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED']);
    round = await completedRound(3);
    expect(round).toMatchObject({ status: 'COMPLETED', privacy: { survivors: 2 } });
    const final = await latestModel(federationId);
    expect(final.status).toBe('COMPLETED');
    expectClose(
      final.weights,
      plainFedAvg(
        taken[0].global,
        taken.map((t) => t.weights),
        [0, 1],
      ),
      tolerance(round.aggregation),
    );
  }, 60_000);

  it('five sites, two dropping after their masked upload: three survivors (t = 3) recover the sum of all five', async () => {
    const five = allSites;
    const id = await startPrivateFederation({
      ...federationInput('five-sites', { rounds: 1, sitesPerRound: 5, quorum: 5 }),
      siteIds: five.map((site) => site.id),
      secureAggregation: { threshold: 3, clipNorm: CLIP_NORM, maxSampleWeight: 100, stepSeconds: 5 },
    });
    const taken = await takeRound(1, id, five);
    expect(taken.map((t) => t.task.privacy.secureAggregation?.threshold)).toEqual([3, 3, 3, 3, 3]);
    // site-d and site-e upload their masked inputs and go; site-a, -b and -c must reveal both their self-masks.
    const outcomes = await Promise.all([
      ...honest(taken, [0, 1, 2]),
      dropAfterUpload(taken, 3),
      dropAfterUpload(taken, 4),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    const round = await completedRound(1, id);
    expect(round).toMatchObject({ status: 'COMPLETED', privacy: { secureAggregation: true, survivors: 5 } });
    // Only the three survivors answered the unmasking step.
    const unmask = await coordinator.app.get(SecureAggregationRepository).messages(taken[0].task.roundId, 'UNMASK');
    expect(new Set(unmask.map((m) => m.siteId))).toEqual(new Set(five.slice(0, 3).map((site) => site.id)));
    const final = await latestModel(id);
    expect(final.status).toBe('COMPLETED');
    const released = final.weights;
    const weights = taken.map((t) => t.weights);
    expectClose(released, plainFedAvg(taken[0].global, weights, [0, 1, 2, 3, 4]), tolerance(round.aggregation));
    // The dropped sites' inputs are really in it: the survivors' FedAvg alone is far off.
    const survivorsOnly = plainFedAvg(taken[0].global, weights, [0, 1, 2]);
    let gap = 0;
    for (let j = 0; j < PARAMETER_COUNT; j++) gap = Math.max(gap, Math.abs(released[j] - survivorsOnly[j]));
    expect(gap).toBeGreaterThan(100 * tolerance(round.aggregation));
  }, 60_000);

  it('a site that skips its clip makes the unmasked sum impossible: the round fails and no model is released', async () => {
    const input = federationInput('unclipped', { rounds: 1 });
    const id = await startPrivateFederation(input);
    const taken = await takeRound(1, id);
    // Every coordinate at C·w: within the encoding's range, far past the norm clipping allows (C·w over all of them).
    const unclipped = ({ task }: Taken[number]) => {
      const plan = payloadPlanOf(task);
      const weightedDelta = new Float64Array(plan.parameterCount).fill(plan.clipNorm * SAMPLES[2]);
      return encodePayload(payloadLayout(plan), { weightedDelta, weight: SAMPLES[2] }).words;
    };
    const cheat = lastWords(taken, unclipped).then(({ task, masked }) =>
      sites[2].client.uploadMaskedInput(task, masked, { numSamples: SAMPLES[2], metrics: {} }),
    );
    const outcomes = await Promise.all([...honest(taken), cheat]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    const round = await completedRound(1, id);
    expect(round.status).toBe('FAILED');
    expect(round.failureReason).toMatch(/the unmasked sum is refused: the sum's L2 norm .* exceeds/);
    const federation = await adminCall<{ federation: { latestModelVersion: { roundIndex: number } } }>(
      'query ($id: ID!) { federation(id: $id) { latestModelVersion { roundIndex } } }',
      { id },
    );
    expect(federation.federation.latestModelVersion.roundIndex).toBe(0);
  }, 60_000);

  it('fewer than t masked inputs: the round fails with the reason and nothing is unmasked', async () => {
    const input = federationInput('threshold', {
      rounds: 1,
      secureAggregation: { threshold: 3, clipNorm: CLIP_NORM, maxSampleWeight: 100, stepSeconds: 5 },
    });
    const id = await startPrivateFederation(input);
    const taken = await takeRound(1, id);
    // site-c shares its keys and never masks: two inputs for a threshold of three.
    const [, ...outcomes] = await Promise.all([lastWords(taken), ...honest(taken)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED']);
    const round = await completedRound(1, id);
    expect(round.status).toBe('FAILED');
    expect(round.failureReason).toMatch(/2 masked input\(s\) arrived, fewer than the threshold 3; nothing is unmasked/);
    const stored = await coordinator.app.get(SecureAggregationRepository).get(taken[0].task.roundId);
    expect(stored).toMatchObject({ step: 'FAILED', survivors: null });
    expect(await coordinator.app.get(SecureAggregationRepository).messages(taken[0].task.roundId, 'UNMASK')).toEqual(
      [],
    );
  }, 60_000);

  it('client-level DP under secure aggregation: the sites split the noise, ε is reported, the budget ends the federation', async () => {
    const z = 1;
    const delta = 1e-5;
    const account = { noiseMultiplier: z, samplingRate: 1, delta };
    // Room for two rounds, not three.
    const targetEpsilon = (epsilonAfter(2, account) + epsilonAfter(3, account)) / 2;
    const input = federationInput('dp', {
      rounds: 5,
      secureAggregation: { threshold: 2, stepSeconds: 5 },
      differentialPrivacy: { delta, targetEpsilon, clientLevel: { noiseMultiplier: z, clipNorm: CLIP_NORM } },
    });
    const dpFederation = await startPrivateFederation(input);

    for (const index of [1, 2]) {
      const taken = await takeRound(index, dpFederation);
      expect(taken[0].task.privacy.secureAggregation?.noiseStd).toBeGreaterThan(0);
      const outcomes = await Promise.all(
        taken.map(({ task, global, weights }, s) =>
          runSecureRound(
            task,
            secureInput(task, global, weights, SAMPLES[s]),
            { numSamples: SAMPLES[s], metrics: {} },
            context(sites[s]),
          ),
        ),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
      const round = await completedRound(index, dpFederation);
      expect(round.status).toBe('COMPLETED');
      expect(round.privacy.epsilon).toBeCloseTo(epsilonAfter(index, account), 6);
      if (index === 1) {
        // Uniform weights over the fixed denominator n, plus the noise every survivor added its part of.
        const released = await releasedModel(dpFederation);
        const expected = Float64Array.from(taken[0].global);
        for (let s = 0; s < 3; s++) {
          const { global, weights } = taken[s];
          let squares = 0;
          for (let j = 0; j < global.length; j++) squares += (weights[j] - global[j]) ** 2;
          const scale = Math.min(1, CLIP_NORM / Math.sqrt(squares));
          for (let j = 0; j < global.length; j++) expected[j] += (scale * (weights[j] - global[j])) / 3;
        }
        const { mean, std } = residualMeanStd(released, expected);
        const value = (name: string) => Number(round.aggregation.find((a) => a.name === name)?.value);
        expect(value('denominator')).toBe(3);
        // At least z·C in the sum (any t survivors carry it all), spread over the fixed denominator.
        const noiseStd = value('noiseStd') / 3;
        expect(noiseStd).toBeGreaterThanOrEqual((z * CLIP_NORM) / 3);
        expect(std).toBeGreaterThan(noiseStd * 0.85);
        expect(std).toBeLessThan(noiseStd * 1.15);
        expect(Math.abs(mean)).toBeLessThan((4 * noiseStd) / Math.sqrt(expected.length));
      }
    }
    const federation = await eventually(async () => {
      const data = await adminCall<{
        federation: {
          status: string;
          statusReason: string | null;
          privacy: { epsilon: number; roundsAccounted: number };
        };
      }>('query ($id: ID!) { federation(id: $id) { status statusReason privacy { epsilon roundsAccounted } } }', {
        id: dpFederation,
      });
      return data.federation.status === 'COMPLETED' ? data.federation : undefined;
    });
    expect(federation.statusReason).toMatch(
      /privacy budget: one more round would take client-level ε to .* > targetEpsilon/,
    );
    expect(federation.privacy).toEqual({ epsilon: expect.closeTo(epsilonAfter(2, account), 6), roundsAccounted: 2 });
    expect(epsilonAfter(2, account)).toBeLessThanOrEqual(targetEpsilon);
  }, 60_000);

  it('a coordinator restarted in the middle of unmasking resumes from the database and unmasks the same sum', async () => {
    const input = federationInput('restart', { rounds: 1 });
    const restartFederation = await startPrivateFederation(input);
    const taken = await takeRound(1, restartFederation);
    // site-c uploads its masked input and goes: UNMASK then waits stepSeconds for its answer.
    const dropAfter = dropAfterUpload(taken);
    const outcomes = await Promise.all([...honest(taken), dropAfter]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    // Both survivors have answered; the round is still at UNMASK, waiting for site-c.
    const stored = await coordinator.app.get(SecureAggregationRepository).get(taken[0].task.roundId);
    expect(stored?.step).toBe('UNMASK');

    const { port } = coordinator;
    await coordinator.close();
    await admin.close();
    coordinator = await bootCoordinator(workspace, logs, { tls: { pkiDir }, port });
    admin = new Agent({ connect: { ca } });

    const round = await completedRound(1, restartFederation);
    expect(round).toMatchObject({ status: 'COMPLETED', privacy: { survivors: 3 } });
    expectClose(
      (await latestModel(restartFederation)).weights,
      plainFedAvg(
        taken[0].global,
        taken.map((t) => t.weights),
        [0, 1, 2],
      ),
      tolerance(round.aggregation),
    );
  }, 60_000);
});
