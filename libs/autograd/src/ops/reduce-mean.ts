import { ElemType, attr } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { binary, reduce } from './emit';
import { expandBack, ReduceAttrs } from './reduce-common';

/** Mean over axes; gradient = broadcast back, divided by the (runtime) number of reduced elements. */
export const reduceMeanRule: OpRule<ReduceAttrs> = {
  arity: 1,
  forward: (g, [x], { axes, keepDims }) => reduce(g, 'ReduceMean', x, axes, keepDims),
  backward: ({ g, inputs: [x], output, attrs, gradOutput }) => {
    const count = binary(
      g,
      'Div',
      g.op('Cast', [g.op('Size', [x], {}, [], ElemType.Int64)], { to: attr.int(ElemType.Float) }, []),
      g.op('Cast', [g.op('Size', [output], {}, [], ElemType.Int64)], { to: attr.int(ElemType.Float) }, []),
    );
    return [expandBack(g, binary(g, 'Div', gradOutput, count), x, attrs)];
  },
};
