import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
  type NamedTensor,
} from './safetensors';
import { SafetensorsFormatError } from './errors';

const tensors: NamedTensor[] = [
  { name: 'encoder.0.0.0.weight', shape: [2, 1, 3], data: Float32Array.from([1, -2, 3.5, 4, 5e-8, -6e6]) },
  { name: 'head.bias', shape: [1], data: Float32Array.from([0.25]) },
  { name: 'scalar', shape: [], data: Float32Array.from([7]) },
  { name: 'b', shape: [2], data: Float32Array.from([Math.PI, -0]) },
];

/** Builds a file from a hand-written header, to test what a writer that is not ours might produce. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-safetensors-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips names, shapes, values and metadata, in the order written', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt', layout: 'abc' });
    const decoded = decodeSafetensors(bytes, 'memory');
    expect(decoded.metadata).toEqual({ format: 'pt', layout: 'abc' });
    expect(decoded.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    decoded.tensors.forEach((tensor, i) => {
      expect(tensor.shape).toEqual(tensors[i].shape);
      expect(Array.from(tensor.data)).toEqual(Array.from(tensors[i].data));
    });
  });

  it('pads the header with spaces so the data section starts on an 8-byte boundary and is one contiguous buffer', () => {
    for (let extra = 0; extra < 9; extra++) {
      const named = [{ name: 'w'.repeat(extra + 1), shape: [3], data: Float32Array.from([1, 2, 3]) }];
      const bytes = encodeSafetensors(named);
      const headerLength = Number(bytes.readBigUInt64LE(0));
      expect((8 + headerLength) % 8).toBe(0);
      expect(bytes.subarray(8, 8 + headerLength).toString('utf8')).toMatch(/^\{.*\} *$/);
      const decoded = decodeSafetensors(bytes, 'memory');
      // Zero copy: the decoded tensor is a view into the encoded bytes, right after the header.
      expect(decoded.tensors[0].data.buffer).toBe(bytes.buffer);
      expect(decoded.tensors[0].data.byteOffset).toBe(bytes.byteOffset + 8 + headerLength);
    }
  });

  it('writes atomically and reads back from disk, leaving no temporary file', async () => {
    const path = join(dir, 'model.safetensors');
    await writeSafetensors(path, tensors, { step: '3' });
    const read = await readSafetensors(path);
    expect(read.metadata).toEqual({ step: '3' });
    expect(Array.from(read.tensors[0].data)).toEqual(Array.from(tensors[0].data));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The layout is what PyTorch/NumPy readers expect: header JSON then raw little-endian float32.
    const raw = await readFile(path);
    const headerLength = Number(raw.readBigUInt64LE(0));
    const header = JSON.parse(raw.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header['head.bias']).toEqual({ dtype: 'F32', shape: [1], data_offsets: [24, 28] });
    expect(raw.readFloatLE(8 + headerLength + 24)).toBe(0.25);
  });

  it('copies instead of viewing when the bytes are not 4-byte aligned', () => {
    const bytes = encodeSafetensors(tensors);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const decoded = decodeSafetensors(shifted, 'memory');
    expect(Array.from(decoded.tensors[3].data)).toEqual(Array.from(tensors[3].data));
  });

  it('rejects truncated files, naming the file', async () => {
    const path = join(dir, 'truncated.safetensors');
    const bytes = encodeSafetensors(tensors);
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    await expect(readSafetensors(path)).rejects.toThrow(SafetensorsFormatError);
    await expect(readSafetensors(path)).rejects.toThrow(new RegExp(`${path}.*truncated|${path}.*out of range`));
    await writeFile(path, bytes.subarray(0, 5));
    await expect(readSafetensors(path)).rejects.toThrow(`${path}: not a valid safetensors file: truncated`);
    await writeFile(path, bytes.subarray(0, 20));
    await expect(readSafetensors(path)).rejects.toThrow(/goes beyond the end of the file/);
  });

  it('rejects an oversized header length and garbage, naming the source', () => {
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(2n ** 62n, 0);
    expect(() => decodeSafetensors(huge, 'huge.safetensors')).toThrow(
      /huge\.safetensors.*exceeds the 100000000-byte limit/,
    );
    const garbage = Buffer.from('this is not a safetensors file at all, just text');
    expect(() => decodeSafetensors(garbage, 'garbage.bin')).toThrow(/garbage\.bin.*not a valid safetensors file/);
    expect(() => decodeSafetensors(rawFile('{"a": oops}'), 'bad.json')).toThrow(/bad\.json.*not valid JSON/);
    expect(() => decodeSafetensors(rawFile('[1,2]'), 'array')).toThrow(/header JSON is not an object/);
  });

  it('rejects other dtypes, bad offsets, gaps and size mismatches', () => {
    const four = new Uint8Array(4);
    expect(() =>
      decodeSafetensors(rawFile('{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', four), 'f16'),
    ).toThrow(/dtype F16; only F32/);
    expect(() =>
      decodeSafetensors(rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}', four), 'oor'),
    ).toThrow(/out of range/);
    expect(() =>
      decodeSafetensors(rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', four), 'size'),
    ).toThrow(/needs 8/);
    expect(() =>
      decodeSafetensors(rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)), 'gap'),
    ).toThrow(/gap or overlap/);
    expect(() =>
      decodeSafetensors(rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(8)), 'tail'),
    ).toThrow(/cover 4 data bytes but the data section holds 8/);
    expect(() => decodeSafetensors(rawFile('{"__metadata__":{"a":1}}'), 'meta')).toThrow(
      /__metadata__\.a is not a string/,
    );
  });

  it('refuses to encode a tensor whose data does not match its shape, or a repeated name', () => {
    expect(() => encodeSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }])).toThrow(
      /\(4 elements\) but 3 values/,
    );
    expect(() => encodeSafetensors([tensors[1], tensors[1]])).toThrow(/reserved or repeated/);
  });
});
