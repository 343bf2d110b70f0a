import { GraphBuildError } from '../errors';
import { GraphBuilder } from '../graph-builder';
import { attr } from '../onnx/model-proto';
import { OpRule } from '../op-rule';
import { formatShape, Tensor } from '../tensor';
import { channelsByVoxels } from './conv3d-grad-weight';
import { depthToSpace, spaceToDepth } from './depth-to-space';
import { reduce, reshape, transpose } from './emit';

const ONE_BY_ONE = { kernel_shape: attr.ints([1, 1, 1]) };

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
    return depthToSpace(g, z, cout, x, 'channel-major');
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
