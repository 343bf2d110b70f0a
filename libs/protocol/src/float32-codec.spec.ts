import { bytesToFloat32, float32ToBytes, WireFormatError } from './float32-codec';

describe('raw float32 codec', () => {
  it('encodes as a view on the same memory, little-endian', () => {
    const weights = Float32Array.from([1, -2.5]);
    const bytes = float32ToBytes(weights);
    expect(bytes.buffer).toBe(weights.buffer);
    expect(Array.from(bytes)).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
  });

  it('decodes aligned bytes without a copy and unaligned bytes with one', () => {
    const aligned = new Uint8Array(Float32Array.from([3, 4]).buffer);
    const view = bytesToFloat32(aligned, 'aligned');
    expect(view.buffer).toBe(aligned.buffer);
    expect(Array.from(view)).toEqual([3, 4]);

    const backing = new Uint8Array(9);
    backing.set(aligned, 1);
    const unaligned = bytesToFloat32(backing.subarray(1), 'unaligned');
    expect(unaligned.buffer).not.toBe(backing.buffer);
    expect(Array.from(unaligned)).toEqual([3, 4]);
  });

  it('refuses a length that is not a whole number of float32 values, naming the source', () => {
    expect(() => bytesToFloat32(new Uint8Array(7), 'update of site-1')).toThrow(
      new WireFormatError('LENGTH_MISMATCH', 'update of site-1: 7 bytes is not a whole number of float32 values'),
    );
  });
});
