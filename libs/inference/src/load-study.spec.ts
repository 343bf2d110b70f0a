import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { defaultPreprocessing } from '@fedstroke/isles';
import { readNifti, writeNifti } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import { inspectStudy, loadStudy as loadWith, type LoadStudyOptions, validateStudyFile } from './load-study';
import { findCaseFiles, type StudyFiles } from './study-files';
import {
  CASE_ADC,
  CASE_DIR,
  CASE_DWI,
  T2,
  writeBadStudyFiles,
  writeShapedStudy,
  type BadStudyFiles,
} from './testing/bad-studies';

let dir: string;
let bad: BadStudyFiles;

/** As the tiny and bench models prepare a study: DWI, ADC, FLAIR; crop to the brain; z-score within it. */
const loadStudy = (files: StudyFiles, options?: LoadStudyOptions) => loadWith(files, defaultPreprocessing(3), options);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedstroke-study-'));
  bad = await writeBadStudyFiles(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<StudyInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StudyInputError);
  return error as StudyInputError;
}

describe('loadStudy on the real ISLES22 case', () => {
  it('finds the case files, reads DWI and ADC on one grid, crops to the brain and flags the missing FLAIR', async () => {
    const files = await findCaseFiles(CASE_DIR);
    expect(files).toEqual({ dwi: CASE_DWI, adc: CASE_ADC });
    const study = await loadStudy(files);
    expect(study.nativeGrid.shape).toEqual([112, 112, 73]);
    expect(study.crop?.sourceShape).toEqual([112, 112, 73]);
    expect(study.channelNames).toEqual(['dwi', 'adc', 'flair']);
    const voxels = study.shape[0] * study.shape[1] * study.shape[2];
    expect(study.channels.map((c) => c.length)).toEqual([voxels, voxels, voxels]);
    expect(study.channels[2].every((v) => v === 0)).toBe(true); // the zero FLAIR
    const codes = study.qc.map((w) => w.code);
    expect(codes).toEqual(['FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
  });

  it('resamples a FLAIR into the DWI grid and warns when it covers less than half of the DWI field of view', async () => {
    const dwi = await readNifti(CASE_DWI);
    // A FLAIR-like slab: the DWI's own voxels, shifted 60% of the field of view along x.
    const shifted = Float64Array.from(dwi.affine);
    shifted[3] += 0.6 * dwi.shape[0] * dwi.spacing[0] * Math.sign(dwi.affine[0]);
    const flair = join(dir, 'slab_FLAIR.nii.gz');
    await writeNifti(flair, { ...dwi, affine: shifted });
    const study = await loadStudy({ dwi: CASE_DWI, adc: CASE_ADC, flair });
    // The slab misses the brain: after z-scoring within the brain its channel is 0, as the warning says.
    expect(study.channels).toHaveLength(3);
    const warning = study.qc.find((w) => w.code === 'FLAIR_LOW_OVERLAP');
    expect(warning?.message).toMatch(/covers only [34]\d\.\d% of the DWI field of view \(< 50%\)/);
  });

  it('accepts an ADC whose affine differs slightly (qform/sform quirks) with a QC note', async () => {
    const adc = await readNifti(CASE_ADC);
    const nudged = Float64Array.from(adc.affine);
    nudged[3] += 0.2;
    const file = join(dir, 'nudged_adc.nii.gz');
    await writeNifti(file, { ...adc, affine: nudged });
    const { qc } = await loadStudy({ dwi: CASE_DWI, adc: file });
    expect(qc.find((w) => w.code === 'ADC_AFFINE_ADOPTED')?.message).toMatch(/0\.2000 mm/);
  });
});

describe('loadStudy refusals (before any compute)', () => {
  it('refuses the T2 chronic-lesion volume given as ADC, naming both files and both grids', async () => {
    const error = await refusal(loadStudy({ dwi: CASE_DWI, adc: T2 }));
    expect(error.code).toBe('STUDY_GRID_MISMATCH');
    expect(error.files).toEqual([CASE_DWI, T2]);
    expect(error.message).toContain('DWI is 112x112x73 at 2x2x2 mm');
    expect(error.message).toContain('ADC is 156x175x146 at 1x1x1 mm');
  });

  it('refuses a truncated file, a 4-D file and an absurd size, naming the file and its role', async () => {
    const truncated = await refusal(loadStudy({ dwi: bad.truncated, adc: bad.truncated }));
    expect(truncated.code).toBe('NIFTI_TRUNCATED');
    expect(truncated.message).toMatch(new RegExp(`^DWI ${bad.truncated}: .*truncated`));

    const fourD = await refusal(loadStudy({ dwi: CASE_DWI, adc: bad.fourD }));
    expect(fourD.code).toBe('NIFTI_NOT_3D');
    expect(fourD.message).toContain(`ADC ${bad.fourD}`);

    const absurd = await refusal(inspectStudy({ dwi: bad.absurdSize, adc: CASE_ADC }));
    expect(absurd.code).toBe('STUDY_TOO_LARGE');
    expect(absurd.message).toMatch(/4096x4096x4096 = 68719476736 voxels, more than the limit/);
  });

  it('applies configurable limits and labels files as the caller names them', async () => {
    const error = await refusal(
      loadStudy({ dwi: CASE_DWI, adc: CASE_ADC }, { limits: { maxSpacingMm: 1.5 }, labels: { DWI: 'upload 42' } }),
    );
    expect(error.code).toBe('STUDY_SPACING_OUT_OF_RANGE');
    expect(error.message).toMatch(/^DWI upload 42: voxel spacing 2x2x2 mm/);
  });
});

describe('refusals of files that are no head, are no file, or lie about their size (issue 11)', () => {
  it.each([
    [[1, 1, 100000], /has 1 voxel\(s\) along axis i, fewer than 8 \(minVoxelsPerAxis\)/],
    [[100000, 1, 1], /has 1 voxel\(s\) along axis j/],
    [[1, 1, 32767], /has 1 voxel\(s\) along axis i/],
  ] as const)('refuses %j before its voxels are read', async (shape, message) => {
    const file = await writeShapedStudy(join(dir, `shape-${shape.join('x')}.nii`), [...shape]);
    const error = await refusal(inspectStudy({ dwi: file, adc: file }, { labels: { DWI: 'upload 9' } }));
    expect(error.code).toBe('STUDY_SHAPE_DEGENERATE');
    expect(error.message).toMatch(/^DWI upload 9: shape \d+x\d+x\d+ /);
    expect(error.message).toMatch(message);
    // The upload check refuses it the same way.
    await expect(validateStudyFile(file, 'upload 9')).rejects.toMatchObject({ code: 'STUDY_SHAPE_DEGENERATE' });
  });

  it('refuses an 8192x8192x1 uint8 slice (65 KB compressed, 1.6 GB to segment)', async () => {
    const raw = await writeShapedStudy(join(dir, 'slice.nii'), [8192, 8192, 1], [0.1, 0.1, 1], 2);
    const gz = join(dir, 'slice.nii.gz');
    await writeFile(gz, gzipSync(await readFile(raw)));
    await expect(inspectStudy({ dwi: gz, adc: gz })).rejects.toMatchObject({ code: 'STUDY_SHAPE_DEGENERATE' });
  });

  it('refuses fields of view no head has: too thin, too wide, too elongated', async () => {
    const cases: Array<[[number, number, number], [number, number, number], RegExp]> = [
      [[200, 200, 8], [1, 1, 1], /field of view 200x200x8 mm .* outside \[40, 500\] mm along axis k/],
      [[300, 300, 100], [2, 2, 2], /field of view 600x600x200 mm .* along axis i/],
      [
        [400, 40, 40],
        [1, 1.5, 1.5],
        /field of view 400x60x60 mm .* aspect ratio of 6\.7, more than 6 \(maxFieldOfViewAspect\)/,
      ],
    ];
    for (const [shape, spacing, message] of cases) {
      const file = await writeShapedStudy(join(dir, `fov-${shape.join('x')}.nii`), shape, spacing);
      const error = await refusal(inspectStudy({ dwi: file, adc: file }));
      expect(error.code).toBe('STUDY_FIELD_OF_VIEW');
      expect(error.message).toMatch(message);
    }
  });

  it('refuses a 2 MB gzip bomb behind a 10x10x10 header at once, as an upload and as a study', async () => {
    const header = await readHeaderOf(CASE_DWI);
    for (let axis = 0; axis < 3; axis++) header.writeInt16LE(10, 42 + axis * 2);
    header.writeInt16LE(16, 70); // float32
    header.writeInt16LE(32, 72);
    const zeros = gzipSync(Buffer.alloc(8 << 20), { level: 9 });
    const members = [gzipSync(Buffer.concat([header, Buffer.alloc(4000)])), ...new Array(256).fill(zeros)];
    const bomb = join(dir, 'bomb_dwi.nii.gz');
    await writeFile(bomb, Buffer.concat(members));
    const peak = process.resourceUsage().maxRSS;
    // A 20 mm field of view is no head: with the default limits the header alone refuses it.
    expect((await refusal(validateStudyFile(bomb, 'upload 11'))).code).toBe('STUDY_FIELD_OF_VIEW');
    const anyShape = { minVoxelsPerAxis: 1, minFieldOfViewMm: 1 };
    const upload = await refusal(validateStudyFile(bomb, 'upload 11 (bomb.nii.gz)', anyShape));
    expect(upload.code).toBe('NIFTI_SIZE_MISMATCH');
    expect(upload.message).toMatch(/^NIfTI upload 11 \(bomb\.nii\.gz\): dims 10x10x10 of float32 need 4000 bytes/);
    const study = await refusal(loadStudy({ dwi: bomb, adc: bomb }, { limits: anyShape }));
    expect(study.code).toBe('NIFTI_SIZE_MISMATCH');
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(64 * 1024); // KiB: nothing near the 2 GiB it holds
  });

  it('refuses a NaN sform offset at upload and at load, naming the file', async () => {
    const header = await readHeaderOf(CASE_DWI);
    const dwi = await readNifti(CASE_DWI);
    const bytes = Buffer.concat([header, Buffer.from(new Float64Array(dwi.data).buffer)]);
    bytes.writeFloatLE(Number.NaN, 280 + 3 * 4);
    const file = join(dir, 'nan_offset_dwi.nii');
    await writeFile(file, bytes);
    const upload = await refusal(validateStudyFile(file, 'upload 12'));
    expect(upload.code).toBe('NIFTI_BAD_AFFINE');
    expect(upload.message).toMatch(/^NIfTI upload 12: sform \(sform_code 1\) holds NaN in srow_x\[3\]/);
    const study = await refusal(loadStudy({ dwi: file, adc: CASE_ADC }, { labels: { DWI: 'upload 12' } }));
    expect(study.message).toMatch(/^DWI upload 12: sform .* holds NaN/);
  });

  it('refuses a directory and a named pipe given as a study file, with a clear error and at once', async () => {
    const folder = join(dir, 'folder_dwi.nii.gz');
    await mkdir(folder);
    const fifo = join(dir, 'fifo_adc.nii.gz');
    execFileSync('mkfifo', [fifo]);
    const asDirectory = await refusal(loadStudy({ dwi: folder, adc: CASE_ADC }, { labels: { DWI: 'cases/x' } }));
    expect([asDirectory.code, asDirectory.message]).toEqual([
      'NIFTI_NOT_A_FILE',
      'DWI cases/x: expected a NIfTI file, found a directory',
    ]);
    const asPipe = await refusal(loadStudy({ dwi: CASE_DWI, adc: fifo }));
    expect(asPipe.message).toBe(`ADC ${fifo}: expected a NIfTI file, found a named pipe (FIFO)`);
  });
});

/** The 352 bytes (header and extension flag) of a real NIfTI-1 file. */
async function readHeaderOf(file: string): Promise<Buffer> {
  return Buffer.from(gunzipSync(await readFile(file)).subarray(0, 352));
}
