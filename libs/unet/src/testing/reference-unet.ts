/**
 * The U-Net forward pass and loss in float64, composed from autograd's loop-level reference ops: an independent
 * implementation of torch_unet3d.UNet3D + dice_bce_loss to check the emitted ONNX graphs against.
 */
import * as R from '@fedstroke/autograd/testing';
import { UNetConfig } from '../config';

export type Weights = ReadonlyMap<string, R.Array64>;

function w(weights: Weights, name: string): R.Array64 {
  const t = weights.get(name);
  if (!t) throw new Error(`reference U-Net: missing weight ${name}`);
  return t;
}

function block(weights: Weights, prefix: string, x: R.Array64, stride: number, k: number): R.Array64 {
  const conv = R.conv3d(x, w(weights, `${prefix}.0.weight`), w(weights, `${prefix}.0.bias`), stride, (k - 1) / 2);
  return R.leakyRelu(
    R.instanceNorm(conv, w(weights, `${prefix}.1.weight`), w(weights, `${prefix}.1.bias`), 1e-5),
    0.01,
  );
}

const stage = (weights: Weights, prefix: string, x: R.Array64, stride: number, k: number): R.Array64 =>
  block(weights, `${prefix}.1`, block(weights, `${prefix}.0`, x, stride, k), 1, k);

export function referenceLogits(config: UNetConfig, weights: Weights, image: R.Array64): R.Array64 {
  const skips: R.Array64[] = [];
  let x = image;
  for (let i = 0; i < config.levels; i++) {
    x = stage(weights, `encoder.${i}`, x, i === 0 ? 1 : 2, config.kernelSize);
    skips.push(x);
  }
  x = skips.pop() as R.Array64;
  for (let j = 0; j < config.levels - 1; j++) {
    const up = R.convTranspose2x(x, w(weights, `up.${j}.weight`), w(weights, `up.${j}.bias`));
    x = stage(weights, `decoder.${j}`, R.concatChannels([skips.pop() as R.Array64, up]), 1, config.kernelSize);
  }
  return R.conv3d(x, w(weights, 'head.weight'), w(weights, 'head.bias'), 1, 0);
}

export function referenceLoss(config: UNetConfig, weights: Weights, image: R.Array64, label: R.Array64): number {
  return R.diceBceLoss(referenceLogits(config, weights, image), label);
}
