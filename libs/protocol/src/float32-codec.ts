/**
 * The weights codec of every transfer and every weights file: raw little-endian IEEE-754 float32, parameter order
 * fixed by the manifest, no header. The sha256 of these bytes is the model's identity everywhere (database,
 * headers, manifests).
 */
import { endianness } from 'node:os';
import { FedstrokeError } from '@fedstroke/common';

export const BYTES_PER_PARAMETER = 4;

/** A body or file that is not what the protocol says it must be (wrong length, wrong sha256). */
export class WireFormatError extends FedstrokeError {
  constructor(
    code: 'LENGTH_MISMATCH' | 'SHA256_MISMATCH' | 'UNSUPPORTED_HOST',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

function assertLittleEndianHost(): void {
  // Typed arrays use the host's byte order; the wire is little-endian. Every platform Node ships on but s390x is LE.
  if (endianness() !== 'LE') {
    throw new WireFormatError('UNSUPPORTED_HOST', 'raw float32 weights are little-endian; this host is big-endian');
  }
}

/** The weights' bytes as they travel: a view on the same memory, no copy. */
export function float32ToBytes(weights: Float32Array): Uint8Array {
  assertLittleEndianHost();
  return new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
}

/**
 * Bytes as float32 values: a view when the bytes are 4-byte aligned, a copy only when they are not (Node's pooled
 * small buffers can start at any offset). `source` names the bytes in the error.
 */
export function bytesToFloat32(bytes: Uint8Array, source: string): Float32Array {
  assertLittleEndianHost();
  if (bytes.byteLength % BYTES_PER_PARAMETER !== 0) {
    throw new WireFormatError(
      'LENGTH_MISMATCH',
      `${source}: ${bytes.byteLength} bytes is not a whole number of float32 values`,
    );
  }
  const count = bytes.byteLength / BYTES_PER_PARAMETER;
  if (bytes.byteOffset % BYTES_PER_PARAMETER === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  return new Float32Array(bytes.slice().buffer, 0, count);
}
