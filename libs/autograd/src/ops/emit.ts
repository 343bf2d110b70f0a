/**
 * Small emitters shared by the op rules: shape arithmetic on int64 tensors, transposes, reshapes and the
 * broadcasting helpers. Nothing here is differentiable; it is the vocabulary the gradient rules are written in.
 */
import { GraphBuildError } from '../errors';
import { GraphBuilder } from '../graph-builder';
import { attr, ElemType } from '../onnx/model-proto';
import { Dim, formatShape, Tensor } from '../tensor';

/** Large enough to mean "to the end" for Slice on any real tensor. */
export const SLICE_TO_END = 2 ** 31 - 1;

export function transpose(g: GraphBuilder, x: Tensor, perm: readonly number[]): Tensor {
  return g.op(
    'Transpose',
    [x],
    { perm: attr.ints(perm) },
    perm.map((p) => x.shape[p]),
  );
}

/** Reshape to a static target (0 copies the input dim, -1 infers one dim). */
export function reshape(g: GraphBuilder, x: Tensor, target: readonly number[], shape: readonly Dim[]): Tensor {
  return g.op('Reshape', [x, g.int64s(target)], {}, shape);
}

/** Reshape to a shape computed in the graph (an int64 tensor). */
export function reshapeTo(g: GraphBuilder, x: Tensor, target: Tensor, shape: readonly Dim[]): Tensor {
  return g.op('Reshape', [x, target], {}, shape);
}

export function shapeOf(g: GraphBuilder, x: Tensor): Tensor {
  return g.op('Shape', [x], {}, [x.shape.length], ElemType.Int64);
}

/** The int64 dims [start, end) of x's runtime shape. */
export function dimsOf(g: GraphBuilder, x: Tensor, start: number, end: number): Tensor {
  return g.op('Shape', [x], { start: attr.int(start), end: attr.int(end) }, [end - start], ElemType.Int64);
}

export function concatInts(g: GraphBuilder, parts: readonly Tensor[]): Tensor {
  const length = parts.reduce((sum, p) => sum + Number(p.shape[0]), 0);
  return g.op('Concat', parts, { axis: attr.int(0) }, [length], ElemType.Int64);
}

export function binary(g: GraphBuilder, opType: 'Add' | 'Sub' | 'Mul' | 'Div', a: Tensor, b: Tensor): Tensor {
  return g.op(opType, [a, b], {}, broadcastShapes(a.shape, b.shape, opType));
}

export function reduce(
  g: GraphBuilder,
  opType: 'ReduceSum' | 'ReduceMean' | 'ReduceSumSquare',
  x: Tensor,
  axes: readonly number[],
  keepDims: boolean,
): Tensor {
  const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
  // ReduceSum takes axes as an input since opset 13; ReduceMean/ReduceSumSquare still as an attribute in opset 17.
  if (opType === 'ReduceSum') return g.op(opType, [x, g.int64s(axes)], { keepdims: attr.int(keepDims ? 1 : 0) }, shape);
  return g.op(opType, [x], { axes: attr.ints(axes), keepdims: attr.int(keepDims ? 1 : 0) }, shape);
}

/** Numpy broadcasting of two symbolic shapes; symbols are never 1, so two different symbols cannot broadcast. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], what: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else
      throw new GraphBuildError(
        `${what}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dim ${i}: ${da} vs ${db})`,
      );
  }
  return out;
}

/** Sums a gradient of the broadcast shape back down to an input's shape (tfjs `reduceShape` idiom). */
export function unbroadcast(g: GraphBuilder, grad: Tensor, inputShape: readonly Dim[]): Tensor {
  const lead = grad.shape.length - inputShape.length;
  let out = grad;
  if (lead > 0) out = reduce(g, 'ReduceSum', out, [...Array(lead).keys()], false);
  const stretched = inputShape.flatMap((d, i) => (d === 1 && out.shape[i] !== 1 ? [i] : []));
  if (stretched.length > 0) out = reduce(g, 'ReduceSum', out, stretched, true);
  return out;
}

/** Reshapes a per-channel vector [C] to [C, 1, 1, 1] so it broadcasts over [N, C, D, H, W]. */
export function perChannel(g: GraphBuilder, v: Tensor): Tensor {
  return reshape(g, v, [-1, 1, 1, 1], [v.shape[0], 1, 1, 1]);
}

/**
 * The number of elements of x over `axes`, as a float32 scalar computed on the device: the sum of an Expand of 1.0 to
 * each axis' runtime length, multiplied together. Size + Cast would do on CPU, but Size reads its input on the host
 * and WebGPU has no int64 Cast, so that form moves a whole activation to the host and a scalar back.
 */
export function elementCount(g: GraphBuilder, x: Tensor, axes: readonly number[]): Tensor {
  const lengths = axes.map((axis) => {
    const ones = g.op('Expand', [g.floats([1], [1]), dimsOf(g, x, axis, axis + 1)], {}, [x.shape[axis]]);
    return reduce(g, 'ReduceSum', ones, [0], false);
  });
  return lengths.reduce((product, length) => binary(g, 'Mul', product, length));
}
