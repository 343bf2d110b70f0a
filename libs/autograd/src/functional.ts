/**
 * Typed calls for every registered op, so model code reads like a network definition
 * (`conv3d(ad, x, w, b, { kernel: 3, stride: 2, padding: 1 })`) while the tape records each call.
 */
import { Autodiff } from './autodiff';
import { Conv3dAttrs } from './ops/conv3d';
import { Tensor } from './tensor';

const none = {} as Record<string, never>;

export const add = (ad: Autodiff, a: Tensor, b: Tensor): Tensor => ad.apply('add', [a, b], none);
export const sub = (ad: Autodiff, a: Tensor, b: Tensor): Tensor => ad.apply('sub', [a, b], none);
export const mul = (ad: Autodiff, a: Tensor, b: Tensor): Tensor => ad.apply('mul', [a, b], none);
export const div = (ad: Autodiff, a: Tensor, b: Tensor): Tensor => ad.apply('div', [a, b], none);
export const sigmoid = (ad: Autodiff, x: Tensor): Tensor => ad.apply('sigmoid', [x], none);
export const leakyRelu = (ad: Autodiff, x: Tensor, alpha = 0.01): Tensor => ad.apply('leakyRelu', [x], { alpha });
export const concat = (ad: Autodiff, inputs: readonly Tensor[], axis: number): Tensor =>
  ad.apply('concat', inputs, { axis });
export const reduceSum = (ad: Autodiff, x: Tensor, axes: readonly number[], keepDims = false): Tensor =>
  ad.apply('reduceSum', [x], { axes, keepDims });
export const reduceMean = (ad: Autodiff, x: Tensor, axes: readonly number[], keepDims = false): Tensor =>
  ad.apply('reduceMean', [x], { axes, keepDims });
/** `b` undefined: no bias (a conv that feeds InstanceNorm). */
export const conv3d = (ad: Autodiff, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: Conv3dAttrs): Tensor =>
  ad.apply('conv3d', b ? [x, w, b] : [x, w], attrs);
/** ConvTranspose3d(k=2, s=2) semantics; w [Cin, Cout, 2, 2, 2], b [Cout]. */
export const upsample2x = (ad: Autodiff, x: Tensor, w: Tensor, b: Tensor): Tensor =>
  ad.apply('upsample2x', [x, w, b], none);
export const instanceNorm = (ad: Autodiff, x: Tensor, gamma: Tensor, beta: Tensor, epsilon = 1e-5): Tensor =>
  ad.apply('instanceNorm', [x, gamma, beta], { epsilon });
export const bceWithLogits = (ad: Autodiff, logits: Tensor, target: Tensor): Tensor =>
  ad.apply('bceWithLogits', [logits, target], none);
/** A float constant (no gradient). */
export const constant = (ad: Autodiff, value: number): Tensor => ad.graph.scalar(value);
