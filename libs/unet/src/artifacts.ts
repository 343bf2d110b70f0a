import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOWERING_PROVIDERS, loweringFor } from '@fedstroke/autograd';
import { defaultPreprocessing } from '@fedstroke/isles';
import { encodeSafetensors } from '@fedstroke/runtime';
import { namedConfig, spatialMultiple, stageFeatures, UNetConfig, validateConfig } from './config';
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

/**
 * Builds every artifact in memory (deterministic: same config, seed and provider, same bytes), its graphs lowered for
 * `provider` (@fedstroke/autograd's LOWERINGS; recorded in the manifest).
 */
export function buildArtifacts(config: UNetConfig, seed: number, provider = 'cpu'): ArtifactBundle {
  validateConfig(config);
  const lowering = loweringFor(provider);
  const layout = parameterLayout(config);
  const values = initialParameters(layout.parameters, seed);
  const checkpoint = encodeSafetensors(
    layout.parameters.map((p, i) => ({ name: p.name, shape: p.shape, data: values[i] })),
    { format: 'fedstroke-checkpoint/1', config: config.name, seed: String(seed) },
  );
  const files = {
    'training_model.onnx': buildGraph(config, 'training', lowering),
    'eval_model.onnx': buildGraph(config, 'eval', lowering),
    'inference_model.onnx': buildGraph(config, 'inference', lowering),
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
    lowering,
  };
  return { files, manifest };
}

/** Where the artifacts of `provider`'s lowering live: <root>/<name>/ for cpu, <root>/<name>/<provider>/ beside it. */
export function artifactsDirFor(outRoot: string, name: string, provider = 'cpu'): string {
  return provider === 'cpu' ? join(outRoot, name) : join(outRoot, name, loweringFor(provider).provider);
}

/** Writes onnx-models/<name>/[<provider>/] (each file via a temporary name and a rename, the manifest last). */
export async function writeArtifacts(
  outRoot: string,
  config: UNetConfig,
  seed: number,
  provider = 'cpu',
): Promise<{ dir: string; manifest: Record<string, unknown> }> {
  const { files, manifest } = buildArtifacts(config, seed, provider);
  const dir = artifactsDirFor(outRoot, config.name, provider);
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

/**
 * <root>/<name>/ holding the CPU lowering and, for a provider with a lowering of its own, <root>/<name>/<provider>/:
 * whichever is missing is generated (deterministic, seed 0) and `say` is told. The runtime picks the lowering of the
 * provider a session runs on; a provider without its own lowering (cuda) runs the CPU one.
 */
export async function ensureArtifacts(
  root: string,
  name: string,
  provider = 'cpu',
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const lowerings = (LOWERING_PROVIDERS as readonly string[]).includes(provider) ? ['cpu', provider] : ['cpu'];
  for (const lowering of new Set(lowerings)) {
    const dir = artifactsDirFor(root, name, lowering);
    const present = await access(join(dir, 'manifest.json')).then(
      () => true,
      () => false,
    );
    if (present) continue;
    say(`no ${lowering} artifacts at ${dir}: generating them for config "${name}"`);
    await writeArtifacts(root, namedConfig(name), 0, lowering);
  }
  return join(root, name);
}
