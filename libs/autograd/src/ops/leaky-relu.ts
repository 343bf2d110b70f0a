import { GraphBuildError } from '../errors';
import { attr } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { binary } from './emit';

export interface LeakyReluAttrs {
  alpha: number;
}

/**
 * LeakyReLU; dx = g where x > 0, alpha·g elsewhere (PyTorch's convention at x = 0). The mask is taken from the
 * output (y > 0 exactly where x > 0, as alpha > 0), which the next layer keeps anyway, so x need not outlive the
 * forward pass: one activation less held per block until the backward pass.
 *
 * The slope is Clip(Ceil(y), α, 1): Ceil maps every y > 0 (denormals included) to at least 1 and every y ≤ 0 to at
 * most 0, so the clip gives exactly 1 or α. It is one formulation for every provider, with no bool tensor (ORT's
 * Where over one took 5× a Mul on CPU; WebGPU has no bool Transpose for its NHWC pass) and no Sign (ORT's CPU Sign
 * is a scalar loop: 83 ms of the bench step's 1.6 s, against 10 ms for the Max beside it).
 */
export const leakyReluRule: OpRule<LeakyReluAttrs> = {
  arity: 1,
  forward: (g, [x], { alpha }) => g.op('LeakyRelu', [x], { alpha: attr.float(alpha) }, x.shape),
  backward: ({ g, inputs: [x], output, attrs: { alpha }, gradOutput }) => {
    if (!(alpha > 0 && alpha < 1))
      throw new GraphBuildError(`leakyRelu: alpha must be in (0, 1) for the output-mask gradient, got ${alpha}`);
    const slope = g.op('Clip', [g.op('Ceil', [output], {}, x.shape), g.scalar(alpha), g.scalar(1)], {}, x.shape);
    return [binary(g, 'Mul', gradOutput, slope)];
  },
};
