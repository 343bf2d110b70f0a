/**
 * Broken inputs built from the real ISLES'22 DWI, for the refusal tests of the lib and the coordinator: a truncated
 * .nii, a 4-D file, a header that claims an absurd size, and the T2 chronic-lesion fixture (another grid entirely).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';

export const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures');
export const CASE_DIR = join(FIXTURES, 'isles22-case0001');
export const CASE_DWI = join(CASE_DIR, 'sub-strokecase0001_ses-0001_dwi.nii.gz');
export const CASE_ADC = join(CASE_DIR, 'sub-strokecase0001_ses-0001_adc.nii.gz');
export const T2 = join(FIXTURES, 't2-chronic-lesion', 'T2.nii');

export interface BadStudyFiles {
  truncated: string;
  fourD: string;
  absurdSize: string;
}

/** Writes the broken files into `dir` (a few MB; about a second). */
export async function writeBadStudyFiles(dir: string): Promise<BadStudyFiles> {
  const dwi = await readNifti(CASE_DWI);
  const whole = join(dir, 'whole.nii');
  await writeNifti(whole, dwi);
  const bytes = await readFile(whole);
  const truncated = join(dir, 'truncated_dwi.nii');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));

  const fourD = join(dir, 'four_d_dwi.nii.gz');
  const frames = new Float32Array(dwi.data.length * 2);
  frames.set(dwi.data);
  frames.set(dwi.data, dwi.data.length);
  await writeNifti(fourD, { ...dwi, data: frames, frames: 2 });

  // NIfTI-1 dim[1..3] are int16 at byte 42: claim 4096³ voxels (~69 G) with only a tiny body behind the header.
  const absurdSize = join(dir, 'absurd_dwi.nii');
  const header = Buffer.from(bytes.subarray(0, 352 + 64));
  for (let axis = 0; axis < 3; axis++) header.writeInt16LE(4096, 42 + axis * 2);
  await writeFile(absurdSize, header);
  return { truncated, fourD, absurdSize };
}

/**
 * A NIfTI-2 file (extents beyond NIfTI-1's 32767 allowed) of `shape` at `spacing` mm, scanner-aligned axes, all
 * voxels present and zero: a file that reads, but is no head. `datatype` 2 is uint8, 16 float32.
 */
export async function writeShapedStudy(
  path: string,
  shape: [number, number, number],
  spacing: [number, number, number] = [1, 1, 1],
  datatype: 2 | 16 = 16,
): Promise<string> {
  const header = Buffer.alloc(544);
  header.writeInt32LE(540, 0);
  header.write('n+2\0\r\n\x1a\n', 4, 'latin1');
  header.writeInt16LE(datatype, 12);
  header.writeInt16LE(datatype === 2 ? 8 : 32, 14);
  [3, ...shape, 1, 1, 1, 1].forEach((d, i) => header.writeBigInt64LE(BigInt(d), 16 + 8 * i));
  [1, ...spacing, 1, 1, 1, 1].forEach((p, i) => header.writeDoubleLE(p, 104 + 8 * i));
  header.writeBigInt64LE(544n, 168);
  header.writeDoubleLE(1, 176);
  header.writeInt32LE(1, 348); // sform_code 1 (scanner)
  for (let row = 0; row < 3; row++) header.writeDoubleLE(spacing[row], 400 + 8 * (row * 4 + row));
  const voxels = shape[0] * shape[1] * shape[2] * (datatype === 2 ? 1 : 4);
  await writeFile(path, Buffer.concat([header, Buffer.alloc(voxels)]));
  return path;
}
