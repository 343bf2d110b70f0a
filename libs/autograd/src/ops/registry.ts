import { OpRule } from '../op-rule';
import { addRule } from './add';
import { bceWithLogitsRule } from './bce-with-logits';
import { ConcatAttrs, concatRule } from './concat';
import { Conv3dAttrs, conv3dRule } from './conv3d';
import { divRule } from './div';
import { InstanceNormAttrs, instanceNormRule } from './instance-norm';
import { LeakyReluAttrs, leakyReluRule } from './leaky-relu';
import { mulRule } from './mul';
import { ReduceAttrs } from './reduce-common';
import { reduceMeanRule } from './reduce-mean';
import { reduceSumRule } from './reduce-sum';
import { sigmoidRule } from './sigmoid';
import { subRule } from './sub';
import { upsample2xRule } from './upsample2x';

type NoAttrs = Record<string, never>;

/** Every differentiable op and its attribute type. Adding a key without a rule below is a compile error. */
export interface OpAttributes {
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  sigmoid: NoAttrs;
  leakyRelu: LeakyReluAttrs;
  concat: ConcatAttrs;
  reduceSum: ReduceAttrs;
  reduceMean: ReduceAttrs;
  conv3d: Conv3dAttrs;
  upsample2x: NoAttrs;
  instanceNorm: InstanceNormAttrs;
  bceWithLogits: NoAttrs;
}

export type OpName = keyof OpAttributes;

/** The registry: a typed record, one entry per key, so it can hold neither duplicates nor gaps. */
export const opRules: { readonly [K in OpName]: OpRule<OpAttributes[K]> } = {
  add: addRule,
  sub: subRule,
  mul: mulRule,
  div: divRule,
  sigmoid: sigmoidRule,
  leakyRelu: leakyReluRule,
  concat: concatRule,
  reduceSum: reduceSumRule,
  reduceMean: reduceMeanRule,
  conv3d: conv3dRule,
  upsample2x: upsample2xRule,
  instanceNorm: instanceNormRule,
  bceWithLogits: bceWithLogitsRule,
};
