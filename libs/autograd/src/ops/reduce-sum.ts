import { OpRule } from '../op-rule';
import { reduce } from './emit';
import { expandBack, ReduceAttrs } from './reduce-common';

/** Sum over axes; the gradient is the output gradient broadcast back over the reduced axes. */
export const reduceSumRule: OpRule<ReduceAttrs> = {
  arity: 1,
  forward: (g, [x], { axes, keepDims }) => reduce(g, 'ReduceSum', x, axes, keepDims),
  backward: ({ g, inputs: [x], attrs, gradOutput }) => [expandBack(g, gradOutput, x, attrs)],
};
