import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultPreprocessing } from '@fedstroke/isles';
import { encodeSafetensors } from '@fedstroke/runtime';
import { spatialMultiple, stageFeatures, UNetConfig, validateConfig } from './config';
import { buildGraph, imageShape, labelShape } from './graphs';
import { initialParameters } from './init';
import { parameterLayout } from './parameters';

export const ARTIFACTS_FORMAT = 'fedstroke-artifacts/1';
export const DEFAULT_OPTIMIZER = {
  type: 'adamw',
  lr: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
} as const;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** sha256 of JSON [[name, shape], ...]: equal hashes mean interchangeable parameter buffers (federation checks it). */
export function parameterLayoutSha256(parameters: ReadonlyArray<{ name: string; shape: readonly number[] }>): string {
  return sha256(Buffer.from(JSON.stringify(parameters.map((p) => [p.name, p.shape])), 'utf8'));
}

export interface ArtifactBundle {
  files: Record<
    'training_model.onnx' | 'eval_model.onnx' | 'inference_model.onnx' | 'checkpoint.safetensors',
    Uint8Array
  >;
  manifest: Record<string, unknown>;
}

/** Builds every artifact in memory (deterministic: same config and seed, same bytes). */
export function buildArtifacts(config: UNetConfig, seed: number): ArtifactBundle {
  validateConfig(config);
  const layout = parameterLayout(config);
  const values = initialParameters(layout.parameters, seed);
  const checkpoint = encodeSafetensors(
    layout.parameters.map((p, i) => ({ name: p.name, shape: p.shape, data: values[i] })),
    { format: 'fedstroke-checkpoint/1', config: config.name, seed: String(seed) },
  );
  const files = {
    'training_model.onnx': buildGraph(config, 'training'),
    'eval_model.onnx': buildGraph(config, 'eval'),
    'inference_model.onnx': buildGraph(config, 'inference'),
    'checkpoint.safetensors': new Uint8Array(checkpoint.buffer, checkpoint.byteOffset, checkpoint.byteLength),
  };
  const manifest = {
    format: ARTIFACTS_FORMAT,
    config: {
      ...config,
      features: stageFeatures(config),
      normEpsilon: 1e-5,
      leakySlope: 0.01,
      diceSmooth: 1e-5,
      initSeed: seed,
    },
    spatialMultiple: spatialMultiple(config),
    parameters: layout.parameters.map((p, i) => ({
      name: p.name,
      shape: p.shape,
      offset: layout.offsets[i],
      size: values[i].length,
    })),
    parameterCount: layout.count,
    parameterLayoutSha256: parameterLayoutSha256(layout.parameters),
    inputs: { image: imageShape(config), label: labelShape() },
    files: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, sha256(bytes)])),
    optimizer: DEFAULT_OPTIMIZER,
    opset: 17,
    // What the model's inputs are and how they are prepared: training and inference both build it from here.
    ...(config.inChannels === 2 || config.inChannels === 3
      ? { preprocessing: defaultPreprocessing(config.inChannels) }
      : {}),
  };
  return { files, manifest };
}

/** Writes onnx-models/<name>/ (each file via a temporary name and a rename, the manifest last). */
export async function writeArtifacts(
  outRoot: string,
  config: UNetConfig,
  seed: number,
): Promise<{ dir: string; manifest: Record<string, unknown> }> {
  const { files, manifest } = buildArtifacts(config, seed);
  const dir = join(outRoot, config.name);
  await mkdir(dir, { recursive: true });
  const entries: Array<[string, Uint8Array]> = [
    ...Object.entries(files),
    ['manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')],
  ];
  for (const [name, bytes] of entries) {
    const path = join(dir, name);
    await writeFile(`${path}.tmp`, bytes);
    await rename(`${path}.tmp`, path);
  }
  return { dir, manifest };
}
