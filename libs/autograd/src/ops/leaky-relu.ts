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
 * forward pass: one activation less held per block until the backward pass. The lowering picks the slope as
 * Max(Sign(y), α) (CPU: no bool tensor, and ORT's Where over one took 5× a Mul), or from a float mask
 * Ceil(Clip(y, 0, 1)) (exactly 1 where y > 0, else 0) for providers without Sign.
 */
export const leakyReluRule: OpRule<LeakyReluAttrs> = {
  arity: 1,
  forward: (g, [x], { alpha }) => g.op('LeakyRelu', [x], { alpha: attr.float(alpha) }, x.shape),
  backward: ({ g, inputs: [x], output, attrs: { alpha }, gradOutput }) => {
    if (!(alpha > 0))
      throw new GraphBuildError(`leakyRelu: alpha must be > 0 for the output-mask gradient, got ${alpha}`);
    if (g.lowering.leakyReluGrad === 'float-mask') {
      const clipped = g.op('Clip', [output, g.scalar(0), g.scalar(1)], {}, x.shape);
      const mask = g.op('Ceil', [clipped], {}, x.shape);
      const slope = binary(g, 'Add', binary(g, 'Mul', mask, g.scalar(1 - alpha)), g.scalar(alpha));
      return [binary(g, 'Mul', gradOutput, slope)];
    }
    // Max(Sign(y), α) is 1 where y > 0 and α elsewhere (Sign gives 0 or −1 there, both below α).
    const slope = g.op('Max', [g.op('Sign', [output], {}, x.shape), g.scalar(alpha)], {}, x.shape);
    return [binary(g, 'Mul', gradOutput, slope)];
  },
};
