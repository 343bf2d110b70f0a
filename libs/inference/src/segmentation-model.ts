/**
 * The model a study is segmented with: an artifacts folder (its inference graph and manifest) plus a weights buffer
 * — the folder's own checkpoint, a training checkpoint (.safetensors), or a federation model version (the raw
 * little-endian float32 file the coordinator serves at GET /models/:id). The model's input channel count decides
 * the channels: 2 = DWI, ADC; 3 = DWI, ADC, FLAIR.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  assertFiniteParameters,
  InferenceModel,
  loadArtifacts,
  type Manifest,
  type ProviderOptions,
  readWeightsFile,
  sha256,
} from '@fedstroke/runtime';
import { SegmentationModelError } from './errors';

export interface ModelInfo {
  /** A federation model version id, a weights file name, or "<config>/checkpoint" for the artifacts' own weights. */
  version: string;
  /** sha256 of the contiguous float32 parameter buffer (little-endian): the same digest the coordinator stores. */
  sha256: string;
  /** The artifacts' config name, e.g. "bench". */
  config: string;
}

export interface SegmentationModelSource {
  artifactsDir: string;
  /**
   * A .safetensors checkpoint, any other path as raw float32 weights (a downloaded model version), a buffer in
   * manifest order, or nothing for the artifacts' checkpoint.
   */
  weights?: string | Float32Array;
  /** Overrides the version label (e.g. the model version id when `weights` is a buffer). */
  version?: string;
}

export interface SegmentationModel {
  readonly info: ModelInfo;
  readonly manifest: Manifest;
  /** The network behind the sliding window. */
  readonly network: InferenceModel;
  release(): Promise<void>;
}

/** Raw little-endian float32 weights, length-checked against the manifest. */
async function readRawWeights(path: string, manifest: Manifest): Promise<Float32Array> {
  const bytes = await readFile(path).catch((error: Error) => {
    throw new SegmentationModelError(`weights ${path}: cannot be read (${error.message})`, { cause: error });
  });
  if (bytes.byteLength !== manifest.parameterCount * 4) {
    throw new SegmentationModelError(
      `weights ${path}: ${bytes.byteLength} bytes, model "${manifest.config.name}" needs ${manifest.parameterCount} ` +
        `float32 = ${manifest.parameterCount * 4} bytes (a .safetensors checkpoint or the raw float32 of a model version)`,
    );
  }
  const weights = new Float32Array(bytes.slice().buffer);
  assertFiniteParameters(weights, manifest, path);
  return weights;
}

async function resolveWeights(
  source: SegmentationModelSource,
  manifest: Manifest,
  initial: Float32Array,
): Promise<{ weights: Float32Array; version: string }> {
  const { weights } = source;
  if (weights === undefined) return { weights: initial, version: `${manifest.config.name}/checkpoint` };
  if (typeof weights !== 'string') {
    if (weights.length !== manifest.parameterCount) {
      throw new SegmentationModelError(
        `weights buffer holds ${weights.length} values, model "${manifest.config.name}" has ${manifest.parameterCount} parameters`,
      );
    }
    assertFiniteParameters(weights, manifest, source.version ?? 'weights buffer');
    return { weights, version: source.version ?? 'weights buffer' };
  }
  const loaded = weights.endsWith('.safetensors')
    ? await readWeightsFile(weights, manifest)
    : await readRawWeights(weights, manifest);
  return { weights: loaded, version: basename(weights) };
}

/** Loads and checks the model (manifest, every artifact's sha256, the weights' layout and finiteness). */
export async function loadSegmentationModel(
  source: SegmentationModelSource,
  provider: ProviderOptions = {},
): Promise<SegmentationModel> {
  const artifacts = await loadArtifacts(source.artifactsDir);
  const { manifest } = artifacts;
  if (manifest.config.inChannels !== 2 && manifest.config.inChannels !== 3) {
    throw new SegmentationModelError(
      `${source.artifactsDir}: model "${manifest.config.name}" takes ${manifest.config.inChannels} input channels; ` +
        'segmentation needs 2 (DWI, ADC) or 3 (DWI, ADC, FLAIR)',
    );
  }
  const { weights, version } = await resolveWeights(source, manifest, artifacts.initialParameters);
  const network = await InferenceModel.create(source.artifactsDir, { ...provider, weights });
  const digest = sha256(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
  return {
    info: { version: source.version ?? version, sha256: digest, config: manifest.config.name },
    manifest,
    network,
    release: () => network.release(),
  };
}
