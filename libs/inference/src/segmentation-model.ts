/**
 * The model a study is segmented with: an artifacts folder (its inference graph and manifest) plus a weights buffer
 * — the folder's own checkpoint, a training checkpoint (.safetensors), or a federation model version (the raw
 * little-endian float32 file the coordinator serves at GET /models/:id). The manifest's recorded preprocessing
 * decides the channels (2 = DWI, ADC; 3 = DWI, ADC, FLAIR) and the steps a study goes through; a model whose
 * preprocessing this version cannot reproduce is refused, one that records none is served with a QC warning.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  describePreprocessing,
  preprocessingOf,
  PreprocessingSpecError,
  type PreprocessingSpec,
  type QcWarning,
} from '@fedstroke/isles';
import { bytesToFloat32 } from '@fedstroke/protocol';
import {
  assertFiniteParameters,
  InferenceModel,
  initialCheckpointProvenance,
  loadArtifacts,
  type Manifest,
  type ModelProvenance,
  parameterSha256,
  type ProviderOptions,
  readWeightsFile,
  sha256,
  UNKNOWN_PROVENANCE,
} from '@fedstroke/runtime';
import { SegmentationModelError } from './errors';

export interface ModelInfo {
  /** A federation model version id, a weights file name, or "<config>/checkpoint" for the artifacts' own weights. */
  version: string;
  /** sha256 of the contiguous float32 parameter buffer (little-endian): the same digest the coordinator stores. */
  sha256: string;
  /** The artifacts' config name, e.g. "bench". */
  config: string;
  /** How the weights were trained (federation, rounds, data), or that they never were. */
  training: ModelProvenance;
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
  /** How the weights were trained; default: untrained when they equal the artifacts' checkpoint, else unknown. */
  training?: ModelProvenance;
}

export interface SegmentationModel {
  readonly info: ModelInfo;
  readonly manifest: Manifest;
  /** What a study goes through before the network: the manifest's record (or the default, with a warning). */
  readonly preprocessing: PreprocessingSpec;
  /** Warnings every result of this model carries (e.g. MODEL_PREPROCESSING_UNRECORDED). */
  readonly qcWarnings: QcWarning[];
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
  // The file's bytes are this function's alone, so the weights are a view of them (a copy only where the buffer is
  // not 4-byte aligned); InferenceModel takes its own copy for the session.
  const weights = bytesToFloat32(bytes, `weights ${path}`);
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

/** The preprocessing a model was trained with, or a clear refusal when this version cannot reproduce it. */
function modelPreprocessing(
  manifest: Manifest,
  artifactsDir: string,
): { preprocessing: PreprocessingSpec; qcWarnings: QcWarning[] } {
  const source = `${artifactsDir}/manifest.json`;
  try {
    const { spec, recorded } = preprocessingOf(manifest, source);
    const qcWarnings = recorded
      ? []
      : [
          {
            code: 'MODEL_PREPROCESSING_UNRECORDED',
            message:
              `model "${manifest.config.name}": its manifest (${source}) does not record how it was trained to see ` +
              `its inputs; assumed this version's default (${describePreprocessing(spec)}). Regenerate its artifacts ` +
              'to record it',
          },
        ];
    return { preprocessing: spec, qcWarnings };
  } catch (error) {
    if (!(error instanceof PreprocessingSpecError)) throw error;
    throw new SegmentationModelError(
      `model "${manifest.config.name}" cannot be served: ${error.message}. Segmenting with other preprocessing ` +
        'than it was trained with would give wrong masks',
      { cause: error },
    );
  }
}

/** Loads and checks the model (manifest, its preprocessing, every artifact's sha256, the weights' layout). */
export async function loadSegmentationModel(
  source: SegmentationModelSource,
  provider: ProviderOptions = {},
): Promise<SegmentationModel> {
  const artifacts = await loadArtifacts(source.artifactsDir);
  const { manifest } = artifacts;
  const { preprocessing, qcWarnings } = modelPreprocessing(manifest, source.artifactsDir);
  const { weights, version } = await resolveWeights(source, manifest, artifacts.initialParameters);
  const network = await InferenceModel.create(source.artifactsDir, { ...provider, weights });
  const digest = sha256(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
  return {
    info: {
      version: source.version ?? version,
      sha256: digest,
      config: manifest.config.name,
      // Any weights equal to the artifacts' checkpoint are its seeded random initial weights, whatever the file.
      training:
        source.training ??
        (digest === parameterSha256(artifacts.initialParameters)
          ? initialCheckpointProvenance(manifest.config.name)
          : UNKNOWN_PROVENANCE),
    },
    manifest,
    preprocessing,
    qcWarnings,
    network,
    release: () => network.release(),
  };
}
