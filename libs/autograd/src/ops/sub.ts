import { OpRule } from '../op-rule';
import { binary, unbroadcast } from './emit';

/** a − b with numpy broadcasting. */
export const subRule: OpRule<Record<string, never>> = {
  arity: 2,
  forward: (g, [a, b]) => binary(g, 'Sub', a, b),
  backward: ({ g, inputs: [a, b], gradOutput, needsGrad }) => [
    needsGrad[0] ? unbroadcast(g, gradOutput, a.shape) : undefined,
    needsGrad[1] ? unbroadcast(g, g.op('Neg', [gradOutput], {}, gradOutput.shape), b.shape) : undefined,
  ],
};
