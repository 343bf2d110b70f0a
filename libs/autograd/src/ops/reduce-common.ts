import { GraphBuilder } from '../graph-builder';
import { Tensor } from '../tensor';
import { shapeOf } from './emit';

export interface ReduceAttrs {
  /** Non-negative, ascending. */
  axes: readonly number[];
  keepDims: boolean;
}

/** Broadcasts a reduction's gradient back to the reduced input's shape (re-inserting dropped axes first). */
export function expandBack(g: GraphBuilder, grad: Tensor, x: Tensor, { axes, keepDims }: ReduceAttrs): Tensor {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const kept = keepDims ? grad : g.op('Unsqueeze', [grad, g.int64s(axes)], {}, keptShape);
  return g.op('Expand', [kept, shapeOf(g, x)], {}, x.shape);
}
