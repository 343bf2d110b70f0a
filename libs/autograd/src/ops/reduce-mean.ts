import { OpRule } from '../op-rule';
import { binary, elementCount, reduce } from './emit';
import { expandBack, ReduceAttrs } from './reduce-common';

/** Mean over axes; gradient = broadcast back, divided by the (runtime) number of reduced elements. */
export const reduceMeanRule: OpRule<ReduceAttrs> = {
  arity: 1,
  forward: (g, [x], { axes, keepDims }) => reduce(g, 'ReduceMean', x, axes, keepDims),
  backward: ({ g, inputs: [x], attrs, gradOutput }) => {
    const count = elementCount(g, x, attrs.axes);
    return [expandBack(g, binary(g, 'Div', gradOutput, count), x, attrs)];
  },
};
