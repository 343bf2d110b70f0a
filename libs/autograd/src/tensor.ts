import { ElemType } from './onnx/model-proto';

/**
 * A dimension: a number when known at build time, otherwise a symbol (`N`, `D`, `D/2`, ...). Symbolic spatial dims
 * keep their relation to the input through strided convs and upsampling so graph outputs carry readable shapes.
 * A symbol never stands for 1 (broadcasting relies on that).
 */
export type Dim = number | string;

/** A symbolic tensor: a value in the graph under construction. */
export interface Tensor {
  readonly name: string;
  readonly shape: readonly Dim[];
  readonly elemType: ElemType;
  /** Whether gradients flow to it (parameters, and everything computed from them). */
  readonly requiresGrad: boolean;
}

function parseSymbol(dim: string): { base: string; divisor: number } {
  const match = /^(.+)\/(\d+)$/.exec(dim);
  return match ? { base: match[1], divisor: Number(match[2]) } : { base: dim, divisor: 1 };
}

/** `dim / factor` (exact division assumed: the caller checks sizes at run time). */
export function divideDim(dim: Dim, factor: number): Dim {
  if (typeof dim === 'number' || factor === 1) return typeof dim === 'number' ? dim / factor : dim;
  const { base, divisor } = parseSymbol(dim);
  return `${base}/${divisor * factor}`;
}

/** `dim * factor`, undoing an earlier division symbolically where it can. */
export function multiplyDim(dim: Dim, factor: number): Dim {
  if (typeof dim === 'number') return dim * factor;
  const { base, divisor } = parseSymbol(dim);
  if (divisor % factor === 0) return divisor === factor ? base : `${base}/${divisor / factor}`;
  return `${factor}*${dim}`;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}
