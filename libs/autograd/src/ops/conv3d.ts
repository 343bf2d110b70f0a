import { GraphBuildError } from '../errors';
import { GraphBuilder } from '../graph-builder';
import { attr } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { divideDim, formatShape, Tensor } from '../tensor';
import { convGradInput } from './conv3d-grad-input';
import { convGradWeight } from './conv3d-grad-weight';
import { reduce } from './emit';

export interface Conv3dAttrs {
  /** Cubic kernel edge (odd). */
  kernel: number;
  stride: number;
  /** Symmetric zero padding; must be (kernel − 1) / 2 ("same" convolution, so output = input / stride). */
  padding: number;
}

function checkConv(x: Tensor, w: Tensor, b: Tensor | undefined, { kernel, stride, padding }: Conv3dAttrs): void {
  const where = `conv3d(x ${formatShape(x.shape)}, w ${formatShape(w.shape)})`;
  if (kernel % 2 !== 1 || 2 * padding !== kernel - 1) {
    throw new GraphBuildError(
      `${where}: kernel ${kernel} with padding ${padding}; expected an odd kernel with padding (kernel - 1) / 2`,
    );
  }
  if (x.shape.length !== 5 || w.shape.length !== 5) throw new GraphBuildError(`${where}: expected rank-5 x and w`);
  if (w.shape[1] !== x.shape[1])
    throw new GraphBuildError(`${where}: w has ${w.shape[1]} input channels, x has ${x.shape[1]}`);
  if (w.shape.slice(2).some((d) => d !== kernel)) throw new GraphBuildError(`${where}: w is not a ${kernel}^3 kernel`);
  if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0]))
    throw new GraphBuildError(`${where}: bias ${formatShape(b.shape)} does not match ${w.shape[0]} output channels`);
  if (stride < 1) throw new GraphBuildError(`${where}: stride ${stride} must be >= 1`);
}

export function convAttributes(kernel: number, stride: number, padding: number) {
  return {
    kernel_shape: attr.ints([kernel, kernel, kernel]),
    pads: attr.ints(Array(6).fill(padding)),
    strides: attr.ints([stride, stride, stride]),
  };
}

export function emitConv(g: GraphBuilder, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: Conv3dAttrs): Tensor {
  const { kernel, stride, padding } = attrs;
  const shape = [x.shape[0], w.shape[0], ...x.shape.slice(2).map((d) => divideDim(d, stride))];
  return g.op('Conv', b ? [x, w, b] : [x, w], convAttributes(kernel, stride, padding), shape);
}

/**
 * 3-D convolution, cubic kernel, "same" padding, any stride; inputs [x, w] or [x, w, b]. Without a bias nothing is
 * added (a conv right before InstanceNorm: the norm subtracts any per-channel constant, so its bias has gradient
 * exactly 0 and no effect on the output). The backward formulations live in conv3d-grad-input.ts and
 * conv3d-grad-weight*.ts (chosen by measurement, see the README).
 */
export const conv3dRule: OpRule<Conv3dAttrs> = {
  arity: 'variadic',
  forward: (g, inputs, attrs) => {
    if (inputs.length !== 2 && inputs.length !== 3)
      throw new GraphBuildError(`conv3d takes [x, w] or [x, w, b], got ${inputs.length} inputs`);
    const [x, w, b] = inputs;
    checkConv(x, w, b, attrs);
    return emitConv(g, x, w, b, attrs);
  },
  backward: ({ g, inputs: [x, w], attrs, gradOutput, needsGrad }) => [
    needsGrad[0] ? g.scoped('dX', () => convGradInput(g, gradOutput, x, w, attrs)) : undefined,
    needsGrad[1] ? g.scoped('dW', () => convGradWeight(g, gradOutput, x, w, attrs)) : undefined,
    needsGrad[2] ? reduce(g, 'ReduceSum', gradOutput, [0, 2, 3, 4], false) : undefined,
  ],
};
