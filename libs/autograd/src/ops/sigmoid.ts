import { OpRule } from '../op-rule';
import { binary } from './emit';

/** σ(x); dx = g·σ·(1 − σ), from the forward output. */
export const sigmoidRule: OpRule<Record<string, never>> = {
  arity: 1,
  forward: (g, [x]) => g.op('Sigmoid', [x], {}, x.shape),
  backward: ({ g, output, gradOutput }) => {
    const slope = binary(g, 'Mul', output, binary(g, 'Sub', g.scalar(1), output));
    return [binary(g, 'Mul', gradOutput, slope)];
  },
};
