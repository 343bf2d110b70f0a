import { GraphBuilder } from '../graph-builder';
import type { ShiftStackLowering } from '../lowering';
import { attr, ElemType } from '../onnx/model-proto';
import { Tensor } from '../tensor';
import { concatInts, dimsOf, reshape, reshapeTo, transpose } from './emit';
import type { Conv3dAttrs } from './conv3d';

/** Output columns MLAS's SGEMM kernel computes at once on AVX-512 (one register of floats). */
const MLAS_COLUMNS = 16;

/**
 * Weight gradient of a stride-1 "same" conv without k³ shifted copies of the input; `layout` and `stacked` as in
 * ShiftStackLowering (lowering.ts).
 *
 * On the flattened padded grid (pitch Hp·Wp per plane, Wp per row) tap (td, th, tw) is the constant offset
 * td·Hp·Wp + th·Wp + tw, so with dY embedded in that grid (zero rows and columns where the pads are)
 *   dW[co, ci, t] = Σ_{n,q} dYe[n, co, q − s] · Xp[n, ci, q + o],   offset(t) = o + s,
 * with the in-row (or in-plane) part s of the offset given to dY as shifted copies stacked into the rows of one matrix
 * (built once per conv) and the rest o to X as slices. Each slice of X then meets ALL stacked shifts in one product
 * with k·Cout (or k²·Cout) rows. Compared with a Slice and a [Cout × N·V]·[N·V × Cin] Gemm per tap, X is copied k²
 * (or k) times instead of k³, dY is read as often, and MLAS packs its B panel once per k·Cout rows instead of per Cout.
 * The zero tail of each embedded row/plane (2p columns, 2p rows) is what lets a shift of up to (k−1)·(Wp + 1) pass
 * sample and row boundaries without mixing values.
 */
export function convGradWeightByShiftStack(
  g: GraphBuilder,
  gy: Tensor,
  x: Tensor,
  w: Tensor,
  attrs: Conv3dAttrs,
  { layout, stacked }: ShiftStackLowering,
): Tensor {
  const { kernel, padding } = attrs;
  const [cout, cin] = w.shape as number[];
  const n = x.shape[0];
  const int = (v: number) => g.int64s([v]);
  const i64 = (op: string, a: Tensor, b: Tensor) => g.op(op, [a, b], {}, [1], ElemType.Int64);
  // Runtime pitches of the padded grid.
  const wp = i64('Add', dimsOf(g, x, 4, 5), int(2 * padding));
  const plane = i64('Mul', i64('Add', dimsOf(g, x, 3, 4), int(2 * padding)), wp);
  const offset = (planes: number, rowsIn: number, columns: number): Tensor =>
    i64('Add', i64('Add', i64('Mul', plane, int(planes)), i64('Mul', wp, int(rowsIn))), int(columns));
  const taps = [...Array(kernel).keys()];
  const shifts = stacked === 'plane' ? taps.flatMap((th) => taps.map((tw) => [th, tw])) : taps.map((tw) => [0, tw]);
  const outer = stacked === 'plane' ? taps.map((td) => [td, 0]) : taps.flatMap((td) => taps.map((th) => [td, th]));
  const maxShift = offset(0, stacked === 'plane' ? kernel - 1 : 0, kernel - 1);
  const rows = shifts.length * cout;

  const channelsFirst = layout === 'channels-first';
  const lead = (c: number) => (channelsFirst ? [c, n] : [n, c]);
  const arrange = (t: Tensor) => (channelsFirst ? transpose(g, t, [1, 0, 2, 3, 4]) : t);
  const pad = (t: Tensor, c: number, begin: number[], end: number[], shape: string[]) =>
    g.op('Pad', [arrange(t), g.int64s([0, 0, ...begin, 0, 0, ...end])], {}, [...lead(c), ...shape]);
  const flat = (t: Tensor, c: number) => reshape(g, t, [0, 0, -1], [...lead(c), 'F']);

  // dY embedded in the padded grid (H and W padded at the end by 2p), flattened: length Q = D·Hp·Wp.
  const gyFlat = flat(pad(gy, cout, [0, 0, 0], [0, 2 * padding, 2 * padding], ['D', 'Hp', 'Wp']), cout);
  const q = dimsOf(g, gyFlat, 2, 3);
  // Window length: every embedded value q' < Q − (2p·Wp + 2p) plus the largest stacked shift.
  const length = i64('Add', i64('Sub', q, offset(0, 2 * padding, 2 * padding)), maxShift);
  const gyFront = g.op('Pad', [gyFlat, concatInts(g, [int(0), int(0), maxShift, int(0), int(0), int(0)])], {}, [
    ...lead(cout),
    'F',
  ]);
  // Copy s: G_s[q] = dYe[q − s], sliced from the front-padded dY at maxShift − s.
  const copies = shifts.map(([th, tw]) => {
    const start = i64('Sub', maxShift, offset(0, th, tw));
    return g.op('Slice', [gyFront, start, i64('Add', start, length), int(2)], {}, [...lead(cout), 'L']);
  });
  const stack = g.op(
    'Concat',
    copies,
    { axis: attr.int(channelsFirst ? 0 : 1) },
    channelsFirst ? [rows, n, 'L'] : [n, rows, 'L'],
  );
  const xPadded = pad(x, cin, [padding, padding, padding], [padding, padding, padding], ['Dp', 'Hp', 'Wp']);

  const parts: Tensor[] = [];
  // MLAS runs 16 output columns (one AVX-512 register) at once: with Cin under that as the column count most of each
  // vector would idle (3 in the first layer, 8 in the largest), so such a product comes out [Cin, rows] instead.
  const cinAsRows = channelsFirst && cin < MLAS_COLUMNS;
  if (channelsFirst) {
    const a = reshape(g, stack, [rows, -1], [rows, 'NL']);
    const xFlat = flat(xPadded, cin);
    for (const [td, th] of outer) {
      const start = offset(td, th, 0);
      const slice = g.op('Slice', [xFlat, start, i64('Add', start, length), int(2)], {}, [cin, n, 'L']);
      const b = reshape(g, slice, [cin, -1], [cin, 'NL']);
      const transB = { transB: attr.int(1) };
      parts.push(cinAsRows ? g.op('Gemm', [b, a], transB, [cin, rows]) : g.op('Gemm', [a, b], transB, [rows, cin]));
    }
  } else {
    // The window is exactly D planes here (stacked in-plane shifts): [N, rows, D, Hp·Wp] -> [N, D, rows, Hp·Wp];
    // X as [N, Dp, Hp·Wp, Cin] once, its k windows of D planes sliced along the plane axis.
    const byPlane = (t: Tensor, c: number) =>
      reshapeTo(g, t, concatInts(g, [int(0), int(c), int(-1), plane]), [n, c, 'D', 'HpWp']);
    const a = transpose(g, byPlane(stack, rows), [0, 2, 1, 3]);
    const xPlanes = transpose(g, byPlane(xPadded, cin), [0, 2, 3, 1]);
    const depth = dimsOf(g, x, 2, 3);
    for (const [td] of outer) {
      const window = g.op('Slice', [xPlanes, int(td), i64('Add', depth, int(td)), int(1)], {}, [n, 'D', 'HpWp', cin]);
      const perPlane = g.op('MatMul', [a, window], {}, [n, 'D', rows, cin]);
      parts.push(g.op('ReduceSum', [perPlane, g.int64s([0, 1])], { keepdims: attr.int(0) }, [rows, cin]));
    }
  }
  // Rows (columns where Cin is the rows) come out (td, th, tw, co): rearrange to [Cout, Cin, k, k, k].
  const tapCount = kernel ** 3;
  const byTap = cinAsRows
    ? transpose(g, concatReshaped(g, parts, 1, [cin, tapCount, cout]), [2, 0, 1])
    : transpose(g, concatReshaped(g, parts, 0, [tapCount, cout, cin]), [1, 2, 0]);
  return reshape(g, byTap, [cout, cin, kernel, kernel, kernel], w.shape);
}

/** The 2-D parts concatenated along `axis`, reshaped to the 3-D `shape` (static). */
function concatReshaped(g: GraphBuilder, parts: Tensor[], axis: 0 | 1, shape: [number, number, number]): Tensor {
  const flat = axis === 1 ? [shape[0], shape[1] * shape[2]] : [shape[0] * shape[1], shape[2]];
  return reshape(g, g.op('Concat', parts, { axis: attr.int(axis) }, flat), shape, shape);
}
