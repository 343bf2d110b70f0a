import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InferenceModel } from './inference-model';
import { loadArtifacts, type LoadedArtifacts } from './manifest';
import {
  MODEL_EXPORT_FORMAT,
  type ModelProvenance,
  parameterSha256,
  readModelExport,
  writeModelExport,
} from './model-export';
import { readSafetensors } from './safetensors';
import { torchLoadStrict } from './testing/torch-oracle';

const TINY = resolve(__dirname, '../../../onnx-models/tiny');
const provenance: ModelProvenance = {
  kind: 'federated',
  untrained: false,
  federationId: 'f-1',
  federationName: 'isles',
  modelVersionId: 'v-3',
  roundIndex: 3,
  rounds: 3,
  strategy: 'fedavg',
  trainingData: 'synthetic',
  startedFrom: 'the "tiny" artifacts checkpoint',
};

describe('model export (model.safetensors + manifest.json)', () => {
  let dir: string;
  let artifacts: LoadedArtifacts;
  let weights: Float32Array;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-export-'));
    artifacts = await loadArtifacts(TINY);
    // "Trained" weights: the initial ones moved, so a mix-up with the checkpoint would show.
    weights = artifacts.initialParameters.map((w, i) => w + 0.01 * Math.sin(i));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a file PyTorch loads with strict=True and that computes what fedstroke computes', async () => {
    const out = join(dir, 'model');
    const written = await writeModelExport(out, artifacts.manifest, weights, provenance);
    expect(written).toMatchObject({
      format: MODEL_EXPORT_FORMAT,
      parameterCount: artifacts.manifest.parameterCount,
      weights: { file: 'model.safetensors', parameterSha256: parameterSha256(weights) },
      pytorch: 'UNet3D(in_channels=3, base=4, levels=3, cap=32)',
      provenance,
    });
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))).toEqual(written);
    const file = await readSafetensors(join(out, 'model.safetensors'));
    expect(file.tensors.map((t) => t.name)).toEqual(artifacts.manifest.parameters.map((p) => p.name));

    const shape = [1, 3, 16, 16, 16];
    const image = { data: Float32Array.from({ length: 3 * 16 ** 3 }, (_, i) => Math.cos(i * 0.37)), shape };
    const torch = torchLoadStrict(join(out, 'manifest.json'), join(out, 'model.safetensors'), image);
    expect(new Set(torch.names)).toEqual(new Set(artifacts.manifest.parameters.map((p) => p.name)));
    const ours = await InferenceModel.create(TINY, { weights, intraOpNumThreads: 1 });
    try {
      const prob = await ours.infer(image);
      let worst = 0;
      for (let i = 0; i < prob.length; i++) worst = Math.max(worst, Math.abs(prob[i] - torch.prob[i]));
      expect(worst).toBeLessThan(1e-4);
    } finally {
      await ours.release();
    }
  });

  it('reads back by folder, manifest or weights file, and refuses another layout or a changed file', async () => {
    const out = join(dir, 'again');
    await writeModelExport(out, artifacts.manifest, weights, provenance);
    for (const path of [out, join(out, 'manifest.json'), join(out, 'model.safetensors')]) {
      const read = await readModelExport(path, artifacts.manifest);
      expect(read?.exported.provenance).toEqual(provenance);
      expect(parameterSha256(read!.weights)).toBe(parameterSha256(weights));
    }
    expect(await readModelExport(join(TINY, 'checkpoint.safetensors'), artifacts.manifest)).toBeNull();

    const other = { ...artifacts.manifest, parameterLayoutSha256: 'f'.repeat(64) };
    await expect(readModelExport(out, other)).rejects.toThrow(
      /layout .* the artifacts of config "tiny" have layout f{64}/,
    );
    const manifestPath = join(out, 'manifest.json');
    const text = JSON.parse(await readFile(manifestPath, 'utf8'));
    text.weights.parameterSha256 = '0'.repeat(64);
    await writeFile(manifestPath, JSON.stringify(text));
    await expect(readModelExport(out, artifacts.manifest)).rejects.toThrow(
      /parameters hash to [0-9a-f]{64}, .* says 0{64}/,
    );
  });
});
