/**
 * 3-D depth-to-space by 2 and its inverse, one spatial axis at a time: three Transposes of rank ≤ 5 that each move a
 * single axis, instead of one rank-8 Transpose. ORT's CPU provider runs a single-axis move with block copies but a
 * general rank-8 permutation element by element: measured on [2, 64, 32³] (2 threads), 21 ms of CPU time against 42.
 */
import { GraphBuilder } from '../graph-builder';
import { ElemType } from '../onnx/model-proto';
import { Dim, multiplyDim, Tensor } from '../tensor';
import { concatInts, dimsOf, reshapeTo, transpose } from './emit';

/** Where the 8 phases (rd, rh, rw) sit in the channel axis: after each channel, or before all channels. */
export type PhaseOrder = 'channel-major' | 'phase-major';

function dims(g: GraphBuilder, like: Tensor) {
  const d = (axis: number) => dimsOf(g, like, axis, axis + 1);
  const times = (a: Tensor, b: Tensor) => g.op('Mul', [a, b], {}, [1], ElemType.Int64);
  const int = (v: number) => g.int64s([v]);
  return { m1: d(2), m2: d(3), m3: d(4), times, int };
}

const step = (g: GraphBuilder, t: Tensor, target: Tensor, rank: number, perm: number[]): Tensor =>
  transpose(g, reshapeTo(g, t, target, Array<Dim>(rank).fill('?')), perm);

/**
 * [N, 8·C, M1, M2, M3] → [N, C, 2·M1, 2·M2, 2·M3]: output voxel (2m + r) takes channel (c, r) of voxel m, the channel
 * axis ordered (c, rd, rh, rw) for channel-major, (rd, rh, rw, c) for phase-major. `like` has the M spatial sizes.
 */
export function depthToSpace(g: GraphBuilder, z: Tensor, channels: number, like: Tensor, order: PhaseOrder): Tensor {
  const { m1, m2, m3, times, int } = dims(g, like);
  const c = int(channels);
  // Phase-major keeps C between the phases and M1 until the last step.
  const withM1 = order === 'channel-major' ? m1 : times(c, m1);
  // W: (… rw)(… m1 m2)(m3) → (…)(… m1 m2)(m3 rw)
  let t = step(g, z, concatInts(g, [int(-1), int(2), times(withM1, m2), m3]), 4, [0, 2, 3, 1]);
  // H: (… rh)(… m1)(m2)(w') → (…)(… m1)(m2 rh)(w')
  t = step(g, t, concatInts(g, [int(-1), int(2), withM1, m2, times(m3, int(2))]), 5, [0, 2, 3, 1, 4]);
  // D: (… rd)(…)(m1)(h' w') → (…)(m1 rd)(h' w')
  const hw = times(times(m2, m3), int(4));
  t =
    order === 'channel-major'
      ? step(g, t, concatInts(g, [int(-1), int(2), m1, hw]), 4, [0, 2, 1, 3])
      : step(g, t, concatInts(g, [int(-1), int(2), c, m1, hw]), 5, [0, 2, 3, 1, 4]);
  const doubled = (m: Tensor) => times(m, int(2));
  return reshapeTo(g, t, concatInts(g, [int(-1), c, doubled(m1), doubled(m2), doubled(m3)]), [
    z.shape[0],
    channels,
    ...like.shape.slice(2).map((d) => multiplyDim(d, 2)),
  ]);
}

/** Inverse of the channel-major depthToSpace: [N, C, 2·M1, 2·M2, 2·M3] → [N, C·8, M1, M2, M3]. */
export function spaceToDepth(g: GraphBuilder, y: Tensor, channels: number, like: Tensor): Tensor {
  const { m1, m2, m3, times, int } = dims(g, like);
  // D: (n c)(m1 rd)(h' w') → (n c rd)(m1)(h' w')
  let t = step(g, y, concatInts(g, [int(-1), m1, int(2), times(times(m2, m3), int(4))]), 4, [0, 2, 1, 3]);
  // H: (n c rd)(m1)(m2 rh)(w') → (n c rd rh)(m1)(m2)(w')
  t = step(g, t, concatInts(g, [int(-1), m1, m2, int(2), times(m3, int(2))]), 5, [0, 3, 1, 2, 4]);
  // W: (n c rd rh)(m1 m2)(m3 rw) → (n c rd rh rw)(m1 m2)(m3)
  t = step(g, t, concatInts(g, [int(-1), times(m1, m2), m3, int(2)]), 4, [0, 3, 1, 2]);
  return reshapeTo(g, t, concatInts(g, [int(-1), int(channels * 8), m1, m2, m3]), [
    y.shape[0],
    channels * 8,
    ...like.shape.slice(2),
  ]);
}
