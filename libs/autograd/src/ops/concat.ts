import { GraphBuildError } from '../errors';
import { attr } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { formatShape } from '../tensor';

export interface ConcatAttrs {
  axis: number;
}

/** Concatenation along a static axis; the gradient is split back with the inputs' (static) sizes. */
export const concatRule: OpRule<ConcatAttrs> = {
  arity: 'variadic',
  forward: (g, inputs, { axis }) => {
    const sizes = inputs.map((t) => t.shape[axis]);
    if (sizes.some((s) => typeof s !== 'number')) {
      throw new GraphBuildError(
        `concat: axis ${axis} must have static sizes, got ${inputs.map((t) => formatShape(t.shape)).join(', ')}`,
      );
    }
    const shape = [...inputs[0].shape];
    shape[axis] = (sizes as number[]).reduce((a, b) => a + b, 0);
    return g.op('Concat', inputs, { axis: attr.int(axis) }, shape);
  },
  backward: ({ g, inputs, attrs: { axis }, gradOutput }) => {
    const sizes = inputs.map((t) => t.shape[axis] as number);
    return g.opMulti(
      'Split',
      [gradOutput, g.int64s(sizes)],
      { axis: attr.int(axis) },
      inputs.map((t) => t.shape),
    );
  },
};
