import { OpRule } from '../op-rule';
import { binary } from './emit';

/**
 * Elementwise binary cross-entropy on logits x against targets y, in the overflow-free form
 * max(x, 0) − x·y + log(1 + exp(−|x|)) (Softplus of −|x|). dx = g·(σ(x) − y); dy = −g·x.
 */
export const bceWithLogitsRule: OpRule<Record<string, never>> = {
  arity: 2,
  forward: (g, [x, y]) => {
    const softplus = g.op('Softplus', [g.op('Neg', [g.op('Abs', [x], {}, x.shape)], {}, x.shape)], {}, x.shape);
    return binary(g, 'Add', binary(g, 'Sub', g.op('Relu', [x], {}, x.shape), binary(g, 'Mul', x, y)), softplus);
  },
  backward: ({ g, inputs: [x, y], gradOutput, needsGrad }) => [
    needsGrad[0] ? binary(g, 'Mul', gradOutput, binary(g, 'Sub', g.op('Sigmoid', [x], {}, x.shape), y)) : undefined,
    needsGrad[1] ? g.op('Neg', [binary(g, 'Mul', gradOutput, x)], {}, x.shape) : undefined,
  ],
};
