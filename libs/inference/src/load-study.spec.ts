import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import { inspectStudy, loadStudy } from './load-study';
import { findCaseFiles } from './study-files';
import { CASE_ADC, CASE_DIR, CASE_DWI, T2, writeBadStudyFiles, type BadStudyFiles } from './testing/bad-studies';

let dir: string;
let bad: BadStudyFiles;

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
  it('finds the case files, reads DWI and ADC on one grid and flags the missing FLAIR', async () => {
    const files = await findCaseFiles(CASE_DIR);
    expect(files).toEqual({ dwi: CASE_DWI, adc: CASE_ADC });
    const study = await loadStudy(files);
    expect(study.dwi.shape).toEqual([112, 112, 73]);
    expect(study.adc.length).toBe(112 * 112 * 73);
    expect(study.flair).toBeUndefined();
    const codes = study.qcWarnings.map((w) => w.code);
    expect(codes).toContain('FLAIR_MISSING');
    expect(codes).not.toContain('BRAIN_MASK_EMPTY');
  });

  it('resamples a FLAIR into the DWI grid and warns when it covers less than half of the DWI field of view', async () => {
    const dwi = await readNifti(CASE_DWI);
    // A FLAIR-like slab: the DWI's own voxels, shifted 60% of the field of view along x.
    const shifted = Float64Array.from(dwi.affine);
    shifted[3] += 0.6 * dwi.shape[0] * dwi.spacing[0] * Math.sign(dwi.affine[0]);
    const flair = join(dir, 'slab_FLAIR.nii.gz');
    await writeNifti(flair, { ...dwi, affine: shifted });
    const study = await loadStudy({ dwi: CASE_DWI, adc: CASE_ADC, flair });
    expect(study.flair).toHaveLength(dwi.data.length);
    const warning = study.qcWarnings.find((w) => w.code === 'FLAIR_LOW_OVERLAP');
    expect(warning?.message).toMatch(/covers only [34]\d\.\d% of the DWI field of view \(< 50%\)/);
  });

  it('accepts an ADC whose affine differs slightly (qform/sform quirks) with a QC note', async () => {
    const adc = await readNifti(CASE_ADC);
    const nudged = Float64Array.from(adc.affine);
    nudged[3] += 0.2;
    const file = join(dir, 'nudged_adc.nii.gz');
    await writeNifti(file, { ...adc, affine: nudged });
    const { qcWarnings } = await inspectStudy({ dwi: CASE_DWI, adc: file });
    expect(qcWarnings.find((w) => w.code === 'ADC_AFFINE_ADOPTED')?.message).toMatch(/0\.2000 mm/);
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
