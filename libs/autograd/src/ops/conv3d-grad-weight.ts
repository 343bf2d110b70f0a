import { GraphBuilder } from '../graph-builder';
import { attr } from '../onnx/model-proto';
import { Tensor } from '../tensor';
import { reshape, SLICE_TO_END, transpose } from './emit';
import type { Conv3dAttrs } from './conv3d';
import { convGradWeightByShiftStack } from './conv3d-grad-weight-stack';

/** Taps stacked per Gemm in the weight gradient (measured: see README). */
export const DEFAULT_TAPS_PER_GEMM = 1;

/** [N, C, ...] -> [C, N·V]: channels first, so each tap's weight gradient is one GEMM over batch and space. */
export function channelsByVoxels(g: GraphBuilder, t: Tensor): Tensor {
  const channels = t.shape[1] as number;
  return reshape(g, transpose(g, t, [1, 0, 2, 3, 4]), [channels, -1], [channels, 'NV']);
}

/**
 * dW[co, ci, t] = Σ_{n,o} dY[n, co, o] · Xpad[n, ci, s·o + t]: for each of the k³ taps one strided Slice of the
 * padded input (channels first); `tapsPerGemm` consecutive taps are stacked so one Gemm(dY, taps, transB) yields
 * [Cout, tapsPerGemm·Cin] while reading dY once per group. Columns come out (tap, ci) and are rearranged to
 * [Cout, Cin, k, k, k].
 */
export function convGradWeightBySlices(
  g: GraphBuilder,
  gy: Tensor,
  x: Tensor,
  w: Tensor,
  { kernel, stride, padding }: Conv3dAttrs,
  tapsPerGemm = DEFAULT_TAPS_PER_GEMM,
): Tensor {
  const cout = w.shape[0] as number;
  const cin = w.shape[1] as number;
  const gyT = channelsByVoxels(g, gy);
  let xT = transpose(g, x, [1, 0, 2, 3, 4]);
  if (padding > 0) {
    const p = padding;
    xT = g.op('Pad', [xT, g.int64s([0, 0, p, p, p, 0, 0, p, p, p])], { mode: attr.string('constant') }, [
      cin,
      x.shape[0],
      'Dp',
      'Hp',
      'Wp',
    ]);
  }
  // Slice end so that exactly len(dY) elements are taken from start t with step s (relative to the padded end).
  const end = (t: number): number => {
    const e = t - stride + 1 - 2 * padding;
    return e >= 0 ? SLICE_TO_END : e;
  };
  const offsets: Array<[number, number, number]> = [];
  for (let td = 0; td < kernel; td++)
    for (let th = 0; th < kernel; th++) for (let tw = 0; tw < kernel; tw++) offsets.push([td, th, tw]);
  const slice = ([td, th, tw]: [number, number, number]): Tensor =>
    g.op(
      'Slice',
      [
        xT,
        g.int64s([td, th, tw]),
        g.int64s([end(td), end(th), end(tw)]),
        g.int64s([2, 3, 4]),
        g.int64s([stride, stride, stride]),
      ],
      {},
      [cin, x.shape[0], ...gy.shape.slice(2)],
    );
  // Each group's slices are emitted right before their Gemm so that ORT's sequential plan frees them at once: emitting
  // all k³ slices first kept them alive together (27 input-sized copies, the step's peak memory).
  const parts: Tensor[] = [];
  for (let first = 0; first < offsets.length; first += tapsPerGemm) {
    const group = offsets.slice(first, first + tapsPerGemm).map(slice);
    const rows = group.length * cin;
    const stacked =
      group.length === 1 ? group[0] : g.op('Concat', group, { axis: attr.int(0) }, [rows, ...group[0].shape.slice(1)]);
    const flat = reshape(g, stacked, [rows, -1], [rows, 'NV']);
    parts.push(g.op('Gemm', [gyT, flat], { transB: attr.int(1) }, [cout, rows]));
  }
  const taps = offsets;
  const all = parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis: attr.int(1) }, [cout, taps.length * cin]);
  if (taps.length === 1) return reshape(g, all, [cout, cin, 1, 1, 1], w.shape);
  const byTap = reshape(g, all, [cout, taps.length, cin], [cout, taps.length, cin]);
  return reshape(g, transpose(g, byTap, [0, 2, 1]), [cout, cin, kernel, kernel, kernel], w.shape);
}

/**
 * dW of a strided conv as ONE Conv: batch and channels swapped (Xᵀ [Cin, N, D, H, W] as the input, dYᵀ
 * [Cout, N, D/s, H/s, W/s] as the kernel, dilation = stride), giving [Cin, Cout, k, k, k]. The output is k wide when
 * the end pad is k − padding − stride, so this needs k ≥ padding + stride.
 */
export function convGradWeightByDilatedConv(
  g: GraphBuilder,
  gy: Tensor,
  x: Tensor,
  w: Tensor,
  { kernel, stride, padding }: Conv3dAttrs,
): Tensor {
  const endPad = kernel - padding - stride;
  const xT = transpose(g, x, [1, 0, 2, 3, 4]);
  const gyT = transpose(g, gy, [1, 0, 2, 3, 4]);
  const out = g.op(
    'Conv',
    [xT, gyT],
    {
      dilations: attr.ints([stride, stride, stride]),
      pads: attr.ints([padding, padding, padding, endPad, endPad, endPad]),
    },
    [w.shape[1], w.shape[0], kernel, kernel, kernel],
  );
  return transpose(g, out, [1, 0, 2, 3, 4]);
}

/** dW of a 1×1×1 conv: one Gemm of dY and X, both channels-first. */
function convGradWeightPointwise(g: GraphBuilder, gy: Tensor, x: Tensor, w: Tensor): Tensor {
  const [cout, cin] = w.shape as number[];
  const gk = g.op('Gemm', [channelsByVoxels(g, gy), channelsByVoxels(g, x)], { transB: attr.int(1) }, [cout, cin]);
  return reshape(g, gk, [cout, cin, 1, 1, 1], w.shape);
}

/**
 * dL/dW of a "same" conv3d, in the formulation that measured fastest (README): a Gemm for 1×1×1, the shift stack
 * (conv3d-grad-weight-stack.ts; its layout per the graph's lowering) for stride 1, the dilated conv for stride > 1.
 */
export function convGradWeight(g: GraphBuilder, gy: Tensor, x: Tensor, w: Tensor, attrs: Conv3dAttrs): Tensor {
  if (attrs.kernel === 1 && attrs.stride === 1) return convGradWeightPointwise(g, gy, x, w);
  if (attrs.stride === 1) {
    return convGradWeightByShiftStack(g, gy, x, w, attrs, g.lowering.convWeightGrad);
  }
  const dilatedFits = attrs.kernel - attrs.padding - attrs.stride >= 0;
  return dilatedFits ? convGradWeightByDilatedConv(g, gy, x, w, attrs) : convGradWeightBySlices(g, gy, x, w, attrs);
}
