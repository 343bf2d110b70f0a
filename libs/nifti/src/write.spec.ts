import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Random } from '@fedstroke/common';
import { maxAffineDifference } from './affine';
import { NiftiError } from './errors';
import { readNifti, readNiftiHeader } from './read';
import type { Affine, Volume } from './volume';
import { referenceHeader } from './testing/reference-header';
import { NIFTI_INTENT, writeNifti } from './write';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');
const DWI = path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz');
const LESION = path.join(FIXTURES, 't2-chronic-lesion/lesionT2.nii.gz');

let dir: string;
beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'fedstroke-nifti-write-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Seeded uniforms in [0, 1) so failures reproduce. */
function seededUniform(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}

/** An oblique, anisotropic, left-handed grid: rotation about (1, 2, 3) by 35°, spacing 0.9 x 1.3 x 4, k flipped. */
function obliqueAffine(): Affine {
  const [ux, uy, uz] = [1, 2, 3].map((v) => v / Math.hypot(1, 2, 3));
  const t = (35 * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const r = [
    [c + ux * ux * (1 - c), ux * uy * (1 - c) - uz * s, ux * uz * (1 - c) + uy * s],
    [uy * ux * (1 - c) + uz * s, c + uy * uy * (1 - c), uy * uz * (1 - c) - ux * s],
    [uz * ux * (1 - c) - uy * s, uz * uy * (1 - c) + ux * s, c + uz * uz * (1 - c)],
  ];
  const spacing = [0.9, 1.3, -4];
  const a = new Float64Array(16);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) a[row * 4 + col] = r[row][col] * spacing[col];
  a[3] = -80.5;
  a[7] = 12.25;
  a[11] = -40;
  a[15] = 1;
  return a;
}

function volumeOf(values: (i: number) => number, affine: Affine): Volume {
  const shape: [number, number, number] = [17, 11, 7];
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < data.length; i++) data[i] = values(i);
  return { data, shape, spacing: [1, 1, 1], affine };
}

describe('writeNifti', () => {
  const random = seededUniform(7);
  const cases = [
    { datatype: 'float32' as const, values: () => (random() - 0.5) * 1e4 },
    { datatype: 'uint8' as const, values: () => Math.floor(random() * 256) },
    { datatype: 'int16' as const, values: () => Math.floor(random() * 65536) - 32768 },
  ];

  for (const { datatype, values } of cases) {
    for (const ext of ['.nii.gz', '.nii']) {
      it(`round-trips ${datatype} exactly through ${ext}, with sform and qform giving the same oblique affine`, async () => {
        const volume = volumeOf(values, obliqueAffine());
        const file = path.join(dir, `roundtrip-${datatype}${ext}`);
        await writeNifti(file, volume, { datatype });
        const back = await readNifti(file);
        expect(back.shape).toEqual(volume.shape);
        expect(back.datatype).toBe(datatype);
        expect(Buffer.from(back.data.buffer).equals(Buffer.from(volume.data.buffer))).toBe(true);

        const header = await readNiftiHeader(file);
        expect([header.qformCode, header.sformCode]).toEqual([2, 2]);
        expect(header.pixdim[0]).toBe(-1); // left-handed grid: qfac −1
        expect(header.pixdim.slice(1, 4).map((p) => +p.toFixed(5))).toEqual([0.9, 1.3, 4]);
        // float32 storage limits agreement to about 1e-5 mm on these magnitudes.
        expect(maxAffineDifference(header.qform!, header.sform!)).toBeLessThan(2e-5);
        expect(maxAffineDifference(header.sform!, volume.affine)).toBeLessThan(2e-5);
      });
    }
  }

  it('writes the real DWI so that another reader sees the same grid through its qform', async () => {
    const dwi = await readNifti(DWI);
    const file = path.join(dir, 'dwi-copy.nii.gz');
    await writeNifti(file, dwi);
    const back = await readNifti(file);
    expect(maxAffineDifference(back.affine, dwi.affine)).toBe(0); // float32 srows in, float32 srows out
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(dwi.data.buffer))).toBe(true);
    // nifti-reader-js decodes the qform (qform_code 2 is not below sform_code 2, so it uses the quaternion).
    const reference = referenceHeader(file);
    expect(reference).toMatchObject({ dims: [3, 112, 112, 73, 1, 1, 1, 1], datatypeCode: 16, qformCode: 2 });
    expect(maxAffineDifference(Float64Array.from(reference.affine.flat()), dwi.affine)).toBeLessThan(1e-5);
  });

  it("keeps the source's xform codes, and writes a display range and an intent (read back by nifti-reader-js)", async () => {
    const dwi = await readNifti(DWI);
    expect(dwi.xform).toEqual({ qformCode: 2, sformCode: 1 }); // scanner-space sform, as the fixture has it
    const mask = new Uint8Array(dwi.data.length);
    mask[1234] = 1;
    const file = path.join(dir, 'mask-like.nii.gz');
    await writeNifti(
      file,
      { ...dwi, data: mask },
      { datatype: 'uint8', displayRange: [0, 1], intent: { code: NIFTI_INTENT.LABEL, name: 'lesion mask' } },
    );
    expect(referenceHeader(file)).toMatchObject({
      datatypeCode: 2,
      qformCode: 2,
      sformCode: 1,
      calMin: 0,
      calMax: 1,
      intentCode: 1002,
      intentName: 'lesion mask',
    });
    expect((await readNifti(file)).data[1234]).toBe(1);
    // Without a source the codes are 2 (aligned anatomy), with no range and no intent.
    const plain = path.join(dir, 'plain.nii');
    await writeNifti(
      plain,
      volumeOf(() => 0, obliqueAffine()),
    );
    expect(referenceHeader(plain)).toMatchObject({ qformCode: 2, sformCode: 2, calMin: 0, calMax: 0, intentCode: 0 });
    await expect(writeNifti(plain, dwi, { displayRange: [1, 0] })).rejects.toMatchObject({ code: 'NIFTI_BAD_HEADER' });
  });

  it('writes the real lesion mask as uint8 byte-for-byte equal voxels', async () => {
    const lesion = await readNifti(LESION);
    const file = path.join(dir, 'lesion-copy.nii.gz');
    await writeNifti(file, lesion, { datatype: 'uint8' });
    const back = await readNifti(file);
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(lesion.data.buffer))).toBe(true);
  });

  it.each([
    ['uint8', 256],
    ['uint8', -1],
    ['uint8', 0.5],
    ['int16', 40000],
    ['int16', Number.NaN],
  ] as const)(
    'refuses to write %s when a value (%d) is not representable, naming the file and value',
    async (datatype, bad) => {
      const volume = volumeOf(() => 1, obliqueAffine());
      volume.data[5] = bad;
      const file = path.join(dir, `bad-${datatype}.nii.gz`);
      const error = await writeNifti(file, volume, { datatype }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NiftiError);
      expect(error).toMatchObject({ code: 'NIFTI_VALUE_NOT_REPRESENTABLE' });
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toContain(`found ${bad} at voxel index 5`);
    },
  );

  it('rejects data whose length disagrees with the shape, and names other than .nii/.nii.gz', async () => {
    const volume = volumeOf(() => 0, obliqueAffine());
    const short = { ...volume, data: volume.data.subarray(1) };
    await expect(writeNifti(path.join(dir, 'short.nii.gz'), short)).rejects.toMatchObject({
      code: 'NIFTI_SIZE_MISMATCH',
    });
    await expect(writeNifti(path.join(dir, 'mask.img'), volume)).rejects.toMatchObject({ code: 'NIFTI_BAD_PATH' });
  });

  it('writes atomically: nothing is left behind, not even after a failed write', async () => {
    const volume = volumeOf(() => 1, obliqueAffine());
    const missingDir = path.join(dir, 'no-such-dir', 'x.nii.gz');
    await expect(writeNifti(missingDir, volume)).rejects.toMatchObject({ code: 'NIFTI_WRITE_FAILED' });
    const leftovers = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});
