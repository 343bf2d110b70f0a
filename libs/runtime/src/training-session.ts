/**
 * TrainingSession: ORT on-device training's API (trainStep, optimizerStep, lazyResetGrad, evalStep,
 * getParametersSize, getContiguousParameters, loadParametersBuffer) over the stock onnxruntime-node inference build,
 * running the generated artifacts of ARTIFACTS.md. Parameters, gradients and Adam's moments each live in ONE
 * contiguous Float32Array in manifest order; the optimizer is TypeScript (adam.ts) over those buffers.
 *
 * Gradients accumulate (sum) across trainStep calls until lazyResetGrad, as in ORT: the first step after a reset
 * writes ORT's outputs straight into the gradient buffer (pre-allocated outputs on CPU, no copy), later steps write
 * into a scratch buffer that is then added.
 */
import * as ort from 'onnxruntime-node';
import { adamStep, createAdamState, type AdamState } from './adam';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from './checkpoint';
import { FedstrokeError } from '@fedstroke/common';
import { ArtifactsError, WeightsError } from './errors';
import { checkImage, checkLabel, type Tensor5D } from './input-shape';
import { openArtifacts } from './lowered-artifacts';
import { type LoadedArtifacts, type Manifest, type OptimizerSpec } from './manifest';
import { parameterViews, type Feeds } from './parameter-feeds';
import { createSession, type ExecutionProviderName, type ProviderOptions } from './providers';
import { assertFiniteParameters } from './weights';

export interface TrainingSessionOptions extends ProviderOptions {
  /** Start from this checkpoint (safetensors: weights, optionally optimizer state) instead of the artifacts' one. */
  checkpoint?: string;
  /** Overrides of the manifest's optimizer defaults. */
  optimizer?: Partial<OptimizerSpec>;
  /** Write gradients through ORT pre-allocated outputs (default: on for cpu, off for device providers). */
  preallocatedOutputs?: boolean;
}

export interface EvalResult {
  loss: number;
  /** Sigmoid probabilities [N, 1, D, H, W]. */
  prob: Float32Array;
}

/** The loss came out NaN or infinite: the step is refused so that no update poisons the weights. */
export class NonFiniteLossError extends FedstrokeError {
  constructor(loss: number) {
    super('NON_FINITE_LOSS', `training loss is ${loss}; lower the learning rate or check the inputs for NaN`);
  }
}

export class TrainingSession {
  private readonly parameters: Float32Array;
  private readonly gradients: Float32Array;
  private scratch?: Float32Array;
  private readonly parameterFeeds: Feeds;
  private readonly gradientNames: string[];
  private readonly directFetches?: Feeds;
  private scratchFetches?: Feeds;
  private accumulatedSteps = 0;
  private optimizerState: AdamState;
  private readonly optimizerConfig: OptimizerSpec;
  private proximal?: { global: Float32Array; mu: number };
  private stepCorrection?: Float32Array;
  private evalSession?: Promise<ort.InferenceSession>;
  private inferenceSession?: Promise<ort.InferenceSession>;

  private constructor(
    private readonly artifacts: LoadedArtifacts,
    private readonly trainingSession: ort.InferenceSession,
    /** The provider actually in use (cpu after a fallback). */
    readonly provider: ExecutionProviderName,
    private readonly options: TrainingSessionOptions,
    initialParameters: Float32Array,
  ) {
    const manifest = artifacts.manifest;
    this.parameters = initialParameters;
    this.gradients = new Float32Array(manifest.parameterCount);
    this.parameterFeeds = parameterViews(manifest, this.parameters);
    this.gradientNames = manifest.parameters.map((p) => `grad.${p.name}`);
    if (options.preallocatedOutputs ?? provider === 'cpu') {
      this.directFetches = parameterViews(manifest, this.gradients, 'grad.');
    }
    this.optimizerState = createAdamState(manifest.parameterCount);
    this.optimizerConfig = { ...manifest.optimizer, ...options.optimizer };
  }

  /**
   * Loads and validates the artifacts in `artifactsDir` (the lowering of the chosen provider, lowered-artifacts.ts),
   * then creates the training session on that provider.
   */
  static async create(artifactsDir: string, options: TrainingSessionOptions = {}): Promise<TrainingSession> {
    const created = await openArtifacts(artifactsDir, 'training_model.onnx', options);
    const { artifacts } = created;
    let checkpoint;
    try {
      checkpoint = options.checkpoint
        ? await loadTrainingCheckpoint(options.checkpoint, artifacts.manifest)
        : undefined;
    } catch (error) {
      await created.session.release();
      throw error;
    }
    const missing = [...artifacts.manifest.parameters.map((p) => p.name), 'image', 'label'].filter(
      (name) => !created.session.inputNames.includes(name),
    );
    if (missing.length > 0) {
      await created.session.release();
      throw new ArtifactsError(
        `artifacts do not match the manifest: ${artifacts.paths['training_model.onnx']} does not take inputs ${missing.slice(0, 5).join(', ')} named in the manifest`,
      );
    }
    const session = new TrainingSession(
      artifacts,
      created.session,
      created.provider,
      options,
      checkpoint?.parameters ?? artifacts.initialParameters,
    );
    if (checkpoint?.optimizer) session.optimizerState = checkpoint.optimizer;
    if (checkpoint?.learningRate !== undefined && options.optimizer?.lr === undefined) {
      session.setLearningRate(checkpoint.learningRate);
    }
    return session;
  }

  get manifest(): Manifest {
    return this.artifacts.manifest;
  }

  /** Forward + backward on one batch; adds the gradients to the gradient buffer and returns the loss. */
  async trainStep(image: Tensor5D, label: Tensor5D): Promise<number> {
    checkImage(image, this.manifest);
    checkLabel(label, image);
    const feeds = this.batchFeeds(image, label);
    const accumulate = this.accumulatedSteps > 0;
    let loss: number;
    if (this.directFetches) {
      const fetches = accumulate ? this.scratchBuffers().fetches : this.directFetches;
      const out = await this.trainingSession.run(feeds, {
        loss: null,
        ...fetches,
      } as unknown as ort.InferenceSession.FetchesType);
      loss = (out.loss.data as Float32Array)[0];
      if (accumulate) addInto(this.gradients, this.scratchBuffers().buffer);
    } else {
      const out = await this.trainingSession.run(feeds, ['loss', ...this.gradientNames]);
      loss = (out.loss.data as Float32Array)[0];
      this.manifest.parameters.forEach((spec, i) => {
        const grad = out[this.gradientNames[i]].data as Float32Array;
        if (accumulate) addInto(this.gradients.subarray(spec.offset, spec.offset + spec.size), grad);
        else this.gradients.set(grad, spec.offset);
      });
    }
    if (!Number.isFinite(loss)) {
      this.accumulatedSteps = 0; // the gradient buffer now holds garbage: drop everything accumulated
      throw new NonFiniteLossError(loss);
    }
    this.accumulatedSteps += 1;
    return loss;
  }

  /**
   * One Adam/AdamW step on the accumulated gradients (plus the FedProx term and the step correction when set). Does
   * not reset them.
   */
  optimizerStep(): void {
    if (this.accumulatedSteps === 0) {
      throw new FedstrokeError(
        'NO_GRADIENTS',
        'optimizerStep called with no gradients: run trainStep first (after lazyResetGrad)',
      );
    }
    adamStep(
      this.parameters,
      this.gradients,
      this.optimizerState,
      this.optimizerConfig,
      this.proximal,
      this.stepCorrection,
    );
  }

  /** Gradients are reset lazily: the next trainStep overwrites instead of adding. */
  lazyResetGrad(): void {
    this.accumulatedSteps = 0;
  }

  /** Forward only, with loss: { loss, prob [N,1,D,H,W] }. */
  async evalStep(image: Tensor5D, label: Tensor5D): Promise<EvalResult> {
    checkImage(image, this.manifest);
    checkLabel(label, image);
    this.evalSession ??= this.secondarySession('eval_model.onnx');
    const out = await (await this.evalSession).run(this.batchFeeds(image, label), ['loss', 'prob']);
    return { loss: (out.loss.data as Float32Array)[0], prob: out.prob.data as Float32Array };
  }

  /** Probabilities [N,1,D,H,W] for an image whose spatial size is a multiple of manifest.spatialMultiple. */
  async infer(image: Tensor5D): Promise<Float32Array> {
    checkImage(image, this.manifest);
    this.inferenceSession ??= this.secondarySession('inference_model.onnx');
    const feeds: Feeds = { ...this.parameterFeeds, image: new ort.Tensor('float32', image.data, image.shape) };
    return (await (await this.inferenceSession).run(feeds, ['prob'])).prob.data as Float32Array;
  }

  getParametersSize(): number {
    return this.parameters.length;
  }

  /** A copy of the parameters, one Float32Array in manifest order (what FedAvg aggregates). */
  getContiguousParameters(): Float32Array {
    return this.parameters.slice();
  }

  /** A copy of the accumulated gradients (manifest order). */
  getContiguousGradients(): Float32Array {
    return this.gradients.slice();
  }

  /**
   * Replaces the accumulated gradients, as if one trainStep had produced them: what DP-SGD does after clipping each
   * case's gradient and adding noise (the next optimizerStep applies them).
   */
  loadGradientsBuffer(buffer: Float32Array): void {
    if (buffer.length !== this.gradients.length) {
      throw new WeightsError(
        `gradient buffer holds ${buffer.length} values, the model has ${this.gradients.length} parameters`,
      );
    }
    this.gradients.set(buffer);
    this.accumulatedSteps = 1;
  }

  /** Replaces the parameters (e.g. a new global model); the optimizer state is kept, as in ORT. */
  loadParametersBuffer(buffer: Float32Array, source = 'parameters buffer'): void {
    if (buffer.length !== this.parameters.length) {
      throw new WeightsError(
        `checkpoint of the wrong length: ${source} holds ${buffer.length} values, model "${this.manifest.config.name}" has ${this.parameters.length} parameters`,
      );
    }
    assertFiniteParameters(buffer, this.manifest, source);
    this.parameters.set(buffer);
  }

  /** Starts Adam afresh (zero moments, step 0): e.g. at the start of a federated round. */
  resetOptimizer(): void {
    this.optimizerState = createAdamState(this.parameters.length);
  }

  get optimizerStepCount(): number {
    return this.optimizerState.step;
  }

  /** FedProx: adds μ(w − w_global) to the gradient at each optimizer step; `null` (or μ = 0) switches it off. */
  setProximal(globalWeights: Float32Array | null, mu = 0): void {
    if (globalWeights === null || mu === 0) {
      this.proximal = undefined;
      return;
    }
    if (!(mu > 0) || !Number.isFinite(mu))
      throw new FedstrokeError('INVALID_ARGUMENT', `FedProx mu must be a finite number ≥ 0, got ${mu}`);
    if (globalWeights.length !== this.parameters.length) {
      throw new WeightsError(
        `FedProx global weights hold ${globalWeights.length} values, the model has ${this.parameters.length}`,
      );
    }
    assertFiniteParameters(globalWeights, this.manifest, 'FedProx global weights');
    this.proximal = { global: globalWeights.slice(), mu };
  }

  /**
   * SCAFFOLD: adds lr · s to every optimizer step's move (s = c − c_i, see adam.ts); `null` switches it off. Copied, so
   * the caller may reuse its buffer.
   */
  setStepCorrection(correction: Float32Array | null): void {
    if (correction === null) {
      this.stepCorrection = undefined;
      return;
    }
    if (correction.length !== this.parameters.length) {
      throw new WeightsError(
        `step correction holds ${correction.length} values, the model has ${this.parameters.length} parameters`,
      );
    }
    const bad = correction.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0)
      throw new FedstrokeError(
        'INVALID_ARGUMENT',
        `step correction value #${bad} is ${correction[bad]}, expected finite`,
      );
    this.stepCorrection = correction.slice();
  }

  setLearningRate(lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr))
      throw new FedstrokeError('INVALID_ARGUMENT', `learning rate must be a finite number ≥ 0, got ${lr}`);
    this.optimizerConfig.lr = lr;
  }

  getLearningRate(): number {
    return this.optimizerConfig.lr;
  }

  /** Writes weights + optimizer state (resume) as safetensors; `metadata` is stored alongside. */
  async saveCheckpoint(path: string, metadata: Record<string, string> = {}): Promise<void> {
    await saveTrainingCheckpoint(
      path,
      this.manifest,
      this.parameters,
      this.optimizerState,
      this.optimizerConfig.lr,
      metadata,
    );
  }

  /** Restores weights, and optimizer state and learning rate when the file holds them; returns its metadata. */
  async loadCheckpoint(path: string): Promise<Record<string, string>> {
    const checkpoint = await loadTrainingCheckpoint(path, this.manifest);
    this.parameters.set(checkpoint.parameters);
    this.optimizerState = checkpoint.optimizer ?? createAdamState(this.parameters.length);
    if (checkpoint.learningRate !== undefined) this.setLearningRate(checkpoint.learningRate);
    return checkpoint.metadata;
  }

  async release(): Promise<void> {
    const sessions = [this.trainingSession, this.evalSession, this.inferenceSession];
    for (const session of sessions) if (session) await (await session).release();
  }

  private batchFeeds(image: Tensor5D, label: Tensor5D): Feeds {
    return {
      ...this.parameterFeeds,
      image: new ort.Tensor('float32', image.data, image.shape),
      label: new ort.Tensor('float32', label.data, label.shape),
    };
  }

  private scratchBuffers(): { buffer: Float32Array; fetches: Feeds } {
    if (!this.scratch || !this.scratchFetches) {
      this.scratch = new Float32Array(this.parameters.length);
      this.scratchFetches = parameterViews(this.manifest, this.scratch, 'grad.');
    }
    return { buffer: this.scratch, fetches: this.scratchFetches };
  }

  /** Eval and inference sessions are created on first use, on the provider the training session ended up on. */
  private async secondarySession(file: 'eval_model.onnx' | 'inference_model.onnx'): Promise<ort.InferenceSession> {
    const created = await createSession(this.artifacts.paths[file], {
      ...this.options,
      provider: this.provider,
      strict: true,
    });
    return created.session;
  }
}

function addInto(target: Float32Array, source: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}
