import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { affineToRows, maxAffineDifference } from './affine';
import { readNifti, readNiftiHeader } from './read';
import type { Volume } from './volume';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');
const DWI = path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz');
const ADC = path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_adc.nii.gz');
const T2 = path.join(FIXTURES, 't2-chronic-lesion/T2.nii');
const LESION = path.join(FIXTURES, 't2-chronic-lesion/lesionT2.nii.gz');

/** The srow values as stored (float32), i.e. what nibabel's `img.affine` gives for these files. */
const ISLES_SFORM = [
  [-1.9974714517593384, -0.04035840556025505, 0.0920809656381607, 110.20133209228516],
  [-0.04390010982751846, 1.998051404953003, -0.07657447457313538, -111.78001403808594],
  [0.09044604003429413, 0.07849884778261185, 1.9964110851287842, -52.73705291748047],
  [0, 0, 0, 1],
];
const T2_SFORM = [
  [0.9992188811302185, 0.024080609902739525, 0.031333088874816895, -79.85478973388672],
  [-0.023639101535081863, 0.9996170401573181, -0.014385934919118881, -98.85449981689453],
  [-0.03166750445961952, 0.013634013012051582, 0.9994055032730103, -62.220489501953125],
  [0, 0, 0, 1],
];

function stats(volume: Volume) {
  let min = Infinity;
  let max = -Infinity;
  let nonzero = 0;
  let sum = 0;
  const data = volume.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // Plain comparisons: global lookups such as Math.* are slow inside jest's sandbox.
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== 0) nonzero++;
    sum += v;
  }
  return { min, max, nonzero, sum };
}

/**
 * An independent reading by nifti-reader-js (ESM-only, so it runs in a child Node process): header fields,
 * its affine, and the float64 sum of the voxel values it decodes.
 */
function referenceReadings(files: string[]) {
  const script = `
    import * as nifti from 'nifti-reader-js';
    import { readFileSync } from 'node:fs';
    for (const file of process.argv.slice(1)) {
    const buf = readFileSync(file);
    let data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    if (nifti.isCompressed(data)) data = nifti.decompress(data);
    const h = nifti.readHeader(data);
    const T = { 2: Uint8Array, 4: Int16Array, 16: Float32Array, 64: Float64Array }[h.datatypeCode];
    const values = new T(nifti.readImage(h, data));
    let sum = 0;
    for (const v of values) sum += v;
    console.log(JSON.stringify({ dims: h.dims, datatypeCode: h.datatypeCode, qformCode: h.qform_code,
      sformCode: h.sform_code, affine: h.affine, sum, count: values.length }));
    }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...files], { cwd: ROOT });
  return out
    .toString()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('readNifti on the real fixtures', () => {
  it('reads the ISLES22 DWI: 112x112x73, 2 mm, float64, sform (code 1) preferred over qform (code 2)', async () => {
    const dwi = await readNifti(DWI);
    expect(dwi.shape).toEqual([112, 112, 73]);
    expect(dwi.datatype).toBe('float64');
    dwi.spacing.forEach((s) => expect(s).toBeCloseTo(2, 6));
    expect(maxAffineDifference(dwi.affine, Float64Array.from(ISLES_SFORM.flat()))).toBeLessThan(1e-9);
    const s = stats(dwi);
    expect(s.min).toBeCloseTo(-10.1593, 3);
    expect(s.max).toBeCloseTo(1881.3452, 3);
    expect(s.nonzero).toBe(146137); // skull-stripped: about 16% of the box is brain

    const header = await readNiftiHeader(DWI);
    expect(header).toMatchObject({ version: 1, qformCode: 2, sformCode: 1, affineSource: 'sform', datatypeCode: 64 });
    expect(header.pixdim[0]).toBe(-1); // qfac: a left-handed (LAS) voxel grid
    // The quaternion and the srows describe the same grid to float32 precision.
    expect(maxAffineDifference(header.qform!, header.sform!)).toBeLessThan(1e-6);
  });

  it('reads the ISLES22 ADC on the same grid as the DWI, in 10^-3 mm^2/s', async () => {
    const [adc, dwi] = await Promise.all([readNifti(ADC), readNifti(DWI)]);
    expect(adc.shape).toEqual(dwi.shape);
    expect(maxAffineDifference(adc.affine, dwi.affine)).toBe(0);
    const s = stats(adc);
    expect(s.min).toBeCloseTo(-0.2844, 3);
    expect(s.max).toBeCloseTo(4.7183, 3);
    expect(s.nonzero).toBe(146137);
    const header = await readNiftiHeader(ADC);
    expect([header.qformCode, header.sformCode]).toEqual([2, 1]);
  });

  it('reads the uncompressed uint8 T2 (156x175x146, 1 mm, sform code 2, no qform)', async () => {
    const t2 = await readNifti(T2);
    expect(t2.shape).toEqual([156, 175, 146]);
    expect(t2.datatype).toBe('uint8');
    t2.spacing.forEach((s) => expect(s).toBeCloseTo(1, 6));
    expect(maxAffineDifference(t2.affine, Float64Array.from(T2_SFORM.flat()))).toBeLessThan(1e-9);
    const s = stats(t2);
    expect([s.min, s.max]).toEqual([0, 254]);
    const header = await readNiftiHeader(T2);
    expect(header).toMatchObject({ qformCode: 0, sformCode: 2, affineSource: 'sform', qform: undefined });
  });

  it('reads the binary T2 lesion mask: 37,855 voxels', async () => {
    const lesion = await readNifti(LESION);
    expect(lesion.shape).toEqual([156, 175, 146]);
    const s = stats(lesion);
    expect([s.min, s.max, s.nonzero, s.sum]).toEqual([0, 1, 37855, 37855]);
  });

  it('reads headers without the voxels', async () => {
    const header = await readNiftiHeader(LESION);
    expect(header.shape).toEqual([156, 175, 146]);
    expect(header.dims).toEqual([3, 156, 175, 146, 1, 1, 1, 1]);
    expect(header.datatypeDescription).toBe('uint8 (code 2)');
    expect(header.voxOffset).toBe(352);
    expect(affineToRows(header.affine)[3]).toEqual([0, 0, 0, 1]);
  });

  it('agrees with nifti-reader-js on every fixture: dims, datatype, codes, affine and voxel sum', async () => {
    const files = [DWI, ADC, T2, LESION];
    const references = referenceReadings(files);
    for (const [index, file] of files.entries()) {
      const reference = references[index];
      const [volume, header] = await Promise.all([readNifti(file), readNiftiHeader(file)]);
      expect(header.dims).toEqual(reference.dims);
      expect(header.datatypeCode).toBe(reference.datatypeCode);
      expect([header.qformCode, header.sformCode]).toEqual([reference.qformCode, reference.sformCode]);
      // nifti-reader-js (like NiiVue) prefers the qform when qform_code > sform_code, as in the ISLES files;
      // nibabel and this reader take the sform whenever sform_code > 0. Compare like with like.
      const theirChoice = reference.qformCode > 0 && reference.sformCode < reference.qformCode ? 'qform' : 'sform';
      expect(maxAffineDifference(header[theirChoice]!, Float64Array.from(reference.affine.flat()))).toBeLessThan(1e-12);
      expect(volume.data.length).toBe(reference.count);
      // float64 voxels are stored as float32: allow that rounding in the sum.
      expect(Math.abs(stats(volume).sum - reference.sum)).toBeLessThanOrEqual(1e-6 * Math.abs(reference.sum) + 1e-6);
    }
  });
});
