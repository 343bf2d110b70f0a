import { AggregationError } from '../federation.errors';

/**
 * Coordinates per chunk. 16k float32 = 64 KiB per row: FedAvg's five staging rows (320 KiB) or the k-row sort
 * scratch of the robust aggregators stay within a 512 KiB L2 while every pass over them runs. Measured with
 * `fedstroke bench aggregate`: 64k-element chunks (1.25 MiB of rows) spill to L3 and ran slower.
 */
export const DEFAULT_CHUNK_SIZE = 16384;

/** Calls `visit(start, end)` over [0, length) in consecutive chunks; the last one is shorter when length is ragged. */
export function forEachChunk(length: number, visit: (start: number, end: number) => void): void {
  for (let start = 0; start < length; start += DEFAULT_CHUNK_SIZE) {
    visit(start, Math.min(length, start + DEFAULT_CHUNK_SIZE));
  }
}

/** Every input has the expected length; names the offending one. */
export function assertSameLength(inputs: readonly Float32Array[], length: number, label: (i: number) => string): void {
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].length !== length) {
      throw new AggregationError(
        'LENGTH_MISMATCH',
        `${label(i)} has ${inputs[i].length} parameters, expected ${length} (the global model's length)`,
      );
    }
  }
}

function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * The buffer aggregation writes into: the caller's (checked for length, and for not sharing memory with any input,
 * since writing into an input would mutate it mid-read) or a fresh one.
 */
export function outputBuffer(
  out: Float32Array | undefined,
  length: number,
  inputs: readonly Float32Array[],
): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (out.length !== length) {
    throw new AggregationError('LENGTH_MISMATCH', `output buffer has ${out.length} elements, expected ${length}`);
  }
  for (const input of inputs) {
    if (overlaps(out, input)) {
      throw new AggregationError(
        'OUTPUT_ALIASES_INPUT',
        'output buffer shares memory with an input (global model or a client update); aggregation never mutates its ' +
          'inputs, so pass a separate buffer',
      );
    }
  }
  return out;
}
