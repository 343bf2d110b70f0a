/**
 * What local training needs from a training engine: the subset of libs/runtime's TrainingSession (ORT on-device
 * training names) that the loop calls. Declared here so the loop states its dependency precisely; the runtime's
 * TrainingSession satisfies it as it is.
 */
export interface TensorData {
  data: Float32Array;
  /** [N, C, D, H, W]. */
  shape: readonly number[];
}

export interface TrainableModelInfo {
  spatialMultiple: number;
  parameterCount: number;
  parameterLayoutSha256: string;
  config: { name: string; inChannels: number };
}

export interface TrainableSession {
  readonly manifest: TrainableModelInfo;
  /** Forward + backward on one batch; gradients accumulate until lazyResetGrad. Returns the loss. */
  trainStep(image: TensorData, label: TensorData): Promise<number>;
  optimizerStep(): void | Promise<void>;
  lazyResetGrad(): void | Promise<void>;
  setLearningRate(lr: number): void;
  /** A copy of the parameters in manifest order. */
  getContiguousParameters(): Float32Array;
  /** A copy of the gradients accumulated since the last lazyResetGrad (DP-SGD reads each case's on its own). */
  getContiguousGradients(): Float32Array;
  /** Replaces the accumulated gradients (DP-SGD's clipped, noised sum) for the next optimizerStep. */
  loadGradientsBuffer(buffer: Float32Array): void;
  loadParametersBuffer(buffer: Float32Array): void;
  /** FedProx anchor and strength; null weights (or mu 0) turn the proximal term off. */
  setProximal(globalWeights: Float32Array | null, mu: number): void;
  /** SCAFFOLD: s = c − c_i added to each optimizer step's direction (the move is lr · s more); null turns it off. */
  setStepCorrection(correction: Float32Array | null): void;
  /** Fresh Adam moments and step count. */
  resetOptimizer(): void;
  /** Writes parameters and optimizer state (safetensors); `metadata` travels in the file header. */
  saveCheckpoint(path: string, metadata?: Record<string, string>): Promise<void>;
  /** Restores parameters and optimizer state; returns the header metadata written with them. */
  loadCheckpoint(path: string): Promise<Record<string, string>>;
  /** Probabilities [N, 1, D, H, W] for an image [N, C, D, H, W] whose spatial size fits the network. */
  infer(image: TensorData): Promise<Float32Array>;
}
