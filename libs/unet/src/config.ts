import { UNetConfigError } from './errors';

/**
 * A 3-D U-Net in the nnU-Net style of ../shared/bench/torch_unet3d.py:
 *   encoder stage i (0 .. levels−1, the last is the bottleneck): 2 × [Conv3d(k, p=(k−1)/2) → InstanceNorm3d(affine,
 *     eps 1e-5) → LeakyReLU(0.01)], the first conv of every stage i > 0 with stride 2 (no pooling);
 *   decoder stage i (levels−2 .. 0): ConvTranspose3d(k2, s2) → concat(skip, up) → 2 conv blocks;
 *   head: Conv3d k1 → outChannels logits.
 * Features of stage i: min(baseFilters · 2^i, featuresCap). Input sizes D, H, W must be multiples of 2^(levels−1).
 * The reference network is baseFilters b with featuresCap 8·b, kernelSize 3, outChannels 1.
 */
export interface UNetConfig {
  name: string;
  inChannels: number;
  baseFilters: number;
  levels: number;
  featuresCap: number;
  kernelSize: number;
  outChannels: number;
  /**
   * The training loss: "dice-bce" (default: BCE + 1 − soft Dice, as torch_unet3d.py) or "dice-bce-lesion", which adds
   * the lesion-wise BCE term of @fedstroke/autograd smallLesionBce (every lesion under 7³ voxels weighing the same).
   */
  loss?: UNetLoss;
}

export const UNET_LOSSES = ['dice-bce', 'dice-bce-lesion'] as const;
export type UNetLoss = (typeof UNET_LOSSES)[number];

export const NAMED_CONFIGS: Readonly<Record<string, UNetConfig>> = {
  /** For tests: small enough to train a few steps in a second. */
  tiny: { name: 'tiny', inChannels: 3, baseFilters: 4, levels: 3, featuresCap: 32, kernelSize: 3, outChannels: 1 },
  /** The reference default of torch_unet3d.py (in 3, base 8, levels 4): the benchmark and parity config. */
  bench: { name: 'bench', inChannels: 3, baseFilters: 8, levels: 4, featuresCap: 64, kernelSize: 3, outChannels: 1 },
  /** `bench` trained with the lesion-wise term beside Dice + BCE (same parameters, other training graph). */
  'bench-lesion': {
    name: 'bench-lesion',
    inChannels: 3,
    baseFilters: 8,
    levels: 4,
    featuresCap: 64,
    kernelSize: 3,
    outChannels: 1,
    loss: 'dice-bce-lesion',
  },
  /** GPU-sized, for real ISLES'22 data. */
  isles: { name: 'isles', inChannels: 3, baseFilters: 32, levels: 5, featuresCap: 320, kernelSize: 3, outChannels: 1 },
};

export function namedConfig(name: string): UNetConfig {
  const config = NAMED_CONFIGS[name];
  if (!config) {
    throw new UNetConfigError(
      `unknown model config "${name}"; valid configs: ${Object.keys(NAMED_CONFIGS).join(', ')}`,
    );
  }
  return config;
}

function requireInteger(field: keyof UNetConfig, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new UNetConfigError(`${field} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
}

/** Checks every field (MONAI style: the error names the argument and the constraint) and returns the config. */
export function validateConfig(config: UNetConfig): UNetConfig {
  if (typeof config.name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(config.name)) {
    throw new UNetConfigError(
      `name must be a non-empty string of letters, digits, '-' and '_', got ${JSON.stringify(config.name)}`,
    );
  }
  requireInteger('inChannels', config.inChannels, 1);
  requireInteger('baseFilters', config.baseFilters, 1);
  requireInteger('levels', config.levels, 2, 8);
  requireInteger('featuresCap', config.featuresCap, 1);
  if (config.featuresCap < config.baseFilters) {
    throw new UNetConfigError(`featuresCap must be >= baseFilters (${config.baseFilters}), got ${config.featuresCap}`);
  }
  requireInteger('kernelSize', config.kernelSize, 1, 7);
  if (config.kernelSize % 2 !== 1)
    throw new UNetConfigError(`kernelSize must be odd ("same" padding), got ${config.kernelSize}`);
  if (config.loss !== undefined && !(UNET_LOSSES as readonly string[]).includes(config.loss)) {
    throw new UNetConfigError(`loss must be one of ${UNET_LOSSES.join(', ')}, got ${JSON.stringify(config.loss)}`);
  }
  if (config.outChannels !== 1) {
    throw new UNetConfigError(
      `outChannels must be 1 (the Dice + BCE loss is binary; multi-class needs a softmax loss), got ${JSON.stringify(config.outChannels)}`,
    );
  }
  return config;
}

/** Feature count of each encoder stage. */
export function stageFeatures(config: UNetConfig): number[] {
  return Array.from({ length: config.levels }, (_, i) => Math.min(config.baseFilters * 2 ** i, config.featuresCap));
}

/** D, H, W must be multiples of this: each of the levels − 1 stride-2 convs halves them exactly. */
export const spatialMultiple = (config: UNetConfig): number => 2 ** (config.levels - 1);
