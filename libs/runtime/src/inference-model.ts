/**
 * Inference only (segmentation, the coordinator's inference mutation): loads the inference model of an artifacts
 * folder and a weights file, without the training and eval sessions. It is a PatchPredictor for
 * slidingWindowInference.
 */
import * as ort from 'onnxruntime-node';
import { WeightsError } from './errors';
import { checkImage, type Tensor5D } from './input-shape';
import { openArtifacts } from './lowered-artifacts';
import { type Manifest } from './manifest';
import { parameterViews, type Feeds } from './parameter-feeds';
import { type ExecutionProviderName, type ProviderOptions } from './providers';
import { assertFiniteParameters, readWeightsFile } from './weights';

export interface InferenceModelOptions extends ProviderOptions {
  /** A safetensors weights file (checkpoint, global model) or a buffer; default the artifacts' checkpoint. */
  weights?: string | Float32Array;
}

export class InferenceModel {
  private readonly feeds: Feeds;

  private constructor(
    readonly manifest: Manifest,
    private readonly session: ort.InferenceSession,
    readonly provider: ExecutionProviderName,
    private readonly parameters: Float32Array,
  ) {
    this.feeds = parameterViews(manifest, parameters);
  }

  /** The inference graph of `artifactsDir` lowered for the chosen provider (lowered-artifacts.ts). */
  static async create(artifactsDir: string, options: InferenceModelOptions = {}): Promise<InferenceModel> {
    const created = await openArtifacts(artifactsDir, 'inference_model.onnx', options);
    const { manifest } = created.artifacts;
    try {
      let parameters = created.artifacts.initialParameters;
      if (typeof options.weights === 'string') parameters = await readWeightsFile(options.weights, manifest);
      else if (options.weights) parameters = checkWeights(options.weights, manifest).slice();
      return new InferenceModel(manifest, created.session, created.provider, parameters);
    } catch (error) {
      await created.session.release();
      throw error;
    }
  }

  /** Probabilities [N,1,D,H,W] for an image [N,C,D,H,W] whose spatial size is a multiple of spatialMultiple. */
  async infer(image: Tensor5D): Promise<Float32Array> {
    checkImage(image, this.manifest);
    const out = await this.session.run({ ...this.feeds, image: new ort.Tensor('float32', image.data, image.shape) }, [
      'prob',
    ]);
    return out.prob.data as Float32Array;
  }

  loadParametersBuffer(buffer: Float32Array, source = 'parameters buffer'): void {
    // Checked, then copied once into the buffer the session reads; the caller's buffer stays theirs.
    this.parameters.set(checkWeights(buffer, this.manifest, source));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function checkWeights(buffer: Float32Array, manifest: Manifest, source = 'weights buffer'): Float32Array {
  if (buffer.length !== manifest.parameterCount) {
    throw new WeightsError(
      `checkpoint of the wrong length: ${source} holds ${buffer.length} values, model "${manifest.config.name}" has ${manifest.parameterCount} parameters`,
    );
  }
  assertFiniteParameters(buffer, manifest, source);
  return buffer;
}
