/**
 * A federation that starts from weights trained elsewhere: a checkpoint uploaded as safetensors (a PyTorch UNet3D
 * state_dict, tensors in any order) or another federation's model version. Both are checked against the config's
 * manifest — names, shapes, finite values, layout — with errors that say what is wrong, and the round-0 model is
 * exactly those weights in manifest order, recorded as the federation's initial model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, gatherParameters, loadArtifacts } from '@fedstroke/runtime';
import { torchSaveStateDict } from '@fedstroke/runtime/testing';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  createFederation,
  downloadModel,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  PARAMETER_COUNT,
  registerSites,
  startCoordinatorWorld,
} from './coordinator-kit';
import { makeInferenceWorkspace, type InferenceWorkspace } from './inference-kit';

const INITIAL = `query ($id: ID!) {
  federation(id: $id) {
    config { model { name } initialModel { source id sha256 } trainingData }
    latestModelVersion { id roundIndex sha256 training { kind untrained startedFrom trainingData rounds } }
  }
}`;

interface InitialView {
  federation: {
    config: { initialModel: { source: string; id: string | null; sha256: string }; trainingData: string };
    latestModelVersion: {
      id: string;
      roundIndex: number;
      sha256: string;
      training: { kind: string; untrained: boolean; startedFrom: string; trainingData: string; rounds: number };
    };
  };
}

async function uploadCheckpoint(
  url: string,
  body: Uint8Array,
  config = 'tiny',
  token = ADMIN_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/checkpoints?config=${config}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const tensorW = (data: Float32Array, shape = [PARAMETER_COUNT], name = 'w') =>
  new Uint8Array(encodeSafetensors([{ name, shape, data }]));

describe('a federation that starts from given weights (fake 1000-parameter config)', () => {
  const world = startCoordinatorWorld();

  it('refuses checkpoints that do not fit the config, naming what is wrong', async () => {
    const url = world.url;
    const good = Float32Array.from({ length: PARAMETER_COUNT }, (_, i) => Math.cos(i));
    const nan = good.slice();
    nan[5] = NaN;
    const cases: Array<[Uint8Array, RegExp]> = [
      [tensorW(good, [PARAMETER_COUNT], 'weight'), /has no tensor "w"|wrong length|does not know: weight/],
      [tensorW(good, [10, 100]), /tensor "w" has shape \[10,100\], the model expects \[1000\]/],
      [tensorW(nan), /NaN in uploaded checkpoint for config "tiny" at parameter w index 5/],
      [tensorW(good.subarray(0, 10), [10]), /wrong length: .* holds 10 parameter values/],
      [new Uint8Array([1, 2, 3, 4]), /safetensors|header/i],
    ];
    for (const [body, message] of cases) {
      const refused = await uploadCheckpoint(url, body);
      expect(refused.status).toBe(422);
      expect(String(refused.body.message)).toMatch(message);
    }
    expect((await uploadCheckpoint(url, tensorW(good), 'nope')).body.message).toMatch(
      /nope\/manifest.json does not exist/,
    );
    expect((await uploadCheckpoint(url, tensorW(good), 'tiny', INFERENCE_TOKEN)).status).toBe(403);
  });

  it('starts from an uploaded checkpoint or a model version, and records where it started', async () => {
    const url = world.url;
    const weights = Float32Array.from({ length: PARAMETER_COUNT }, (_, i) => 0.5 * Math.cos(i));
    const uploaded = await uploadCheckpoint(url, tensorW(weights));
    expect(uploaded.status).toBe(201);
    const checkpointId = uploaded.body.id as string;
    const siteIds = (await registerSites(url, ['initial-model-site'])).map((site) => site.id);
    const first = await createFederation(url, {
      name: 'from-checkpoint',
      siteIds,
      rounds: 1,
      sitesPerRound: 1,
      deadlineSeconds: 60,
      trainingData: 'REAL',
      initialModel: { checkpointId },
    });
    const view = (await gqlOk<InitialView>(url, ADMIN_TOKEN, INITIAL, { id: first })).federation;
    expect(view.config.initialModel).toEqual({ source: 'CHECKPOINT', id: checkpointId, sha256: uploaded.body.sha256 });
    expect(view.latestModelVersion).toMatchObject({ roundIndex: 0, sha256: uploaded.body.sha256 });
    expect(view.latestModelVersion.training).toMatchObject({
      kind: 'initial',
      untrained: false,
      trainingData: 'real',
      startedFrom: expect.stringContaining(`uploaded checkpoint ${checkpointId}`),
    });
    const round0 = await downloadModel(url, ADMIN_TOKEN, `/models/${view.latestModelVersion.id}`);
    expect(Array.from(round0.weights)).toEqual(Array.from(weights));

    // Another federation continues from that one's model version.
    const second = await createFederation(url, {
      name: 'from-version',
      siteIds,
      rounds: 1,
      sitesPerRound: 1,
      deadlineSeconds: 60,
      initialModel: { modelVersionId: view.latestModelVersion.id },
    });
    const next = (await gqlOk<InitialView>(url, ADMIN_TOKEN, INITIAL, { id: second })).federation;
    expect(next.config.initialModel).toMatchObject({ source: 'MODEL_VERSION', id: view.latestModelVersion.id });
    expect(next.latestModelVersion.sha256).toBe(view.latestModelVersion.sha256);
    expect(next.config.trainingData).toBe('UNDECLARED');

    const refuse = async (initialModel: Record<string, string>, message: RegExp) => {
      const result = await gql(
        url,
        ADMIN_TOKEN,
        'mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }',
        {
          input: {
            name: `bad-${Object.keys(initialModel).join('-')}`,
            siteIds,
            modelConfigName: 'tiny',
            rounds: 1,
            sitesPerRound: 1,
            deadlineSeconds: 60,
            localSteps: 1,
            learningRate: 0.1,
            initialModel,
          },
        },
      );
      expect(result.errors?.[0]?.message).toMatch(message);
    };
    await refuse({ checkpointId, modelVersionId: view.latestModelVersion.id }, /not both/);
    await refuse({ checkpointId: '00000000-0000-4000-8000-000000000000' }, /checkpoint 0{8}-.* does not exist/);
    await refuse({ modelVersionId: '00000000-0000-4000-8000-000000000000' }, /modelVersionId 0{8}-.* does not exist/);
  });
});

describe('a federation that starts from PyTorch-trained weights (the real tiny U-Net)', () => {
  let workspace: InferenceWorkspace;
  let coordinator: CoordinatorApp;

  beforeAll(async () => {
    workspace = await makeInferenceWorkspace();
    coordinator = await bootCoordinator(workspace);
  });
  afterAll(async () => {
    await coordinator?.close();
    workspace?.cleanup();
  });

  it('takes a UNet3D state_dict saved from PyTorch as its round-0 model, tensors placed by name', async () => {
    const { manifest, initialParameters } = await loadArtifacts(join(workspace.artifactsDir, 'tiny'));
    const file = join(workspace.root, 'torch.safetensors');
    torchSaveStateDict(file, manifest.config, 7);
    const bytes = readFileSync(file);
    const expected = gatherParameters(decodeSafetensors(bytes, file).tensors, manifest, file);
    const uploaded = await uploadCheckpoint(coordinator.url, bytes);
    expect(uploaded.status).toBe(201);
    const [site] = await registerSites(coordinator.url, ['pytorch-site']);
    const id = await createFederation(coordinator.url, {
      name: 'from-pytorch',
      siteIds: [site.id],
      rounds: 1,
      sitesPerRound: 1,
      deadlineSeconds: 60,
      initialModel: { checkpointId: uploaded.body.id },
    });
    const view = (await gqlOk<InitialView>(coordinator.url, ADMIN_TOKEN, INITIAL, { id })).federation;
    const round0 = await downloadModel(coordinator.url, ADMIN_TOKEN, `/models/${view.latestModelVersion.id}`);
    expect(round0.weights).toHaveLength(manifest.parameterCount);
    expect(Buffer.from(round0.weights.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // Not the seeded random checkpoint of the artifacts, which a federation starts from by default.
    expect(Buffer.from(round0.weights.buffer).equals(Buffer.from(initialParameters.buffer))).toBe(false);
  });
});
