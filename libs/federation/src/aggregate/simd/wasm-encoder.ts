/**
 * Just enough of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/) to assemble the
 * aggregation kernels of simd-kernels.ts in memory: one module, functions without imports, one exported memory.
 * Instructions are plain byte arrays built by the helpers below, named after their text-format mnemonics, so a
 * kernel reads like its WAT. V8 validates the bytes when the module is compiled, so a malformed kernel fails at load
 * with a precise message, never silently.
 */

export type Bytes = number[];

export const ValueType = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

function unsignedLeb128(value: number): Bytes {
  const out: Bytes = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return out;
}

function signedLeb128(value: number): Bytes {
  const out: Bytes = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
}

const vector = (items: Bytes[]): Bytes => [...unsignedLeb128(items.length), ...items.flat()];
const section = (id: number, body: Bytes): Bytes => [id, ...unsignedLeb128(body.length), ...body];
const name = (text: string): Bytes => vector([...new TextEncoder().encode(text)].map((b) => [b]));

/** A memory access's alignment hint (log2 bytes) and constant byte offset. */
const memarg = (alignLog2: number, offset: number): Bytes => [...unsignedLeb128(alignLog2), ...unsignedLeb128(offset)];
const simd = (opcode: number, ...immediates: Bytes): Bytes => [0xfd, ...unsignedLeb128(opcode), ...immediates];

/** Lane indices that join the low halves of two vectors (two demoted f64x2 results) into one f32x4. */
const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** The instructions the kernels use, by their text-format names. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number): Bytes => [0x0c, ...unsignedLeb128(depth)],
  brIf: (depth: number): Bytes => [0x0d, ...unsignedLeb128(depth)],
  localGet: (index: number): Bytes => [0x20, ...unsignedLeb128(index)],
  localSet: (index: number): Bytes => [0x21, ...unsignedLeb128(index)],
  localTee: (index: number): Bytes => [0x22, ...unsignedLeb128(index)],
  i32Load: (offset = 0): Bytes => [0x28, ...memarg(2, offset)],
  i32Const: (value: number): Bytes => [0x41, ...signedLeb128(value)],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Shl: [0x74],
  v128Load: (offset = 0): Bytes => simd(0x00, ...memarg(4, offset)),
  v128Store: (offset = 0): Bytes => simd(0x0b, ...memarg(4, offset)),
  /** Two f32 (8 bytes) into the low half of a vector, zeros above. */
  v128Load64Zero: (offset = 0): Bytes => simd(0x5d, ...memarg(3, offset)),
  f64x2Splat: simd(0x14),
  f32x4PMin: simd(0xea),
  f32x4PMax: simd(0xeb),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  /** The low two f32 lanes widened to f64 (exact). */
  f64x2PromoteLowF32x4: simd(0x5f),
  /** Two f64 lanes rounded to f32 (round to nearest even) into the low half; the high half is zero. */
  f32x4DemoteF64x2Zero: simd(0x5e),
  joinLowHalves: simd(0x0d, ...JOIN_LOW_HALVES),
} as const;

/** `for (j = 0; j < bytes; j += step) body` with j and the bound in the given i32 locals. */
export function forEachStep(j: number, bound: number, bytes: Bytes, step: number, body: Bytes): Bytes {
  return [
    ...bytes,
    ...op.localSet(bound),
    ...op.i32Const(0),
    ...op.localSet(j),
    ...op.block,
    ...op.loop,
    ...[...op.localGet(j), ...op.localGet(bound), ...op.i32GeU, ...op.brIf(1)],
    ...body,
    ...[...op.localGet(j), ...op.i32Const(step), ...op.i32Add, ...op.localSet(j)],
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

export interface WasmFunction {
  name: string;
  params: ValueType[];
  locals: ValueType[];
  body: Bytes;
}

/** A module of exported functions (no results) and one exported memory named `memory` of `pages` × 64 KiB. */
export function assembleModule(functions: readonly WasmFunction[], pages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector([])]);
  const bodies = functions.map((f) => {
    const code = [...vector(f.locals.map((t) => [1, t])), ...f.body, ...op.end];
    return [...unsignedLeb128(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => unsignedLeb128(i)))),
    ...section(5, vector([[0x00, ...unsignedLeb128(pages)]])),
    ...section(
      7,
      vector([...functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb128(i)]), [...name('memory'), 0x02, 0]]),
    ),
    ...section(10, vector(bodies)),
  ]);
}
