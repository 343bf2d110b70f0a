/**
 * A model as it leaves fedstroke: a folder with `model.safetensors` (one F32 tensor per parameter, named and shaped
 * like the PyTorch reference's state_dict, nothing else in it, so `UNet3D(...).load_state_dict(..., strict=True)`
 * takes it as it is) and `manifest.json` (format, model config, parameter names/shapes/offsets, both sha256s, and how
 * the weights were trained). `fedstroke simulate` writes the final federated model this way into its run folder,
 * `fedstroke export` turns a coordinator model version into the same, and `fedstroke segment --model DIR` reads it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WeightsError } from './errors';
import { type Manifest, type ModelConfig, type ParameterSpec, sha256 } from './manifest';
import { encodeSafetensors } from './safetensors';
import { readWeightsFile, splitParameters } from './weights';

export const MODEL_EXPORT_FORMAT = 'fedstroke-model/1';
export const MODEL_EXPORT_WEIGHTS = 'model.safetensors';
export const MODEL_EXPORT_MANIFEST = 'manifest.json';

/** Where the data a model was trained on came from, as the federation (or the run) declared it. */
export type TrainingDataKind = 'synthetic' | 'real' | 'undeclared';

/** How a set of weights came about: what every segmentation result and every export names. */
export interface ModelProvenance {
  /**
   * federated: a federation's aggregate; initial: untrained starting weights (round 0, an artifacts checkpoint);
   * centralized / local-only: a simulation's baseline, trained in one process on pooled or one site's cases.
   */
  kind: 'federated' | 'initial' | 'centralized' | 'local-only' | 'unknown';
  untrained: boolean;
  federationId: string | null;
  federationName: string | null;
  modelVersionId: string | null;
  /** The round whose aggregate this is (0 = the initial model). */
  roundIndex: number | null;
  /** Rounds the federation was configured for. */
  rounds: number | null;
  strategy: string | null;
  trainingData: TrainingDataKind;
  /** What the federation started from (the artifacts' checkpoint, another model version, an uploaded checkpoint). */
  startedFrom: string | null;
  /**
   * The patch [D, H, W] the weights were trained on: the window segment and segmentStudy use unless told otherwise
   * (InstanceNorm normalises over the window). Null or absent (older models, mixed patches): not recorded, and
   * inference falls back to the shipped default window.
   */
  trainingPatch?: [number, number, number] | null;
}

export interface ModelExportManifest {
  format: typeof MODEL_EXPORT_FORMAT;
  config: ModelConfig;
  parameters: ParameterSpec[];
  parameterCount: number;
  parameterLayoutSha256: string;
  weights: {
    file: typeof MODEL_EXPORT_WEIGHTS;
    /** sha256 of model.safetensors as written. */
    fileSha256: string;
    /** sha256 of the contiguous little-endian float32 buffer: the coordinator's model version sha256. */
    parameterSha256: string;
  };
  /** How to build the matching PyTorch module (../shared/bench/torch_unet3d.py). */
  pytorch: string;
  provenance: ModelProvenance;
  exportedAt: string;
}

/** The provenance of weights nobody has said anything about (a bare file). */
export const UNKNOWN_PROVENANCE: ModelProvenance = {
  kind: 'unknown',
  untrained: false,
  federationId: null,
  federationName: null,
  modelVersionId: null,
  roundIndex: null,
  rounds: null,
  strategy: null,
  trainingData: 'undeclared',
  startedFrom: null,
};

/** The provenance of an artifacts folder's own checkpoint: seeded random initial weights, never trained. */
export function initialCheckpointProvenance(config: string): ModelProvenance {
  return {
    ...UNKNOWN_PROVENANCE,
    kind: 'initial',
    untrained: true,
    startedFrom: `the "${config}" artifacts checkpoint`,
  };
}

/**
 * A line of at most 79 characters naming the model, for the description field of written NIfTI files, e.g.
 * `fedstroke bench 5c2f1a9e… fed 3b1c0d2e r72/72 synthetic`.
 */
export function describeProvenance(config: string, sha256: string, provenance: ModelProvenance): string {
  const parts = ['fedstroke', config, `sha ${sha256.slice(0, 12)}`];
  if (provenance.untrained) parts.push('UNTRAINED');
  if (provenance.federationId) parts.push(`fed ${provenance.federationId.slice(0, 8)}`);
  if (provenance.roundIndex !== null)
    parts.push(`r${provenance.roundIndex}${provenance.rounds ? `/${provenance.rounds}` : ''}`);
  parts.push(provenance.trainingData);
  return parts.join(' ').slice(0, 79);
}

export function parameterSha256(weights: Float32Array): string {
  return sha256(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
}

/** Writes `dir/model.safetensors` and `dir/manifest.json` (each atomically); returns the manifest written. */
export async function writeModelExport(
  dir: string,
  manifest: Manifest,
  weights: Float32Array,
  provenance: ModelProvenance,
): Promise<ModelExportManifest> {
  if (weights.length !== manifest.parameterCount) {
    throw new WeightsError(
      `cannot export ${weights.length} values as model "${manifest.config.name}" (${manifest.parameterCount} parameters)`,
    );
  }
  await mkdir(dir, { recursive: true });
  const bytes = encodeSafetensors(splitParameters(weights, manifest), {
    format: MODEL_EXPORT_FORMAT,
    config: manifest.config.name,
    parameterLayoutSha256: manifest.parameterLayoutSha256,
  });
  const c = manifest.config;
  const written: ModelExportManifest = {
    format: MODEL_EXPORT_FORMAT,
    config: c,
    parameters: manifest.parameters,
    parameterCount: manifest.parameterCount,
    parameterLayoutSha256: manifest.parameterLayoutSha256,
    weights: { file: MODEL_EXPORT_WEIGHTS, fileSha256: sha256(bytes), parameterSha256: parameterSha256(weights) },
    pytorch: `UNet3D(in_channels=${c.inChannels}, base=${c.baseFilters}, levels=${c.levels}, cap=${c.featuresCap})`,
    provenance,
    exportedAt: new Date().toISOString(),
  };
  await atomicWrite(join(dir, MODEL_EXPORT_WEIGHTS), bytes);
  await atomicWrite(join(dir, MODEL_EXPORT_MANIFEST), `${JSON.stringify(written, null, 2)}\n`);
  return written;
}

/**
 * The export a path names (its folder, its manifest.json or its model.safetensors), or null when the path is no
 * export (a bare weights file). The weights are checked against `manifest` (layout, names, shapes, finiteness) and
 * against the export's own parameter sha256.
 */
export async function readModelExport(
  path: string,
  manifest: Manifest,
): Promise<{ weights: Float32Array; exported: ModelExportManifest; weightsPath: string } | null> {
  const dir =
    basename(path) === MODEL_EXPORT_WEIGHTS || basename(path) === MODEL_EXPORT_MANIFEST ? dirname(path) : path;
  const manifestPath = join(dir, MODEL_EXPORT_MANIFEST);
  let exported: ModelExportManifest;
  try {
    exported = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelExportManifest;
  } catch {
    return null;
  }
  if (exported?.format !== MODEL_EXPORT_FORMAT) return null;
  if (exported.parameterLayoutSha256 !== manifest.parameterLayoutSha256) {
    throw new WeightsError(
      `${manifestPath} is a model of config "${exported.config?.name}" (layout ${exported.parameterLayoutSha256}); ` +
        `the artifacts of config "${manifest.config.name}" have layout ${manifest.parameterLayoutSha256}`,
    );
  }
  const weightsPath = join(dir, MODEL_EXPORT_WEIGHTS);
  const weights = await readWeightsFile(weightsPath, manifest);
  const actual = parameterSha256(weights);
  if (actual !== exported.weights?.parameterSha256) {
    throw new WeightsError(
      `${weightsPath}: parameters hash to ${actual}, ${manifestPath} says ${exported.weights?.parameterSha256}`,
    );
  }
  return { weights, exported, weightsPath };
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
