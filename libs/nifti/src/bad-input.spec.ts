import { InvalidArgumentError } from '@fedstroke/common';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { NiftiError, type NiftiErrorCode } from './errors';
import { assertMask } from './grid';
import { readNifti, readNiftiHeader } from './read';
import { writeNifti } from './write';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');
const T2 = path.join(FIXTURES, 't2-chronic-lesion/T2.nii');
const LESION = path.join(FIXTURES, 't2-chronic-lesion/lesionT2.nii.gz');

let dir: string;
let t2Header: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fedstroke-nifti-bad-'));
  t2Header = (await readFile(T2)).subarray(0, 352);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * A small .nii built from the real T2 header (uint8, sform code 2) with the given dims and datatype, followed by
 * `dataBytes` bytes of voxels.
 */
function smallNifti(dims: number[], dataBytes: number, datatype = 2, bitpix = 8): Buffer {
  const header = Buffer.from(t2Header);
  const padded = [...dims, ...new Array(8 - dims.length).fill(1)];
  padded.forEach((d, i) => header.writeInt16LE(d, 40 + i * 2));
  header.writeInt16LE(datatype, 70);
  header.writeInt16LE(bitpix, 72);
  const data = Buffer.alloc(dataBytes);
  for (let i = 0; i < dataBytes; i++) data[i] = i % 2;
  return Buffer.concat([header, data]);
}

async function place(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** Asserts the typed error, its code, that it names the file, and that it says what it expected. */
async function expectNiftiError(promise: Promise<unknown>, code: NiftiErrorCode, file: string, detail: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NiftiError);
  expect((error as NiftiError).code).toBe(code);
  expect((error as NiftiError).file).toBe(file);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toMatch(detail);
}

describe('bad NIfTI input raises a typed error that names the file', () => {
  it('missing file, a directory, a named pipe', async () => {
    const missing = path.join(dir, 'nope.nii.gz');
    await expectNiftiError(readNifti(missing), 'NIFTI_NOT_FOUND', missing, /expected a readable NIfTI file/);
    await expectNiftiError(readNiftiHeader(missing), 'NIFTI_NOT_FOUND', missing, /ENOENT/);
    const folder = path.join(dir, 'folder.nii');
    await mkdir(folder);
    await expectNiftiError(readNifti(folder), 'NIFTI_NOT_A_FILE', folder, /expected a NIfTI file, found a directory/);
    // Opening a FIFO for reading would wait for a writer forever; it is refused before any open.
    const fifo = path.join(dir, 'fifo.nii.gz');
    execFileSync('mkfifo', [fifo]);
    await expectNiftiError(readNifti(fifo), 'NIFTI_NOT_A_FILE', fifo, /found a named pipe \(FIFO\)/);
    await expectNiftiError(readNiftiHeader(fifo), 'NIFTI_NOT_A_FILE', fifo, /found a named pipe \(FIFO\)/);
  });

  it('a non-finite or singular voxel → world transform, in the sform or the qform', async () => {
    const nanOffset = smallNifti([3, 4, 4, 4], 64);
    nanOffset.writeFloatLE(Number.NaN, 280 + 3 * 4); // srow_x[3]: the x offset
    const sform = await place('nan-sform.nii', nanOffset);
    await expectNiftiError(
      readNifti(sform),
      'NIFTI_BAD_AFFINE',
      sform,
      /sform \(sform_code 2\) holds NaN in srow_x\[3\]/,
    );
    await expectNiftiError(readNiftiHeader(sform), 'NIFTI_BAD_AFFINE', sform, /expected finite numbers/);
    const nanQuaternion = smallNifti([3, 4, 4, 4], 64);
    nanQuaternion.writeInt16LE(1, 252); // qform_code 1: the qform is declared, so it must be usable too
    nanQuaternion.writeFloatLE(Number.POSITIVE_INFINITY, 256 + 4); // quatern_c
    const qform = await place('inf-qform.nii', nanQuaternion);
    await expectNiftiError(
      readNifti(qform),
      'NIFTI_BAD_AFFINE',
      qform,
      /qform \(qform_code 1\) holds Infinity in quatern_c/,
    );
    const flat = smallNifti([3, 4, 4, 4], 64);
    for (let i = 0; i < 4; i++) flat.writeFloatLE(0, 280 + 8 * 4 + i * 4); // srow_z = 0: a flat grid
    const singular = await place('singular.nii', flat);
    await expectNiftiError(readNifti(singular), 'NIFTI_BAD_AFFINE', singular, /singular .* \(determinant 0\)/);
  });

  it('a .nii.gz cut in half (a real file)', async () => {
    const bytes = await readFile(LESION);
    const file = await place('cut.nii.gz', bytes.subarray(0, bytes.length >> 1));
    await expectNiftiError(readNifti(file), 'NIFTI_TRUNCATED', file, /gzip stream ends early/);
  });

  it('a .nii cut inside the voxels, inside the header, and an empty file', async () => {
    const t2 = await readFile(T2);
    const inData = await place('cut-data.nii', t2.subarray(0, 1_000_000));
    await expectNiftiError(readNifti(inData), 'NIFTI_TRUNCATED', inData, /need 3985800 bytes .* found 999648/);
    const inHeader = await place('cut-header.nii', t2.subarray(0, 200));
    await expectNiftiError(readNifti(inHeader), 'NIFTI_TRUNCATED', inHeader, /348-byte NIfTI-1 header, found only 200/);
    const empty = await place('empty.nii', new Uint8Array(0));
    await expectNiftiError(readNifti(empty), 'NIFTI_TRUNCATED', empty, /found only 0 bytes/);
  });

  it('bad magic: a damaged magic string, a .hdr/.img pair header, and a file that is not NIfTI at all', async () => {
    const damaged = smallNifti([3, 4, 4, 4], 64);
    damaged.write('xyz', 344, 'latin1');
    const file = await place('damaged-magic.nii', damaged);
    await expectNiftiError(readNifti(file), 'NIFTI_BAD_MAGIC', file, /expected NIfTI-1 magic "n\+1", found "xyz/);
    const pair = smallNifti([3, 4, 4, 4], 64);
    pair.write('ni1', 344, 'latin1');
    const pairFile = await place('pair.nii', pair);
    await expectNiftiError(readNifti(pairFile), 'NIFTI_BAD_MAGIC', pairFile, /\.hdr\/\.img pair/);
    const text = await place('notes.nii', Buffer.from('this is not an image, just some text that is long enough'));
    await expectNiftiError(
      readNifti(text),
      'NIFTI_BAD_MAGIC',
      text,
      /expected sizeof_hdr 348 .* found bytes 74 68 69 73/,
    );
  });

  it('gzip garbage: the gzip magic followed by noise', async () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const file = await place('garbage.nii.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), noise]));
    await expectNiftiError(readNifti(file), 'NIFTI_GZIP_CORRUPT', file, /expected a valid gzip stream/);
    await expectNiftiError(readNiftiHeader(file), 'NIFTI_GZIP_CORRUPT', file, /expected a valid gzip stream/);
  });

  it('dims that disagree with the byte count, both ways', async () => {
    const short = await place('dims-too-big.nii', smallNifti([3, 4, 4, 4], 60));
    await expectNiftiError(readNifti(short), 'NIFTI_TRUNCATED', short, /dims 4x4x4 of uint8 need 64 bytes .* found 60/);
    const long = await place('dims-too-small.nii.gz', gzipSync(smallNifti([3, 4, 4, 4], 70)));
    await expectNiftiError(readNifti(long), 'NIFTI_SIZE_MISMATCH', long, /need 64 bytes .* found 70/);
  });

  it('malformed dims: dim[0] out of 1..7 or a zero extent', async () => {
    const rank = await place('rank.nii', smallNifti([9, 4, 4, 4], 64));
    await expectNiftiError(readNifti(rank), 'NIFTI_BAD_HEADER', rank, /dim\[0\] .* in 1\.\.7, found 9/);
    const zero = await place('zero.nii', smallNifti([3, 4, 0, 4], 0));
    await expectNiftiError(readNifti(zero), 'NIFTI_BAD_HEADER', zero, /dim\[2\] >= 1, found 0/);
  });

  it.each([
    [32, 64, 'complex64 (code 32)'],
    [128, 24, 'rgb24 (code 128)'],
    [256, 8, 'int8 (code 256)'],
  ])('unsupported datatype code %d', async (code, bitpix, name) => {
    const file = await place(`datatype-${code}.nii`, smallNifti([3, 4, 4, 4], (64 * bitpix) / 8, code, bitpix));
    await expectNiftiError(
      readNifti(file),
      'NIFTI_UNSUPPORTED_DATATYPE',
      file,
      new RegExp(`uint8, int16.*found ${name.replace(/[()]/g, '\\$&')}`),
    );
    expect((await readNiftiHeader(file)).datatypeDescription).toBe(name); // inspecting it still works
  });

  it('a 4-D file where 3-D is expected; dim4 = 1 is fine; expect3d: false returns the frames', async () => {
    const file = await place('two-frames.nii', smallNifti([4, 4, 4, 4, 2], 128));
    await expectNiftiError(
      readNifti(file),
      'NIFTI_NOT_3D',
      file,
      /expected a 3-D volume, found 2 frames \(dims 4x4x4x2\)/,
    );
    const frames = await readNifti(file, { expect3d: false });
    expect([frames.frames, frames.data.length]).toEqual([2, 128]);
    const single = await readNifti(await place('one-frame.nii', smallNifti([4, 4, 4, 4, 1], 64)));
    expect([single.shape, single.frames, single.data.length]).toEqual([[4, 4, 4], undefined, 64]);
  });

  it('NaN (or any non-0/1 value) in a mask', async () => {
    const lesion = await readNifti(LESION);
    assertMask(lesion); // the real mask is binary
    const file = path.join(dir, 'nan-mask.nii.gz');
    const data = lesion.data.slice();
    data[3 + 156 * (2 + 175 * 1)] = Number.NaN;
    await writeNifti(file, { ...lesion, data });
    const withNaN = await readNifti(file);
    expect(() => assertMask(withNaN)).toThrow(NiftiError);
    expect(() => assertMask(withNaN)).toThrow(
      `${file}: expected a binary mask of 0 and 1, found NaN at voxel (3, 2, 1)`,
    );
    data[3 + 156 * (2 + 175 * 1)] = 0;
    data[10] = 0.5;
    expect(() => assertMask({ ...lesion, data })).toThrow(/found 0\.5 at voxel \(10, 0, 0\)/);
  });

  it('decompressed size over the cap: a real file with a small cap, and a gzip bomb', async () => {
    await expectNiftiError(
      readNifti(LESION, { maxDecompressedBytes: 1_000_000 }),
      'NIFTI_TOO_LARGE',
      LESION,
      /more than the limit of 1000000 bytes/,
    );
    await expectNiftiError(
      readNifti(T2, { maxDecompressedBytes: 1_000_000 }),
      'NIFTI_TOO_LARGE',
      T2,
      /is 3986152 bytes, more than the limit/,
    );
    // 32 MiB of a repeating byte pattern behind a valid header compress to a few tens of KiB.
    const bomb = await place('bomb.nii.gz', gzipSync(smallNifti([3, 512, 512, 128], 512 * 512 * 128), { level: 9 }));
    await expectNiftiError(
      readNifti(bomb, { maxDecompressedBytes: 8 * 1024 ** 2 }),
      'NIFTI_TOO_LARGE',
      bomb,
      /more than the limit of 8388608 bytes/,
    );
    await expect(readNifti(bomb, { maxDecompressedBytes: -1 })).rejects.toThrow(InvalidArgumentError);
  });

  it('a 2 MB gzip bomb behind a valid 10x10x10 header is refused at once, at the size its header implies', async () => {
    // One gzip member with the header and its 4000 bytes of float32 voxels, then ~2 GiB of zeros in further
    // members (gunzip reads concatenated members as one stream): 2 MB on disk.
    const volume = gzipSync(smallNifti([3, 10, 10, 10], 4000, 16, 32));
    const zeros = gzipSync(Buffer.alloc(8 << 20), { level: 9 });
    const members = Math.ceil((2 << 20) / zeros.length);
    const bomb = await place('bomb-10cube.nii.gz', Buffer.concat([volume, ...new Array(members).fill(zeros)]));
    expect(members * 8).toBeGreaterThanOrEqual(1900); // MiB of zeros behind the voxels
    const peakBefore = process.resourceUsage().maxRSS; // KiB, the process's high-water mark
    const started = performance.now();
    await expectNiftiError(
      readNifti(bomb),
      'NIFTI_SIZE_MISMATCH',
      bomb,
      /dims 10x10x10 of float32 need 4000 bytes after vox_offset 352, found at least \d+ and stopped reading/,
    );
    const elapsedMs = performance.now() - started;
    const grewKiB = process.resourceUsage().maxRSS - peakBefore;
    // Inflating it all took 15 s and 4 GB; stopping at the first chunk past 4352 bytes takes milliseconds and a
    // chunk of memory. Generous bounds: the machine is shared.
    expect(elapsedMs).toBeLessThan(1500);
    expect(grewKiB).toBeLessThan(64 * 1024);
  });
});
