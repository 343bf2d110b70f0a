import { OpRule } from '../op-rule';
import { binary, unbroadcast } from './emit';

/** a · b (elementwise, broadcasting): d/da = g·b, d/db = g·a. */
export const mulRule: OpRule<Record<string, never>> = {
  arity: 2,
  forward: (g, [a, b]) => binary(g, 'Mul', a, b),
  backward: ({ g, inputs: [a, b], gradOutput, needsGrad }) => [
    needsGrad[0] ? unbroadcast(g, binary(g, 'Mul', gradOutput, b), a.shape) : undefined,
    needsGrad[1] ? unbroadcast(g, binary(g, 'Mul', gradOutput, a), b.shape) : undefined,
  ],
};
