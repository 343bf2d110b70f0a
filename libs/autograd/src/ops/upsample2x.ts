import { GraphBuildError } from '../errors';
import { GraphBuilder } from '../graph-builder';
import { attr, ElemType } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { formatShape, multiplyDim, Tensor } from '../tensor';
import { channelsByVoxels } from './conv3d-grad-weight';
import { concatInts, dimsOf, reduce, reshape, reshapeTo, transpose } from './emit';

const ONE_BY_ONE = { kernel_shape: attr.ints([1, 1, 1]) };

/** [N, C·8, M1, M2, M3] (channel-major, phases rd, rh, rw) -> [N, C, 2·M1, 2·M2, 2·M3]. */
function depthToSpace(g: GraphBuilder, z: Tensor, channels: number, like: Tensor): Tensor {
  const m = like.shape.slice(2);
  const spatial = dimsOf(g, like, 2, 5);
  const split = reshapeTo(g, z, concatInts(g, [g.int64s([-1, channels, 2, 2, 2]), spatial]), [
    z.shape[0],
    channels,
    2,
    2,
    2,
    ...m,
  ]);
  const interleaved = transpose(g, split, [0, 1, 5, 2, 6, 3, 7, 4]);
  const doubled = g.op('Mul', [spatial, g.int64s([2])], {}, [3], ElemType.Int64);
  return reshapeTo(g, interleaved, concatInts(g, [g.int64s([-1, channels]), doubled]), [
    z.shape[0],
    channels,
    ...m.map((d) => multiplyDim(d, 2)),
  ]);
}

/** Inverse of depthToSpace: [N, C, 2·M1, 2·M2, 2·M3] -> [N, C·8, M1, M2, M3]. */
function spaceToDepth(g: GraphBuilder, y: Tensor, channels: number, like: Tensor): Tensor {
  const two = g.int64s([2]);
  const target = concatInts(g, [
    g.int64s([-1, channels]),
    dimsOf(g, like, 2, 3),
    two,
    dimsOf(g, like, 3, 4),
    two,
    dimsOf(g, like, 4, 5),
    two,
  ]);
  const m = like.shape.slice(2);
  const split = reshapeTo(g, y, target, [y.shape[0], channels, m[0], 2, m[1], 2, m[2], 2]);
  const phasesFirst = transpose(g, split, [0, 1, 3, 5, 7, 2, 4, 6]);
  return reshapeTo(g, phasesFirst, concatInts(g, [g.int64s([-1, channels * 8]), dimsOf(g, like, 2, 5)]), [
    y.shape[0],
    channels * 8,
    ...m,
  ]);
}

/** W [Cin, Cout, 2, 2, 2] (ConvTranspose layout) -> 1×1 conv kernel [Cout·8, Cin, 1, 1, 1]. */
function pointwiseKernel(g: GraphBuilder, w: Tensor): Tensor {
  const [cin, cout] = w.shape as number[];
  return reshape(g, transpose(g, w, [1, 2, 3, 4, 0]), [cout * 8, cin, 1, 1, 1], [cout * 8, cin, 1, 1, 1]);
}

/**
 * Learned 2× upsampling with exactly ConvTranspose3d(k=2, s=2) semantics and parameter layout (W [Cin, Cout, 2,2,2],
 * b [Cout]), emitted as a 1×1 Conv to Cout·8 channels followed by depth-to-space: each output voxel 2m + r reads one
 * input voxel m with kernel tap r. ConvTranspose itself runs 8–13× slower than this on ORT's CPU provider.
 */
export const upsample2xRule: OpRule<Record<string, never>> = {
  arity: 3,
  forward: (g, [x, w, b]) => {
    if (
      w.shape.length !== 5 ||
      w.shape[0] !== x.shape[1] ||
      w.shape.slice(2).some((d) => d !== 2) ||
      b.shape[0] !== w.shape[1]
    ) {
      throw new GraphBuildError(
        `upsample2x: expected w [${x.shape[1]}, Cout, 2, 2, 2] and b [Cout], got w ${formatShape(w.shape)}, b ${formatShape(b.shape)}`,
      );
    }
    const cout = w.shape[1] as number;
    const biasPerPhase = reshape(
      g,
      g.op('Expand', [reshape(g, b, [cout, 1], [cout, 1]), g.int64s([cout, 8])], {}, [cout, 8]),
      [cout * 8],
      [cout * 8],
    );
    const z = g.op('Conv', [x, pointwiseKernel(g, w), biasPerPhase], ONE_BY_ONE, [
      x.shape[0],
      cout * 8,
      ...x.shape.slice(2),
    ]);
    return depthToSpace(g, z, cout, x);
  },
  backward: ({ g, inputs: [x, w], gradOutput: gy, needsGrad }) => {
    const [cin, cout] = w.shape as number[];
    const gz = spaceToDepth(g, gy, cout, x);
    let gradX;
    if (needsGrad[0]) {
      const kernelT = transpose(g, pointwiseKernel(g, w), [1, 0, 2, 3, 4]);
      gradX = g.op('Conv', [gz, kernelT], ONE_BY_ONE, x.shape);
    }
    let gradW;
    if (needsGrad[1]) {
      const gk = g.op('Gemm', [channelsByVoxels(g, gz), channelsByVoxels(g, x)], { transB: attr.int(1) }, [
        cout * 8,
        cin,
      ]);
      gradW = transpose(g, reshape(g, gk, [cout, 2, 2, 2, cin], [cout, 2, 2, 2, cin]), [4, 0, 1, 2, 3]);
    }
    const gradB = needsGrad[2] ? reduce(g, 'ReduceSum', gy, [0, 2, 3, 4], false) : undefined;
    return [gradX, gradW, gradB];
  },
};
