/**
 * The manifest of a training-artifacts folder (onnx-models/<config>/manifest.json, see ARTIFACTS.md) and
 * `loadArtifacts`, which checks the whole folder — manifest structure, every file's sha256, the checkpoint's
 * names, shapes, offsets and values — before any session is created, so a bad folder fails fast and clearly.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ArtifactsError } from './errors';
import { decodeSafetensors } from './safetensors';
import { gatherParameters } from './weights';

export const ARTIFACTS_FORMAT = 'fedstroke-artifacts/1';
export const ARTIFACT_FILES = [
  'training_model.onnx',
  'eval_model.onnx',
  'inference_model.onnx',
  'checkpoint.safetensors',
] as const;
export type ArtifactFile = (typeof ARTIFACT_FILES)[number];

export interface ModelConfig {
  name: string;
  inChannels: number;
  baseFilters: number;
  levels: number;
  featuresCap: number;
  kernelSize: number;
  outChannels: number;
  [extra: string]: unknown;
}

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** Offset and size in float32 elements into the contiguous parameter buffer. */
  offset: number;
  size: number;
}

export interface OptimizerSpec {
  type: 'adam' | 'adamw';
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export type SymbolicShape = Array<number | string>;

export interface Manifest {
  format: typeof ARTIFACTS_FORMAT;
  config: ModelConfig;
  spatialMultiple: number;
  parameters: ParameterSpec[];
  parameterCount: number;
  parameterLayoutSha256: string;
  inputs: { image: SymbolicShape; label: SymbolicShape };
  files: Record<ArtifactFile, string>;
  optimizer: OptimizerSpec;
  opset: number;
  /**
   * The channels and preprocessing steps the model is trained with (absent in manifests written before it was
   * recorded); read and checked by @fedstroke/isles `preprocessingOf`.
   */
  preprocessing?: unknown;
  /** How the graphs were lowered (libs/autograd's Lowering); absent in folders written before lowerings: cpu. */
  lowering?: { provider: string; [choice: string]: unknown };
}

export interface LoadedArtifacts {
  dir: string;
  manifest: Manifest;
  paths: Record<ArtifactFile, string>;
  /** The checkpoint's parameters as one contiguous buffer in manifest order (a private copy). */
  initialParameters: Float32Array;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Identifies a parameter layout (names and shapes, in order): equal hashes mean interchangeable weight buffers. */
export function parameterLayoutSha256(parameters: ReadonlyArray<Pick<ParameterSpec, 'name' | 'shape'>>): string {
  return sha256(Buffer.from(JSON.stringify(parameters.map((p) => [p.name, p.shape])), 'utf8'));
}

/** Reads and fully validates an artifacts folder. Throws ArtifactsError / WeightsError naming the file and problem. */
export async function loadArtifacts(dir: string): Promise<LoadedArtifacts> {
  const manifestPath = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new ArtifactsError(
      `no training artifacts in ${dir} (${manifestPath} is missing): generate them with \`fedstroke artifacts --config ${basename(dir)}\``,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ArtifactsError(`${manifestPath} is not valid JSON (${(error as Error).message})`);
  }
  const manifest = validateManifest(parsed, manifestPath);
  const paths = Object.fromEntries(ARTIFACT_FILES.map((file) => [file, join(dir, file)])) as Record<
    ArtifactFile,
    string
  >;
  const contents = new Map<ArtifactFile, Buffer>();
  for (const file of ARTIFACT_FILES) {
    let bytes: Buffer;
    try {
      bytes = await readFile(paths[file]);
    } catch (error) {
      throw new ArtifactsError(`artifacts do not match the manifest: ${paths[file]} is missing`, { cause: error });
    }
    const actual = sha256(bytes);
    if (actual !== manifest.files[file]) {
      throw new ArtifactsError(
        `artifacts do not match the manifest: ${paths[file]} has sha256 ${actual}, ${manifestPath} expects ${manifest.files[file]} ` +
          `(regenerate with \`fedstroke artifacts --config ${manifest.config.name}\`)`,
      );
    }
    if (file === 'checkpoint.safetensors') contents.set(file, bytes);
  }
  const checkpointPath = paths['checkpoint.safetensors'];
  const checkpoint = decodeSafetensors(contents.get('checkpoint.safetensors') as Buffer, checkpointPath);
  checkContiguousLayout(checkpoint.tensors, manifest, checkpointPath);
  const initialParameters = gatherParameters(checkpoint.tensors, manifest, checkpointPath);
  return { dir, manifest, paths, initialParameters };
}

/** The artifacts checkpoint must BE the contiguous buffer: tensors in manifest order at the manifest's offsets. */
function checkContiguousLayout(
  tensors: ReadonlyArray<{ name: string; data: Float32Array }>,
  manifest: Manifest,
  source: string,
): void {
  const base = tensors.length > 0 ? tensors[0].data.byteOffset : 0;
  manifest.parameters.forEach((spec, i) => {
    const tensor = tensors[i];
    if (!tensor || tensor.name !== spec.name) {
      throw new ArtifactsError(
        `artifacts do not match the manifest: ${source} holds "${tensor?.name ?? '(nothing)'}" at position ${i}, the manifest expects "${spec.name}"`,
      );
    }
    if ((tensor.data.byteOffset - base) / 4 !== spec.offset) {
      throw new ArtifactsError(
        `artifacts do not match the manifest: ${source} stores "${spec.name}" at element ${(tensor.data.byteOffset - base) / 4}, the manifest says ${spec.offset}`,
      );
    }
  });
}

function fail(source: string, problem: string): never {
  throw new ArtifactsError(`${source}: invalid manifest: ${problem}`);
}

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

function validateManifest(value: unknown, source: string): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null) fail(source, 'not a JSON object');
  if (m.format !== ARTIFACTS_FORMAT)
    fail(source, `format is ${JSON.stringify(m.format)}, expected "${ARTIFACTS_FORMAT}"`);
  const config = m.config;
  if (typeof config !== 'object' || config === null || typeof config.name !== 'string')
    fail(source, 'config.name is missing');
  if (!isPositiveInteger(config.inChannels)) fail(source, 'config.inChannels must be a positive integer');
  const multiple = m.spatialMultiple;
  if (!isPositiveInteger(multiple) || (multiple & (multiple - 1)) !== 0) {
    fail(source, `spatialMultiple must be a power of two, got ${JSON.stringify(multiple)}`);
  }
  if (!Array.isArray(m.parameters) || m.parameters.length === 0) fail(source, 'parameters must be a non-empty array');
  let offset = 0;
  const names = new Set<string>();
  for (const p of m.parameters) {
    if (typeof p?.name !== 'string' || names.has(p.name))
      fail(source, `parameter name ${JSON.stringify(p?.name)} is missing or repeated`);
    names.add(p.name);
    if (!Array.isArray(p.shape) || !p.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(source, `parameter "${p.name}" has an invalid shape ${JSON.stringify(p.shape)}`);
    }
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (p.size !== size)
      fail(source, `parameter "${p.name}" has size ${p.size} but shape [${p.shape.join(',')}] holds ${size}`);
    if (p.offset !== offset)
      fail(source, `parameter "${p.name}" has offset ${p.offset}, expected ${offset} (contiguous, manifest order)`);
    offset += size;
  }
  if (m.parameterCount !== offset)
    fail(source, `parameterCount is ${m.parameterCount}, the parameters add up to ${offset}`);
  const layout = parameterLayoutSha256(m.parameters);
  if (m.parameterLayoutSha256 !== layout) {
    fail(
      source,
      `parameterLayoutSha256 is ${m.parameterLayoutSha256}, the parameter names and shapes hash to ${layout}`,
    );
  }
  const image = m.inputs?.image;
  if (!Array.isArray(image) || image.length !== 5 || image[1] !== config.inChannels) {
    fail(source, `inputs.image must be [N, ${config.inChannels}, D, H, W], got ${JSON.stringify(image)}`);
  }
  for (const file of ARTIFACT_FILES) {
    if (typeof m.files?.[file] !== 'string') fail(source, `files["${file}"] (sha256) is missing`);
  }
  if (m.lowering !== undefined && (typeof m.lowering !== 'object' || typeof m.lowering?.provider !== 'string'))
    fail(source, `lowering must be an object naming its provider, got ${JSON.stringify(m.lowering)}`);
  const opt = m.optimizer;
  if (!opt || (opt.type !== 'adam' && opt.type !== 'adamw')) fail(source, `optimizer.type must be "adam" or "adamw"`);
  for (const field of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) {
    if (typeof opt[field] !== 'number' || !Number.isFinite(opt[field]))
      fail(source, `optimizer.${field} must be a finite number`);
  }
  return m as Manifest;
}
