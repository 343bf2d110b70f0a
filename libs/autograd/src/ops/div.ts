import { OpRule } from '../op-rule';
import { binary, unbroadcast } from './emit';

/** a / b (elementwise, broadcasting): d/da = g/b, d/db = −g·(a/b)/b, reusing the forward output a/b. */
export const divRule: OpRule<Record<string, never>> = {
  arity: 2,
  forward: (g, [a, b]) => binary(g, 'Div', a, b),
  backward: ({ g, inputs: [a, b], output, gradOutput, needsGrad }) => {
    const gradA = needsGrad[0] ? unbroadcast(g, binary(g, 'Div', gradOutput, b), a.shape) : undefined;
    let gradB;
    if (needsGrad[1]) {
      const scaled = binary(g, 'Div', binary(g, 'Mul', gradOutput, output), b);
      gradB = unbroadcast(g, g.op('Neg', [scaled], {}, scaled.shape), b.shape);
    }
    return [gradA, gradB];
  },
};
