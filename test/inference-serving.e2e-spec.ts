/**
 * Inference serves only a model someone chose. Reproduces issue 11's defect 3 and checks the fix end to end: with no
 * serving model segmentStudy refuses (NO_SERVING_MODEL) — after createFederation alone, after a cancelled
 * federation, after one whose validation misses the bar — and round 0 is never served or promotable. A federation
 * that completes above the bar is promoted by the policy; an administrator's promotion (recorded: who, when, which
 * model, why) replaces it and stays until withdrawn; every result names the model and how it was trained; and a
 * federation that completed while the policy was off is decided at the next boot. The detection settings a federation
 * chose on its sites' validation splits (detectionSelection) travel with its model: segmentStudy applies them when the
 * caller gives no threshold or minimum lesion size of its own.
 */
import { DEFAULT_DETECTION_GRID, detectionReport, gridCandidates } from '@fedstroke/metrics';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  downloadModel,
  eventually,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  READONLY_TOKEN,
  startFederation,
  takeTask,
  uploadUpdate,
  waitForFederation,
} from './coordinator-kit';
import {
  createServedModelVersion,
  type InferenceWorkspace,
  type JobView,
  makeInferenceWorkspace,
  submitStudy,
  waitForJob,
  writeSmallStudy,
} from './inference-kit';

const SERVING = '{ servingModel { modelVersion { id roundIndex } promotion { actor actorName reason } } }';
const EVENTS = `{ servingEvents(limit: 20) { totalCount items {
  at action actor actorName tokenFingerprint modelVersionId modelSha256 federationId reason } } }`;
const PROMOTE = `mutation ($id: ID!, $reason: String!, $by: String) {
  promoteModelVersion(id: $id, reason: $reason, by: $by) { modelVersion { id } promotion { actor reason } } }`;
const WITHDRAW = `mutation ($reason: String!) { withdrawServingModel(reason: $reason) { action modelVersionId } }`;

interface ServingEventView {
  at: string;
  action: string;
  actor: string;
  actorName: string | null;
  tokenFingerprint: string | null;
  modelVersionId: string | null;
  modelSha256: string | null;
  federationId: string | null;
  reason: string;
}

let workspace: InferenceWorkspace;
let coordinator: CoordinatorApp;
let study: { dwi: string; adc: string };

const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code;

/** segmentStudy on the small study, of the model `modelVersionId` names (else the serving one), with `options`. */
const segment = (modelVersionId?: string, options: Record<string, unknown> = {}) =>
  submitStudy(coordinator.url, study, { ...(modelVersionId && { modelVersionId }), ...options });

async function servedBy(modelVersionId?: string, options: Record<string, unknown> = {}): Promise<JobView> {
  const submitted = await segment(modelVersionId, options);
  expect(submitted.errors).toBeUndefined();
  const job = await waitForJob(coordinator.url, submitted.data!.segmentStudy.id);
  expect(job.status).toBe('SUCCEEDED');
  return job;
}

const modelDownload = (token: string, versionId: string) =>
  fetch(`${coordinator.url}/models/${versionId}`, { headers: { authorization: `Bearer ${token}` } });

const serving = async () =>
  (await gqlOk<{ servingModel: { modelVersion: { id: string } } | null }>(coordinator.url, READONLY_TOKEN, SERVING))
    .servingModel;
const events = async () =>
  (await gqlOk<{ servingEvents: { items: ServingEventView[] } }>(coordinator.url, ADMIN_TOKEN, EVENTS)).servingEvents
    .items;

beforeAll(async () => {
  workspace = await makeInferenceWorkspace();
  coordinator = await bootCoordinator(workspace, [], { inference: { threads: 1 } });
  study = await writeSmallStudy(workspace.root);
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
});

describe('the serving model', () => {
  let policyVersion: { id: string; sha256: string; federationId: string };
  let cancelledRound1: string;

  it('is none on a fresh coordinator, and createFederation alone does not make its round 0 one', async () => {
    expect(await serving()).toBeNull();
    const none = await segment();
    expect(code(none)).toBe('NO_SERVING_MODEL');
    expect(none.errors?.[0].message).toMatch(/no model is being served: an administrator promotes .*valDice ≥ 0\.5/);

    const { federationId } = await startFederation(coordinator.url, ['site-created'], {
      name: 'created-only',
      rounds: 1,
      deadlineSeconds: 60,
    });
    const round0 = (
      await gqlOk<{ federation: { latestModelVersion: { id: string; roundIndex: number } } }>(
        coordinator.url,
        ADMIN_TOKEN,
        'query ($id: ID!) { federation(id: $id) { latestModelVersion { id roundIndex } } }',
        { id: federationId },
      )
    ).federation.latestModelVersion;
    expect(round0.roundIndex).toBe(0);
    expect(code(await segment())).toBe('NO_SERVING_MODEL');
    const asked = await segment(round0.id);
    expect(code(asked)).toBe('MODEL_NOT_SERVED');
    expect(asked.errors?.[0].message).toMatch(/round 0\) was never promoted/);
    const promoted = await gql(coordinator.url, ADMIN_TOKEN, PROMOTE, { id: round0.id, reason: 'try round 0' });
    expect(code(promoted)).toBe('NOT_PROMOTABLE');
    expect(promoted.errors?.[0].message).toMatch(/is round 0, the starting point .* never served/);
    await gql(coordinator.url, ADMIN_TOKEN, 'mutation ($id: ID!) { cancelFederation(id: $id) { status } }', {
      id: federationId,
    });
  });

  it('is not taken from a cancelled federation, nor from one whose validation misses the bar', async () => {
    const { sites, federationId } = await startFederation(coordinator.url, ['site-cancelled'], {
      name: 'cancelled-after-round-1',
      rounds: 3,
      deadlineSeconds: 60,
    });
    const task = await takeTask(coordinator.url, sites[0], federationId);
    const { weights } = await downloadModel(coordinator.url, sites[0].token, task.modelDownloadPath);
    const moved = weights.map((w, i) => w + 1e-3 * Math.sin(i));
    expect((await uploadUpdate(coordinator.url, sites[0], task, moved, { metrics: { valDice: 0.95 } })).status).toBe(
      202,
    );
    const round2 = await waitForFederation(coordinator.url, federationId, (f) => f.currentRound.index === 2);
    cancelledRound1 = round2.federation.latestModelVersion.id;
    await gqlOk(coordinator.url, ADMIN_TOKEN, 'mutation ($id: ID!) { cancelFederation(id: $id) { status } }', {
      id: federationId,
    });
    const low = await createServedModelVersion(coordinator.url, { valDice: 0.3, waitForServing: false });

    expect(await serving()).toBeNull();
    expect(code(await segment())).toBe('NO_SERVING_MODEL');
    const [decline] = await events();
    expect(decline).toMatchObject({
      action: 'DECLINE',
      actor: 'POLICY',
      federationId: low.federationId,
      reason: expect.stringMatching(/valDice is 0\.3, below the bar of 0\.5/),
    });
    expect((await events()).some((e) => e.action === 'PROMOTE')).toBe(false);
  });

  it("is a completed federation's final model above the bar, by policy, and every result names it", async () => {
    policyVersion = await createServedModelVersion(coordinator.url, { valDice: 0.8 });
    const [promotion] = await events();
    expect(promotion).toMatchObject({
      action: 'PROMOTE',
      actor: 'POLICY',
      modelVersionId: policyVersion.id,
      modelSha256: policyVersion.sha256,
      federationId: policyVersion.federationId,
      reason: expect.stringMatching(
        /^policy: federation .* completed, final model \(round 1\) has valDice 0\.8 ≥ 0\.5/,
      ),
    });
    const job = await servedBy();
    expect(job.modelVersionId).toBe(policyVersion.id);
    expect(job.result!.model).toMatchObject({
      version: policyVersion.id,
      sha256: policyVersion.sha256,
      training: { kind: 'federated', untrained: false, federationId: policyVersion.federationId, roundIndex: 1 },
    });
  });

  it("is an administrator's promotion, audited, which the policy then leaves alone until it is withdrawn", async () => {
    const refused = await gql(coordinator.url, INFERENCE_TOKEN, PROMOTE, { id: cancelledRound1, reason: 'x' });
    expect(code(refused)).toBe('FORBIDDEN');
    const before = Date.now();
    await gqlOk(coordinator.url, ADMIN_TOKEN, PROMOTE, {
      id: cancelledRound1,
      reason: 'round 1 validated best on our hold-out set',
      by: 'dr.lee',
    });
    const [promotion] = await events();
    expect(promotion).toMatchObject({
      action: 'PROMOTE',
      actor: 'ADMIN',
      actorName: 'dr.lee',
      tokenFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      modelVersionId: cancelledRound1,
      modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      reason: 'round 1 validated best on our hold-out set',
    });
    expect(Date.parse(promotion.at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await servedBy()).modelVersionId).toBe(cancelledRound1);
    expect((await modelDownload(INFERENCE_TOKEN, cancelledRound1)).status).toBe(200);

    // A later federation above the bar does not displace the administrator's choice.
    const later = await createServedModelVersion(coordinator.url, { valDice: 0.9, waitForServing: false });
    expect((await serving())?.modelVersion.id).toBe(cancelledRound1);
    // The policy weighs a completed federation after its completion is committed: wait for its verdict.
    const verdict = await eventually(async () => {
      const [latest] = await events();
      return latest?.federationId === later.federationId ? latest : undefined;
    }, 60_000);
    expect(verdict).toMatchObject({
      action: 'DECLINE',
      federationId: later.federationId,
      reason: expect.stringMatching(/an administrator's choice .* is serving/),
    });

    // Withdrawn: nothing is served, and the withdrawn model cannot be asked for by id; an earlier promoted one can.
    const withdrawn = await gqlOk<{ withdrawServingModel: { action: string; modelVersionId: string } }>(
      coordinator.url,
      ADMIN_TOKEN,
      WITHDRAW,
      { reason: 'recalled' },
    );
    expect(withdrawn.withdrawServingModel).toEqual({ action: 'WITHDRAW', modelVersionId: cancelledRound1 });
    expect(await serving()).toBeNull();
    expect(code(await segment())).toBe('NO_SERVING_MODEL');
    const recalled = await segment(cancelledRound1);
    expect(code(recalled)).toBe('MODEL_NOT_SERVED');
    expect(recalled.errors?.[0].message).toMatch(/was withdrawn from serving \(recalled\)/);
    // Nor can an inference token download it to run elsewhere; an administrator still can, for research and export.
    const download = await modelDownload(INFERENCE_TOKEN, cancelledRound1);
    expect(download.status).toBe(403);
    expect(await download.json()).toMatchObject({
      code: 'MODEL_NOT_SERVED',
      message: expect.stringMatching(/inference token downloads only the served model: .*withdrawn from serving/),
    });
    expect((await modelDownload(ADMIN_TOKEN, cancelledRound1)).status).toBe(200);
    expect((await modelDownload(INFERENCE_TOKEN, policyVersion.id)).status).toBe(200);
    expect((await servedBy(policyVersion.id)).result!.model.version).toBe(policyVersion.id);
    expect(code(await gql(coordinator.url, ADMIN_TOKEN, WITHDRAW, { reason: 'again' }))).toBe('NOTHING_TO_WITHDRAW');
  });
});

const outcome = (job: JobView) => ({
  lesionVolumeMl: job.result!.lesionVolumeMl,
  voxels: job.result!.lesions.map((l) => l.voxels),
});

describe('segmentStudy with a model whose federation chose its detection settings', () => {
  it('applies the recorded threshold and minimum lesion size unless the caller gives its own', async () => {
    // The one site's validation figures favour threshold 0.3 and lesions of 5 voxels or more.
    const chosen = { threshold: 0.3, minLesionVoxels: 5 };
    const report = detectionReport(
      gridCandidates(DEFAULT_DETECTION_GRID).map((candidate) => {
        const hit = candidate.threshold === chosen.threshold && candidate.minLesionVoxels === chosen.minLesionVoxels;
        return { candidate, figures: { dice: hit ? 0.8 : 0.5, lesionF1: hit ? 0.9 : 0.4, ald: hit ? 0.5 : 3 } };
      }),
      5,
    );
    // Nothing is serving (the describe above withdrew its promotion), so the policy promotes this federation's model.
    const version = await createServedModelVersion(coordinator.url, {
      strategyParams: { detectionSelection: true },
      metrics: report,
    });
    const recorded = await gqlOk<{ modelVersion: { metrics: Array<{ name: string; value: number }> } }>(
      coordinator.url,
      READONLY_TOKEN,
      'query ($id: ID!) { modelVersion(id: $id) { metrics { name value } } }',
      { id: version.id },
    );
    const metrics = Object.fromEntries(recorded.modelVersion.metrics.map((m) => [m.name, m.value]));
    expect(metrics).toMatchObject({ detectionThreshold: 0.3, detectionMinLesionVoxels: 5 });

    const byDefault = await servedBy();
    expect(byDefault.modelVersionId).toBe(version.id);
    expect(outcome(byDefault)).toEqual(outcome(await servedBy(undefined, chosen)));
    // The plain defaults give another mask from the same probabilities: the recorded settings were applied.
    const plain = await servedBy(undefined, { threshold: 0.5, minLesionVoxels: 0 });
    expect(outcome(plain)).not.toEqual(outcome(byDefault));
    expect(byDefault.result!.lesions.every((l) => l.voxels >= chosen.minLesionVoxels)).toBe(true);
  }, 120_000);
});

describe('a federation that completed while the policy was off', () => {
  it('is decided by the policy at the next boot with it on', async () => {
    const manual = await makeInferenceWorkspace();
    let app = await bootCoordinator(manual, [], { serving: { policy: 'manual' } });
    try {
      const version = await createServedModelVersion(app.url, { valDice: 0.7, waitForServing: false });
      const none = await gqlOk<{ servingModel: null }>(app.url, READONLY_TOKEN, SERVING);
      expect(none.servingModel).toBeNull();
      await app.close();
      app = await bootCoordinator(manual);
      const served = await gqlOk<{ servingModel: { modelVersion: { id: string }; promotion: { actor: string } } }>(
        app.url,
        READONLY_TOKEN,
        SERVING,
      );
      expect(served.servingModel).toMatchObject({ modelVersion: { id: version.id }, promotion: { actor: 'POLICY' } });
    } finally {
      await app.close();
      manual.cleanup();
    }
  });
});
