import { Readable } from 'node:stream';
import { readFloat32Body } from './body-reader';
import { float32ToBytes } from './float32-codec';
import { sha256Hex } from './sha256';

const weights = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
const bytes = Buffer.from(float32ToBytes(weights));
/** The body in uneven chunks that do not fall on float32 boundaries. */
const chunked = (data: Buffer, size = 333) =>
  Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
  );

describe('readFloat32Body', () => {
  it('reads uneven chunks into one aligned buffer and reports the sha256', async () => {
    const body = await readFloat32Body(chunked(bytes), {
      source: 'model m',
      parameterCount: 1000,
      sha256: sha256Hex(bytes),
    });
    expect(body.sha256).toBe(sha256Hex(bytes));
    expect(body.weights).toEqual(weights);
    expect(body.weights.byteOffset).toBe(0);
    expect(body.weights.buffer.byteLength).toBe(4000);
  });

  it('reads a fetch body (a web ReadableStream)', async () => {
    const response = new Response(bytes);
    const body = await readFloat32Body(response.body, { source: 'model m', parameterCount: 1000 });
    expect(body.weights).toEqual(weights);
  });

  it('refuses short, long and altered bodies with the code and the figures', async () => {
    const expectation = { source: 'model m', parameterCount: 1000, sha256: sha256Hex(bytes) };
    await expect(readFloat32Body(chunked(bytes.subarray(0, 3996)), expectation)).rejects.toMatchObject({
      code: 'LENGTH_MISMATCH',
      message: 'model m: received 3996 bytes, expected 4000 (1000 float32 parameters)',
    });
    await expect(readFloat32Body(chunked(Buffer.concat([bytes, bytes])), expectation)).rejects.toMatchObject({
      code: 'LENGTH_MISMATCH',
      message: expect.stringMatching(/longer than the expected 4000 bytes/),
    });
    const altered = Buffer.from(bytes);
    altered[17] ^= 1;
    await expect(readFloat32Body(chunked(altered), expectation)).rejects.toMatchObject({
      code: 'SHA256_MISMATCH',
      message: expect.stringContaining(`differs from the expected ${sha256Hex(bytes)}`),
    });
  });

  it('passes a dropped connection through as the stream error', async () => {
    const dropped = new Readable({
      read() {
        this.push(bytes.subarray(0, 100));
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    await expect(readFloat32Body(dropped, { source: 'model m', parameterCount: 1000 })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });
});
