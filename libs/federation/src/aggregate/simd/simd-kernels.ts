/**
 * The inner loops of aggregation, as WebAssembly SIMD kernels over rows staged in one scratch memory.
 *
 * Why WebAssembly: JavaScript in Node 20 has no SIMD and no branch-free float min/max (`Math.min` and `a < b ? a : b`
 * both compile to branches, which mispredict half the time on the random-looking order of site values; a
 * branch-free arithmetic select in JavaScript reached only ~19% of copy bandwidth for a median of 3). Measured with
 * `fedstroke bench aggregate --params 50000000 --sites 3` on the shared 2-core machine (medians over runs): the
 * scalar JavaScript weighted sum ran at 55% of the bandwidth of a plain copy (42–59% over 6 runs) and the
 * coordinate-wise median at 4.5%; with these kernels FedAvg runs at 79% (67–83% over 5 runs) and the median at 65%
 * (62–73%). V8 compiles them to SSE: `f32x4.pmin`/`pmax` are single `minps`/`maxps`.
 *
 * Why float64 arithmetic in the weighted sums: every term c_i·x_i and every partial sum is a float64 operation in
 * the same order as the scalar reference Σ_i c_i·x_i evaluated left to right, and the result is rounded to float32
 * once, so the output is bit-for-bit the float32 rounding of that float64 expression, as before these kernels. A
 * float32 kernel measured ~20% faster end to end but would add up to (k + 1)·2⁻²⁴·Σ|c_i·x_i| of error and lose
 * that reproducibility; the float64 one already meets the target with margin.
 *
 * Layout: the caller stages rows a fixed stride apart; element counts are multiples of 4 (whole vectors). Lanes
 * past a chunk's real length hold stale values from earlier chunks; every kernel works column by column, so they
 * never mix into real lanes, and the caller copies back only the real length. Inputs are expected finite (update
 * validation rejects NaN and ±∞ before aggregation); with NaN the order statistics are unspecified.
 */
import { assembleModule, forEachStep, op, ValueType, type Bytes, type WasmFunction } from './wasm-encoder';

const { i32, f64, v128 } = ValueType;

/** Rows one weighted-sum kernel reads in its fused loop; more rows are summed in groups through a float64 row. */
export const ROWS_PER_KERNEL = 4;

/**
 * `weighted_sum` over `rows` staged rows (1..4), element j:
 *   s = [acc64[j] +] c_0·row_0[j] + c_1·row_1[j] + …      (float64, left to right)
 *   readAccumulator: start from the float64 row `acc` instead of the first product
 *   roundToFloat32:  dst[j] = f32(s)   else   acc64[j] = s
 * params (dst, acc, firstRow, stride, coefficients, n): byte addresses, except stride (bytes) and n (elements).
 * Coefficients are stored as f64x2 pairs (c, c), 16 bytes each, so the kernel loads each once, splatted. Each step
 * handles 4 elements as two f64x2 halves; a half is read as two f32 with `v128.load64_zero` and widened exactly
 * (measured ~8% faster than one 4-lane load plus a shuffle for the high half).
 */
function weightedSumKernel(rows: number, readAccumulator: boolean, roundToFloat32: boolean): WasmFunction {
  const [dst, acc, firstRow, stride, coefficients, n] = [0, 1, 2, 3, 4, 5];
  // Locals: the loop's byte offset j and bound, the accumulator address, then per row its address and coefficient.
  const [j, bound, accAt, rowAt] = [6, 7, 8, 9];
  const [coefficientAt, low, high] = [9 + rows, 9 + 2 * rows, 10 + 2 * rows];
  const setup: Bytes = [];
  for (let r = 0; r < rows; r++) {
    const previous = [...op.localGet(rowAt + r - 1), ...op.localGet(stride), ...op.i32Add];
    setup.push(...(r === 0 ? op.localGet(firstRow) : previous), ...op.localSet(rowAt + r));
    setup.push(...op.localGet(coefficients), ...op.v128Load(16 * r), ...op.localSet(coefficientAt + r));
  }
  const body: Bytes = [];
  if (readAccumulator || !roundToFloat32) {
    // accAt = acc + 2·j: element j's float64 sits at twice its float32 offset.
    body.push(...op.localGet(j), ...op.i32Const(1), ...op.i32Shl, ...op.localGet(acc), ...op.i32Add);
    body.push(...op.localSet(accAt));
  }
  if (readAccumulator) {
    body.push(...op.localGet(accAt), ...op.v128Load(0), ...op.localSet(low));
    body.push(...op.localGet(accAt), ...op.v128Load(16), ...op.localSet(high));
  }
  for (let r = 0; r < rows; r++) {
    const startsSum = r === 0 && !readAccumulator;
    for (const [half, offset] of [
      [low, 0],
      [high, 8],
    ]) {
      if (!startsSum) body.push(...op.localGet(half));
      body.push(...op.localGet(rowAt + r), ...op.localGet(j), ...op.i32Add, ...op.v128Load64Zero(offset));
      body.push(...op.f64x2PromoteLowF32x4, ...op.localGet(coefficientAt + r), ...op.f64x2Mul);
      if (!startsSum) body.push(...op.f64x2Add);
      body.push(...op.localSet(half));
    }
  }
  if (roundToFloat32) {
    body.push(...op.localGet(dst), ...op.localGet(j), ...op.i32Add);
    body.push(...op.localGet(low), ...op.f32x4DemoteF64x2Zero, ...op.localGet(high), ...op.f32x4DemoteF64x2Zero);
    body.push(...op.joinLowHalves, ...op.v128Store(0));
  } else {
    body.push(...op.localGet(accAt), ...op.localGet(low), ...op.v128Store(0));
    body.push(...op.localGet(accAt), ...op.localGet(high), ...op.v128Store(16));
  }
  const byteCount = [...op.localGet(n), ...op.i32Const(2), ...op.i32Shl];
  return {
    name: weightedSumName(rows, readAccumulator, roundToFloat32),
    params: [i32, i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, ...Array<ValueType>(rows).fill(i32), ...Array<ValueType>(rows + 2).fill(v128)],
    body: [...setup, ...forEachStep(j, bound, byteCount, 16, body)],
  };
}

const weightedSumName = (rows: number, readAccumulator: boolean, roundToFloat32: boolean): string =>
  `weighted_sum_${rows}_${readAccumulator ? 'add' : 'start'}_${roundToFloat32 ? 'f32' : 'f64'}`;

/**
 * `sort_columns(pairs, count, n)`: applies a comparator network to every column of the staged rows. `pairs` holds
 * `count` (a, b) byte addresses of two rows; each comparator leaves min in row a and max in row b, 4 lanes per
 * instruction, with no branch on the data.
 */
function sortColumnsKernel(): WasmFunction {
  const [pairs, count, n] = [0, 1, 2];
  const [c, comparatorBound, j, bound, a, b, x, y] = [3, 4, 5, 6, 7, 8, 9, 10];
  const exchange: Bytes = [
    ...[...op.localGet(a), ...op.localGet(j), ...op.i32Add, ...op.v128Load(0), ...op.localSet(x)],
    ...[...op.localGet(b), ...op.localGet(j), ...op.i32Add, ...op.v128Load(0), ...op.localSet(y)],
    // pmin(x, y) = y < x ? y : x and pmax(x, y) = x < y ? y : x: one minps / maxps each.
    ...[...op.localGet(a), ...op.localGet(j), ...op.i32Add, ...op.localGet(x), ...op.localGet(y), ...op.f32x4PMin],
    ...op.v128Store(0),
    ...[...op.localGet(b), ...op.localGet(j), ...op.i32Add, ...op.localGet(x), ...op.localGet(y), ...op.f32x4PMax],
    ...op.v128Store(0),
  ];
  const comparator: Bytes = [
    ...[...op.localGet(pairs), ...op.localGet(c), ...op.i32Add, ...op.i32Load(0), ...op.localSet(a)],
    ...[...op.localGet(pairs), ...op.localGet(c), ...op.i32Add, ...op.i32Load(4), ...op.localSet(b)],
    ...forEachStep(j, bound, [...op.localGet(n), ...op.i32Const(2), ...op.i32Shl], 16, exchange),
  ];
  return {
    name: 'sort_columns',
    params: [i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, i32, v128, v128],
    body: forEachStep(c, comparatorBound, [...op.localGet(count), ...op.i32Const(3), ...op.i32Shl], 8, comparator),
  };
}

/**
 * `clip_toward(row, global, n, scale)`: row[j] = f32(global[j] + scale·(row[j] − global[j])) in float64, the
 * clipped site value of order-statistics.ts, exactly as the scalar expression computes it.
 */
function clipTowardKernel(): WasmFunction {
  const [row, global, n, scale] = [0, 1, 2, 3];
  const [j, bound, rowAt, globalAt, s] = [4, 5, 6, 7, 8];
  const widened = (at: number, offset: number): Bytes => [
    ...op.localGet(at),
    ...op.v128Load64Zero(offset),
    ...op.f64x2PromoteLowF32x4,
  ];
  // g + s·(x − g) for the two elements at `offset`, rounded to f32 in the low half.
  const half = (offset: number): Bytes => [
    ...widened(globalAt, offset),
    ...op.localGet(s),
    ...[...widened(rowAt, offset), ...widened(globalAt, offset), ...op.f64x2Sub],
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.f32x4DemoteF64x2Zero,
  ];
  const body: Bytes = [
    ...[...op.localGet(row), ...op.localGet(j), ...op.i32Add, ...op.localSet(rowAt)],
    ...[...op.localGet(global), ...op.localGet(j), ...op.i32Add, ...op.localSet(globalAt)],
    ...[...op.localGet(rowAt), ...half(0), ...half(8), ...op.joinLowHalves, ...op.v128Store(0)],
  ];
  return {
    name: 'clip_toward',
    params: [i32, i32, i32, f64],
    locals: [i32, i32, i32, i32, v128],
    body: [
      ...[...op.localGet(scale), ...op.f64x2Splat, ...op.localSet(s)],
      ...forEachStep(j, bound, [...op.localGet(n), ...op.i32Const(2), ...op.i32Shl], 16, body),
    ],
  };
}

/** The slice of the WebAssembly JS API used here (this project's tsconfig has no "dom" lib to declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

type Kernel = (...args: number[]) => void;

interface Kernels {
  weightedSum: (rows: number, readAccumulator: boolean, roundToFloat32: boolean) => Kernel;
  sortColumns: (pairs: number, count: number, n: number) => void;
  clipToward: (row: number, global: number, n: number, scale: number) => void;
  memory: WasmMemory;
}

const PAGE_BYTES = 65536;

/** Index of a weighted-sum variant in the kernel table. */
const variantIndex = (rows: number, readAccumulator: boolean, roundToFloat32: boolean): number =>
  (rows - 1) * 4 + (readAccumulator ? 2 : 0) + (roundToFloat32 ? 1 : 0);

function instantiate(): Kernels {
  const variants: WasmFunction[] = [];
  for (let rows = 1; rows <= ROWS_PER_KERNEL; rows++) {
    for (const readAccumulator of [false, true]) {
      for (const roundToFloat32 of [false, true])
        variants.push(weightedSumKernel(rows, readAccumulator, roundToFloat32));
    }
  }
  const bytes = assembleModule([...variants, sortColumnsKernel(), clipTowardKernel()], 16);
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const { exports } = new wasm.Instance(new wasm.Module(bytes));
  const table = variants.map((v) => exports[v.name] as Kernel);
  return {
    weightedSum: (rows, readAccumulator, roundToFloat32) => table[variantIndex(rows, readAccumulator, roundToFloat32)],
    sortColumns: exports.sort_columns as Kernels['sortColumns'],
    clipToward: exports.clip_toward as Kernels['clipToward'],
    memory: exports.memory as WasmMemory,
  };
}

let instance: Kernels | null = null;

/** The kernels, assembled and compiled on first use (~20 ms) and shared by the process. */
export function simdKernels(): Kernels {
  instance ??= instantiate();
  return instance;
}

/** Views of the kernels' memory, grown (never shrunk) to at least `bytes`; growing replaces the views. */
export interface Scratch {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
}

let views: Scratch | null = null;

/**
 * Scratch of at least `bytes`, for the current call only: aggregation is synchronous, so no two calls interleave,
 * and a grow (which detaches the old buffer) happens only here, before any view is used.
 */
export function scratch(bytes: number): Scratch {
  const { memory } = simdKernels();
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  if (views === null || views.f32.buffer !== memory.buffer) {
    views = {
      f32: new Float32Array(memory.buffer),
      f64: new Float64Array(memory.buffer),
      i32: new Int32Array(memory.buffer),
    };
  }
  return views;
}

/** Rounds an element count up to whole 4-lane vectors. */
export const wholeVectors = (n: number): number => (n + 3) & ~3;
