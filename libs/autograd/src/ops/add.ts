import { OpRule } from '../op-rule';
import { binary, unbroadcast } from './emit';

/** a + b with numpy broadcasting; the gradient is summed back over broadcast axes. */
export const addRule: OpRule<Record<string, never>> = {
  arity: 2,
  forward: (g, [a, b]) => binary(g, 'Add', a, b),
  backward: ({ g, inputs: [a, b], gradOutput, needsGrad }) => [
    needsGrad[0] ? unbroadcast(g, gradOutput, a.shape) : undefined,
    needsGrad[1] ? unbroadcast(g, gradOutput, b.shape) : undefined,
  ],
};
