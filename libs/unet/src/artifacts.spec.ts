import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { LOWERING_PROVIDERS, LOWERINGS } from '@fedstroke/autograd';
import { loadArtifacts } from '@fedstroke/runtime';
import { readGraph } from '@fedstroke/runtime/testing';
import { buildArtifacts, writeArtifacts } from './artifacts';
import { namedConfig } from './config';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('fedstroke artifacts', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fedstroke-artifacts-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('regenerates byte-identical files', async () => {
    const first = await writeArtifacts(join(root, 'a'), namedConfig('tiny'), 0);
    const second = await writeArtifacts(join(root, 'b'), namedConfig('tiny'), 0);
    const names = (await readdir(first.dir)).sort();
    expect(names).toEqual([
      'checkpoint.safetensors',
      'eval_model.onnx',
      'inference_model.onnx',
      'manifest.json',
      'training_model.onnx',
    ]);
    for (const name of names) {
      expect(sha256(await readFile(join(second.dir, name)))).toBe(sha256(await readFile(join(first.dir, name))));
    }
    const otherSeed = buildArtifacts(namedConfig('tiny'), 1);
    expect(sha256(otherSeed.files['checkpoint.safetensors'])).not.toBe(
      (first.manifest.files as Record<string, string>)['checkpoint.safetensors'],
    );
    expect(sha256(otherSeed.files['training_model.onnx'])).toBe(
      (first.manifest.files as Record<string, string>)['training_model.onnx'],
    );
  });

  it('writes a folder the runtime loads and validates (manifest, sha256, contiguous checkpoint)', async () => {
    const { dir } = await writeArtifacts(root, namedConfig('tiny'), 0);
    const loaded = await loadArtifacts(dir);
    expect(loaded.manifest.spatialMultiple).toBe(4);
    expect(loaded.manifest.parameters[0]).toEqual({
      name: 'encoder.0.0.0.weight',
      shape: [4, 3, 3, 3, 3],
      offset: 0,
      size: 324,
    });
    expect(loaded.initialParameters.length).toBe(loaded.manifest.parameterCount);
    // He init: conv weights spread as sqrt(2 / fanIn); InstanceNorm weight 1, biases 0.
    const first = loaded.initialParameters.subarray(0, 324);
    const std = Math.sqrt(first.reduce((s, v) => s + v * v, 0) / first.length);
    expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 81));
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 81));
    const norm = loaded.manifest.parameters.find((p) => p.name === 'encoder.0.0.1.weight')!;
    expect([...loaded.initialParameters.subarray(norm.offset, norm.offset + norm.size)]).toEqual([1, 1, 1, 1]);
  });

  it('has graph inputs and outputs in manifest order, with dynamic batch and spatial sizes', async () => {
    const { files, manifest } = buildArtifacts(namedConfig('tiny'), 0);
    const names = (manifest.parameters as Array<{ name: string }>).map((p) => p.name);
    const training = await ort.InferenceSession.create(files['training_model.onnx']);
    expect(training.inputNames).toEqual([...names, 'image', 'label']);
    expect(training.outputNames).toEqual(['loss', ...names.map((n) => `grad.${n}`)]);
    const inference = await ort.InferenceSession.create(files['inference_model.onnx']);
    expect(inference.inputNames).toEqual([...names, 'image']);
    const feeds: Record<string, ort.Tensor> = {};
    for (const p of manifest.parameters as Array<{ name: string; shape: number[]; size: number }>) {
      feeds[p.name] = new ort.Tensor('float32', new Float32Array(p.size).fill(0.01), p.shape);
    }
    for (const shape of [
      [1, 3, 4, 8, 12],
      [3, 3, 8, 4, 4],
    ]) {
      feeds.image = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape);
      const { prob } = await inference.run(feeds);
      expect(prob.dims).toEqual([shape[0], 1, ...shape.slice(2)]);
    }
    await training.release();
    await inference.release();
  });

  it('lowers per provider deterministically: byte-identical per provider, different graphs across providers', () => {
    const webgpu = buildArtifacts(namedConfig('tiny'), 0, 'webgpu');
    const again = buildArtifacts(namedConfig('tiny'), 0, 'webgpu');
    const cpu = buildArtifacts(namedConfig('tiny'), 0, 'cpu');
    expect(webgpu.manifest.files).toEqual(again.manifest.files);
    expect(webgpu.manifest.lowering).toEqual(LOWERINGS.webgpu);
    expect(cpu.manifest.lowering).toEqual(LOWERINGS.cpu);
    expect(sha256(webgpu.files['training_model.onnx'])).not.toBe(sha256(cpu.files['training_model.onnx']));
    expect(sha256(webgpu.files['checkpoint.safetensors'])).toBe(sha256(cpu.files['checkpoint.safetensors']));
    expect(() => buildArtifacts(namedConfig('tiny'), 0, 'cuda')).toThrow(
      'no graph lowering for provider "cuda"; valid providers: cpu, webgpu',
    );
  });

  it('matches the committed onnx-models/{tiny,bench}[/webgpu] (regenerate them after changing the generator)', async () => {
    for (const name of ['tiny', 'bench']) {
      for (const provider of LOWERING_PROVIDERS) {
        const folder = provider === 'cpu' ? name : `${name}/${provider}`;
        const committed = JSON.parse(
          await readFile(resolve(__dirname, `../../../onnx-models/${folder}/manifest.json`), 'utf8'),
        );
        const built = buildArtifacts(namedConfig(name), 0, provider).manifest;
        expect(built.files).toEqual(committed.files);
        expect(built.preprocessing).toEqual(committed.preprocessing);
      }
    }
  });

  // ORT's CPU Sign is a scalar loop (83 ms of the bench step) and Where over a bool mask cost 5× a Mul: the profile
  // that chose leaky-relu.ts's Clip(Ceil(y), α, 1) slope. This keeps a later edit from bringing either back.
  it.each(['tiny', 'bench'])('the committed %s training graphs hold no Sign or Where node', async (config) => {
    for (const dir of [config, `${config}/webgpu`]) {
      const graph = readGraph(await readFile(resolve(__dirname, '../../../onnx-models', dir, 'training_model.onnx')));
      const ops = new Set(graph.nodes.map((n) => n.opType));
      expect({ dir, sign: ops.has('Sign'), where: ops.has('Where'), leakyRelu: ops.has('LeakyRelu') }).toEqual({
        dir,
        sign: false,
        where: false,
        leakyRelu: true,
      });
    }
  });
});
