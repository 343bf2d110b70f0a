import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { affineToRows } from './affine';
import { readNifti, readNiftiHeader } from './read';
import type { NiftiDatatype } from './volume';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'fedstroke-nifti-formats-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const CODES: Record<NiftiDatatype, [code: number, bytes: number]> = {
  uint8: [2, 1],
  int16: [4, 2],
  uint16: [512, 2],
  int32: [8, 4],
  float32: [16, 4],
  float64: [64, 8],
};

interface Spec {
  datatype: NiftiDatatype;
  values: number[];
  littleEndian: boolean;
  slope?: number;
  inter?: number;
  sform?: number[][];
  quatern?: { b: number; c: number; d: number; offset: number[]; qfac: number };
}

/** A NIfTI-2 file written field by field from nifti2.h offsets, independently of the reader's layout table. */
function nifti2(spec: Spec, shape = [2, 3, 2]): Buffer {
  const [code, width] = CODES[spec.datatype];
  const bytes = Buffer.alloc(544 + spec.values.length * width);
  const v = new DataView(bytes.buffer);
  const le = spec.littleEndian;
  v.setInt32(0, 540, le);
  bytes.write('n+2\0\r\n\x1a\n', 4, 'latin1');
  v.setInt16(12, code, le);
  v.setInt16(14, width * 8, le);
  [3, ...shape, 1, 1, 1, 1].forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), le));
  [spec.quatern?.qfac ?? 1, 1.5, 2, 3, 1, 1, 1, 1].forEach((p, i) => v.setFloat64(104 + 8 * i, p, le));
  v.setBigInt64(168, 544n, le);
  v.setFloat64(176, spec.slope ?? 0, le);
  v.setFloat64(184, spec.inter ?? 0, le);
  if (spec.quatern) {
    v.setInt32(344, 1, le);
    [spec.quatern.b, spec.quatern.c, spec.quatern.d, ...spec.quatern.offset].forEach((q, i) =>
      v.setFloat64(352 + 8 * i, q, le),
    );
  }
  if (spec.sform) {
    v.setInt32(348, 4, le);
    spec.sform.flat().forEach((s, i) => v.setFloat64(400 + 8 * i, s, le));
  }
  const setters: Record<NiftiDatatype, (o: number, x: number) => void> = {
    uint8: (o, x) => v.setUint8(o, x),
    int16: (o, x) => v.setInt16(o, x, le),
    uint16: (o, x) => v.setUint16(o, x, le),
    int32: (o, x) => v.setInt32(o, x, le),
    float32: (o, x) => v.setFloat32(o, x, le),
    float64: (o, x) => v.setFloat64(o, x, le),
  };
  spec.values.forEach((x, i) => setters[spec.datatype](544 + i * width, x));
  return bytes;
}

const TWELVE = (scale: number, offset = 0) => Array.from({ length: 12 }, (_, i) => offset + i * scale);

describe('NIfTI variants beyond the fixtures', () => {
  it.each([
    ['int16', true, TWELVE(-1000, 3000)],
    ['uint16', false, TWELVE(5000, 7)],
    ['int32', false, TWELVE(-100000, 5)],
    ['float64', false, TWELVE(0.125, -1)],
    ['uint8', true, TWELVE(20)],
  ] as [NiftiDatatype, boolean, number[]][])(
    'reads NIfTI-2 %s (little-endian: %s) with scl_slope/inter',
    async (datatype, le, values) => {
      const file = path.join(dir, `v2-${datatype}-${le ? 'le' : 'be'}.nii.gz`);
      await writeFile(file, gzipSync(nifti2({ datatype, values, littleEndian: le, slope: 0.5, inter: -2 })));
      const volume = await readNifti(file);
      expect(volume.shape).toEqual([2, 3, 2]);
      expect(volume.datatype).toBe(datatype);
      expect(Array.from(volume.data)).toEqual(values.map((x) => x * 0.5 - 2));
      const header = await readNiftiHeader(file);
      expect(header).toMatchObject({ version: 2, littleEndian: le, affineSource: 'pixdim' });
      // No qform, no sform: NIfTI method 1, plain pixdim scaling with the origin at voxel 0.
      expect(affineToRows(volume.affine)).toEqual([
        [1.5, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 3, 0],
        [0, 0, 0, 1],
      ]);
    },
  );

  it('treats scl_slope 0 as "no scaling" (the intercept is then ignored too)', async () => {
    const file = path.join(dir, 'slope0.nii');
    await writeFile(file, nifti2({ datatype: 'int16', values: TWELVE(1), littleEndian: true, slope: 0, inter: 100 }));
    expect(Array.from((await readNifti(file)).data)).toEqual(TWELVE(1));
  });

  it('uses the qform when there is no sform: 90° about z, qfac −1', async () => {
    // Quaternion (a, b, c, d) = (cos 45°, 0, 0, sin 45°): x → y, y → −x; qfac −1 flips k.
    const quatern = { b: 0, c: 0, d: Math.SQRT1_2, offset: [10, -20, 30], qfac: -1 };
    const file = path.join(dir, 'qform.nii');
    await writeFile(file, nifti2({ datatype: 'float32', values: TWELVE(1), littleEndian: false, quatern }));
    const header = await readNiftiHeader(file);
    expect(header.affineSource).toBe('qform');
    const rows = affineToRows(header.affine).map((r) => r.map((x) => +x.toFixed(12) + 0));
    expect(rows).toEqual([
      [0, -2, 0, 10],
      [1.5, 0, 0, -20],
      [0, 0, -3, 30],
      [0, 0, 0, 1],
    ]);
    expect(header.spacing.map((s) => +s.toFixed(12))).toEqual([1.5, 2, 3]);
  });

  it('prefers the sform over the qform when both are set', async () => {
    const sform = [
      [0, 0, 4, -1],
      [5, 0, 0, -2],
      [0, 6, 0, -3],
    ];
    const quatern = { b: 0, c: 0, d: 0, offset: [0, 0, 0], qfac: 1 };
    const file = path.join(dir, 'both.nii');
    await writeFile(file, nifti2({ datatype: 'uint8', values: TWELVE(1), littleEndian: true, sform, quatern }));
    const header = await readNiftiHeader(file);
    expect([header.affineSource, header.qformCode, header.sformCode]).toEqual(['sform', 1, 4]);
    expect(affineToRows(header.affine).slice(0, 3)).toEqual(sform);
    expect(header.spacing).toEqual([5, 6, 4]);
  });
});
