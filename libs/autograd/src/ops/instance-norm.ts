import { attr } from '../onnx/model-proto';
import { GraphBuilder } from '../graph-builder';
import { OpRule } from '../op-rule';
import { Tensor } from '../tensor';
import { binary, elementCount, perChannel, reduce } from './emit';

export interface InstanceNormAttrs {
  epsilon: number;
}

/**
 * Σ over the spatial axes of [N, C, D, H, W], one axis at a time (W, then H, then D). Each stage adds a few dozen
 * numbers, so float32 rounding grows with the longest axis instead of with the whole volume (PyTorch accumulates
 * these sums in double). Measured on the bench U-Net: the exactly-zero gradients of the conv biases that feed
 * InstanceNorm came out at ~1e-8 in norm instead of ~1e-7. Only the first stage reads the full tensor, so it costs
 * the memory traffic of one ReduceSum.
 */
function spatialSum(g: GraphBuilder, x: Tensor, firstStage: 'ReduceSum' | 'ReduceSumSquare' = 'ReduceSum'): Tensor {
  const rows = reduce(g, firstStage, x, [4], true);
  return reduce(g, 'ReduceSum', reduce(g, 'ReduceSum', rows, [3], true), [2], true);
}

const ALL_BUT_CHANNEL = [0, 2, 3, 4];

/**
 * InstanceNorm over [N, C, D, H, W] with per-channel affine (PyTorch InstanceNorm3d(affine=True): biased variance).
 * Forward is ONNX InstanceNormalization. Backward recomputes the statistics from x and uses
 *   dx = k·(g − mean(g)) − k·invstd²·mean(g·xc)·xc,   k = γ·invstd, xc = x − mean(x),
 * which needs three elementwise passes over the activation and three reductions.
 */
export const instanceNormRule: OpRule<InstanceNormAttrs> = {
  arity: 3,
  forward: (g, [x, gamma, beta], { epsilon }) =>
    g.op('InstanceNormalization', [x, gamma, beta], { epsilon: attr.float(epsilon) }, x.shape),
  backward: ({ g, inputs: [x, gamma], attrs: { epsilon }, gradOutput: gy, needsGrad }) => {
    const sumX = spatialSum(g, x);
    const count = elementCount(g, x, [2, 3, 4]);
    const mean = binary(g, 'Div', sumX, count);
    const xc = binary(g, 'Sub', x, mean);
    const variance = binary(g, 'Div', spatialSum(g, xc, 'ReduceSumSquare'), count);
    const invstd = g.op(
      'Reciprocal',
      [g.op('Sqrt', [binary(g, 'Add', variance, g.scalar(epsilon))], {}, mean.shape)],
      {},
      mean.shape,
    );
    const sumG = spatialSum(g, gy);
    const sumGXc = spatialSum(g, binary(g, 'Mul', gy, xc));

    let gradX;
    if (needsGrad[0]) {
      const k = binary(g, 'Mul', invstd, perChannel(g, gamma));
      const centred = binary(g, 'Sub', gy, binary(g, 'Div', sumG, count));
      const xcCoeff = binary(
        g,
        'Div',
        binary(g, 'Mul', binary(g, 'Mul', k, binary(g, 'Mul', invstd, invstd)), sumGXc),
        count,
      );
      gradX = binary(g, 'Sub', binary(g, 'Mul', centred, k), binary(g, 'Mul', xc, xcCoeff));
    }
    const gradGamma = needsGrad[1]
      ? reduce(g, 'ReduceSum', binary(g, 'Mul', sumGXc, invstd), ALL_BUT_CHANNEL, false)
      : undefined;
    const gradBeta = needsGrad[2] ? reduce(g, 'ReduceSum', sumG, ALL_BUT_CHANNEL, false) : undefined;
    return [gradX, gradGamma, gradBeta];
  },
};
