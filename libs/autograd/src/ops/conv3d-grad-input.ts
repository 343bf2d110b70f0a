import { GraphBuildError } from '../errors';
import { GraphBuilder } from '../graph-builder';
import { attr } from '../onnx/model-proto';
import { Tensor } from '../tensor';
import { concatInts, dimsOf, reshape, reshapeTo, shapeOf, SLICE_TO_END, transpose } from './emit';
import type { Conv3dAttrs } from './conv3d';
import { depthToSpace } from './depth-to-space';

/** Kernel taps one output phase r (i ≡ r mod stride) of a strided conv's input gradient reads, per spatial axis. */
interface PhaseTaps {
  /** Kernel indices in the order the phase's correlation reads them (ascending offset into dY). */
  taps: number[];
  padBegin: number;
  padEnd: number;
}

/**
 * For y[o] = Σ_t x[s·o + t − p]·w[t], input positions i = s·m + r receive dY[m + j]·w[r + p − s·j] for every j with
 * 0 ≤ r + p − s·j < k: a correlation of dY with the taps ordered by ascending j, padded by −j_min / j_max.
 */
export function phaseTaps(r: number, kernel: number, stride: number, padding: number): PhaseTaps {
  const jMin = Math.ceil((r + padding - (kernel - 1)) / stride);
  const jMax = Math.floor((r + padding) / stride);
  if (jMin > 0 || jMax < 0) {
    throw new GraphBuildError(
      `conv3d backward: phase ${r} of stride ${stride}, kernel ${kernel}, padding ${padding} reads no aligned tap`,
    );
  }
  const taps: number[] = [];
  for (let j = jMin; j <= jMax; j++) taps.push(r + padding - stride * j);
  return { taps, padBegin: -jMin, padEnd: jMax };
}

/** Stride 1: dX = Conv(dY, W with in/out swapped and flipped spatially), the flip being one Slice with steps −1. */
function gradInputStride1(g: GraphBuilder, gy: Tensor, x: Tensor, w: Tensor, { kernel, padding }: Conv3dAttrs): Tensor {
  let kernelT = transpose(g, w, [1, 0, 2, 3, 4]);
  if (kernel > 1) {
    kernelT = g.op(
      'Slice',
      [
        kernelT,
        g.int64s([-1, -1, -1]),
        g.int64s([-SLICE_TO_END, -SLICE_TO_END, -SLICE_TO_END]),
        g.int64s([2, 3, 4]),
        g.int64s([-1, -1, -1]),
      ],
      {},
      kernelT.shape,
    );
  }
  const pads = kernel - 1 - padding;
  return g.op(
    'Conv',
    [gy, kernelT],
    { kernel_shape: attr.ints([kernel, kernel, kernel]), pads: attr.ints(Array(6).fill(pads)) },
    x.shape,
  );
}

/**
 * Stride s > 1: s³ sub-pixel phases, each a small stride-1 correlation of dY with the taps that land on it, then
 * interleaved (a depth-to-space of the phase outputs). Avoids both ConvTranspose and zero-stuffing dY.
 */
export function gradInputStrided(g: GraphBuilder, gy: Tensor, x: Tensor, w: Tensor, attrs: Conv3dAttrs): Tensor {
  const { kernel, stride, padding } = attrs;
  const cin = x.shape[1] as number;
  const kernelT = transpose(g, w, [1, 0, 2, 3, 4]);
  const phases: Tensor[] = [];
  const per = [...Array(stride).keys()].map((r) => phaseTaps(r, kernel, stride, padding));
  for (const pd of per) {
    for (const ph of per) {
      for (const pw of per) {
        let k = kernelT;
        [pd, ph, pw].forEach((phase, axis) => {
          const shape = [...k.shape];
          shape[axis + 2] = phase.taps.length;
          k = g.op('Gather', [k, g.int64s(phase.taps)], { axis: attr.int(axis + 2) }, shape);
        });
        const pads = [pd.padBegin, ph.padBegin, pw.padBegin, pd.padEnd, ph.padEnd, pw.padEnd];
        phases.push(
          g.op('Conv', [gy, k], { kernel_shape: attr.ints(k.shape.slice(2) as number[]), pads: attr.ints(pads) }, [
            gy.shape[0],
            cin,
            ...gy.shape.slice(2),
          ]),
        );
      }
    }
  }
  const stacked = g.op('Concat', phases, { axis: attr.int(1) }, [
    gy.shape[0],
    cin * phases.length,
    ...gy.shape.slice(2),
  ]);
  if (stride === 2) return reshapeTo(g, depthToSpace(g, stacked, cin, gy, 'phase-major'), shapeOf(g, x), x.shape);
  const split = reshapeTo(
    g,
    stacked,
    concatInts(g, [g.int64s([-1, stride, stride, stride, cin]), dimsOf(g, gy, 2, 5)]),
    [gy.shape[0], stride, stride, stride, cin, ...gy.shape.slice(2)],
  );
  const interleaved = transpose(g, split, [0, 4, 5, 1, 6, 2, 7, 3]);
  return reshapeTo(g, interleaved, shapeOf(g, x), x.shape);
}

/**
 * Stride s > 1 as ONE Conv: the s³ phase kernels zero-padded to a common T³ support and stacked as Cin·s³ output
 * channels (built from W by one MatMul with a constant 0/1 selection matrix), then depth-to-space. More multiply-adds
 * than the separate phases (s³·T³ taps instead of k³) but one GEMM and no Concat. Needs every phase to start at the
 * same dY offset; returns undefined otherwise.
 */
export function gradInputMergedPhases(
  g: GraphBuilder,
  gy: Tensor,
  x: Tensor,
  w: Tensor,
  attrs: Conv3dAttrs,
): Tensor | undefined {
  const { kernel, stride, padding } = attrs;
  const per = [...Array(stride).keys()].map((r) => phaseTaps(r, kernel, stride, padding));
  if (per.some((p) => p.padBegin !== per[0].padBegin)) return undefined;
  const support = Math.max(...per.map((p) => p.taps.length));
  const padEnd = Math.max(...per.map((p) => p.padEnd));
  const [cout, cin] = w.shape as number[];
  const phases = stride ** 3;
  const k3 = kernel ** 3;
  const columns = phases * support ** 3;
  const selection = new Array<number>(k3 * columns).fill(0);
  let column = 0;
  for (const pd of per)
    for (const ph of per)
      for (const pw of per)
        for (let qd = 0; qd < support; qd++)
          for (let qh = 0; qh < support; qh++)
            for (let qw = 0; qw < support; qw++, column++) {
              if (qd >= pd.taps.length || qh >= ph.taps.length || qw >= pw.taps.length) continue;
              const tap = (pd.taps[qd] * kernel + ph.taps[qh]) * kernel + pw.taps[qw];
              selection[tap * columns + column] = 1;
            }
  const flat = reshape(g, w, [cout * cin, k3], [cout * cin, k3]);
  const picked = g.op('MatMul', [flat, g.floats(selection, [k3, columns])], {}, [cout * cin, columns]);
  const grouped = reshape(
    g,
    picked,
    [cout, cin, phases, support, support, support],
    [cout, cin, phases, support, support, support],
  );
  const kernelT = reshape(
    g,
    transpose(g, grouped, [1, 2, 0, 3, 4, 5]),
    [cin * phases, cout, support, support, support],
    [cin * phases, cout, support, support, support],
  );
  const p0 = per[0].padBegin;
  const stacked = g.op(
    'Conv',
    [gy, kernelT],
    { kernel_shape: attr.ints([support, support, support]), pads: attr.ints([p0, p0, p0, padEnd, padEnd, padEnd]) },
    [gy.shape[0], cin * phases, ...gy.shape.slice(2)],
  );
  const split = reshapeTo(
    g,
    stacked,
    concatInts(g, [g.int64s([-1, cin, stride, stride, stride]), dimsOf(g, gy, 2, 5)]),
    [gy.shape[0], cin, stride, stride, stride, ...gy.shape.slice(2)],
  );
  return reshapeTo(g, transpose(g, split, [0, 1, 5, 2, 6, 3, 7, 4]), shapeOf(g, x), x.shape);
}

/** dL/dX of a "same" conv3d. */
export function convGradInput(g: GraphBuilder, gy: Tensor, x: Tensor, w: Tensor, attrs: Conv3dAttrs): Tensor {
  return attrs.stride === 1 ? gradInputStride1(g, gy, x, w, attrs) : gradInputStrided(g, gy, x, w, attrs);
}
