/**
 * Reads a raw float32 body straight into one buffer of the expected size while hashing it, so a downloaded model
 * costs its own size in memory once (no chunk list, no concatenated copy, no aligned copy) and a body that runs
 * long is refused at the first byte too many, not after it has been held whole.
 */
import { createHash } from 'node:crypto';
import { BYTES_PER_PARAMETER, float32ToBytes, WireFormatError } from './float32-codec';

export interface Float32BodyExpectation {
  /** Names the body in errors, e.g. "model 3f2…". */
  source: string;
  parameterCount: number;
  /** The sha256 the body must have (from the task or a header); omitted: only the length is checked. */
  sha256?: string | null;
}

export interface Float32Body {
  weights: Float32Array;
  /** sha256 of the body as received. */
  sha256: string;
}

/**
 * Consumes `body` (a fetch Response's body or any Node stream) into a Float32Array of `parameterCount` values.
 * Throws WireFormatError LENGTH_MISMATCH or SHA256_MISMATCH; errors of the stream itself (a dropped connection)
 * pass through unchanged, so the caller can tell a network fault from a wrong body.
 */
export async function readFloat32Body(
  body: AsyncIterable<Uint8Array> | null,
  expectation: Float32BodyExpectation,
): Promise<Float32Body> {
  const expectedBytes = expectation.parameterCount * BYTES_PER_PARAMETER;
  const weights = new Float32Array(expectation.parameterCount);
  const bytes = float32ToBytes(weights);
  const hash = createHash('sha256');
  let received = 0;
  for await (const chunk of body ?? []) {
    if (received + chunk.byteLength > expectedBytes) {
      // Leaving the loop cancels the rest of the body.
      throw new WireFormatError(
        'LENGTH_MISMATCH',
        `${expectation.source}: body is longer than the expected ${expectedBytes} bytes (${expectation.parameterCount} float32 parameters)`,
      );
    }
    bytes.set(chunk, received);
    hash.update(chunk);
    received += chunk.byteLength;
  }
  if (received !== expectedBytes) {
    throw new WireFormatError(
      'LENGTH_MISMATCH',
      `${expectation.source}: received ${received} bytes, expected ${expectedBytes} (${expectation.parameterCount} float32 parameters)`,
    );
  }
  const sha256 = hash.digest('hex');
  if (expectation.sha256 && sha256 !== expectation.sha256.toLowerCase()) {
    throw new WireFormatError(
      'SHA256_MISMATCH',
      `${expectation.source}: body sha256 ${sha256} differs from the expected ${expectation.sha256}`,
    );
  }
  return { weights, sha256 };
}
