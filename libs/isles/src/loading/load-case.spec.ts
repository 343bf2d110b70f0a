import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';
import { generateDataset } from '@fedstroke/synth';
import { GridMismatchError } from '@fedstroke/nifti';
import { CaseFileError, CaseLoadError } from '../errors';
import type { CaseFiles } from '../layout/case-files';
import { discoverDataset } from '../layout/discover-dataset';
import {
  defaultPreprocessing,
  PREPROCESSING_FORMAT,
  type PreprocessingSpec,
} from '../preprocessing/preprocessing-spec';
import { loadCase } from './load-case';

const WITH_FLAIR: PreprocessingSpec = { format: PREPROCESSING_FORMAT, channels: ['dwi', 'adc', 'flair'], steps: [] };

const FIXTURE = path.resolve(__dirname, '../../../../../shared/fixtures/isles22-case0001');

describe('loadCase on synthetic cases', () => {
  let root: string;
  let files: CaseFiles;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'load-case-'));
    await generateDataset({
      outDir: root,
      cases: 1,
      sites: 1,
      seed: 5,
      shape: [32, 32, 20],
      spacing: [5, 5, 6],
      silent: true,
    });
    files = (await discoverDataset(root, { policy: 'fail', requireFlair: true, requireMask: true })).cases[0];
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('stacks DWI, ADC and FLAIR resampled from its own grid into the DWI grid, with the binary mask', async () => {
    const loaded = await loadCase(files, { preprocessing: WITH_FLAIR });
    const dwi = await readNifti(files.dwi);
    const flair = await readNifti(files.flair!);
    expect(flair.shape).not.toEqual(dwi.shape);
    expect(loaded.channelNames).toEqual(['dwi', 'adc', 'flair']);
    expect(loaded.shape).toEqual(dwi.shape);
    for (const channel of loaded.channels) expect(channel).toHaveLength(32 * 32 * 20);
    // 5 x 5 x 6 mm voxels are coarse for stroke DWI; the FLAIR covers the whole DWI grid.
    expect(loaded.qc.map((w) => w.code)).toEqual(['SPACING_COARSE']);
    // The resampled FLAIR lands on the brain: nearly every DWI brain voxel gets FLAIR signal.
    let brain = 0;
    let withFlair = 0;
    loaded.channels[0].forEach((value, index) => {
      if (value > 0) {
        brain++;
        if (loaded.channels[2][index] > 0) withFlair++;
      }
    });
    expect(withFlair / brain).toBeGreaterThan(0.9);
    expect(loaded.mask).toEqual(Uint8Array.from((await readNifti(files.mask!)).data));
    expect(loaded.brain).toEqual(Uint8Array.from(dwi.data, (v) => (v !== 0 ? 1 : 0)));
  });

  it('runs the recorded preprocessing in order, leaving one stacked buffer, and keeps the native grid', async () => {
    const spec = defaultPreprocessing(2);
    const loaded = await loadCase(files, { preprocessing: spec });
    expect(loaded.preprocessing).toBe(spec);
    expect(loaded.channelNames).toEqual(['dwi', 'adc']);
    expect(loaded.crop).toBeDefined();
    expect(loaded.shape.every((n, axis) => n <= [32, 32, 20][axis])).toBe(true);
    expect(loaded.brain).toHaveLength(loaded.shape[0] * loaded.shape[1] * loaded.shape[2]);
    expect(loaded.nativeGrid).toMatchObject({ shape: [32, 32, 20], xform: { qformCode: 2, sformCode: 2 } });
    const [dwi, adc] = loaded.channels;
    expect(adc.buffer).toBe(dwi.buffer);
    expect(adc.byteOffset).toBe(dwi.byteOffset + dwi.byteLength);
  });

  it('gives an ADC with a slightly different affine the DWI affine and notes it', async () => {
    const adc = await readNifti(files.adc);
    const shifted = Float64Array.from(adc.affine);
    shifted[3] += 0.3;
    const file = path.join(root, 'shifted_adc.nii.gz');
    await writeNifti(file, { ...adc, affine: shifted });
    const loaded = await loadCase({ ...files, adc: file });
    expect(loaded.qc).toContainEqual({
      code: 'ADC_AFFINE_ADOPTED',
      message: expect.stringMatching(
        /^ADC: header affine differs from the DWI's by up to 0\.3\d* mm .* DWI affine was used/,
      ),
    });
    await expect(loadCase({ ...files, adc: file }, { affineToleranceMm: 0.1 })).rejects.toThrow(
      /the affines differ by up to 0\.300 mm \(tolerance 0\.1 mm\)/,
    );
  });

  it('rejects an ADC on another shape, naming both files', async () => {
    const adc = await readNifti(files.adc);
    const file = path.join(root, 'small_adc.nii.gz');
    await writeNifti(file, { ...adc, shape: [32, 32, 10], data: adc.data.subarray(0, 32 * 32 * 10) });
    const attempt = loadCase({ ...files, adc: file }, { labels: { ADC: 'the small ADC' } });
    await expect(attempt).rejects.toThrow(GridMismatchError);
    await expect(attempt).rejects.toThrow(
      `DWI ${files.dwi} and ADC the small ADC are not on the same voxel grid (the shapes differ): DWI is 32x32x20 at 5x5x6 mm`,
    );
  });

  it('refuses a FLAIR channel for a case without FLAIR, or fills it with zeros and says so', async () => {
    const noFlair = { ...files, flair: undefined };
    await expect(loadCase(noFlair, { preprocessing: WITH_FLAIR })).rejects.toThrow(CaseLoadError);
    await expect(loadCase(noFlair, { preprocessing: WITH_FLAIR })).rejects.toThrow(
      /takes FLAIR .* but the case has none/,
    );
    const zeros = await loadCase(noFlair, { preprocessing: WITH_FLAIR, missingFlair: 'zeros' });
    expect(zeros.channels[2].every((v) => v === 0)).toBe(true);
    expect(zeros.qc.map((w) => w.code)).toEqual(['SPACING_COARSE', 'FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
    // A FLAIR the model does not take is not read, only noted.
    expect((await loadCase(files)).qc.map((w) => w.code)).toEqual(['SPACING_COARSE', 'FLAIR_UNUSED']);
  });

  it('names a broken file by its role and the name the caller gave it, keeping the NIfTI code', async () => {
    const dwi = await readNifti(files.dwi);
    const data = dwi.data.slice();
    data[77] = Number.NaN;
    const nan = path.join(root, 'nan_dwi.nii.gz');
    await writeNifti(nan, { ...dwi, data });
    const error = await loadCase({ ...files, dwi: nan }, { labels: { DWI: 'upload 7' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaseFileError);
    expect(error).toMatchObject({ code: 'CASE_NON_FINITE', role: 'DWI', file: 'upload 7' });
    expect((error as Error).message).toBe('DWI upload 7: voxel 77 holds NaN; expected finite intensities everywhere');
    const missing = await loadCase(
      { ...files, adc: path.join(root, 'gone.nii.gz') },
      { labels: { ADC: 'upload 8' } },
    ).catch((e: unknown) => e as Error);
    expect(missing).toMatchObject({ code: 'NIFTI_NOT_FOUND' });
    expect((missing as Error).message).toMatch(/^ADC upload 8: expected a readable NIfTI file, found none/);
    expect((missing as Error).message).not.toContain(root);
  });
});

describe("loadCase on the real ISLES'22 fixture", () => {
  it('loads float64 DWI and ADC of 112x112x73 as two float32 channels', async () => {
    const loaded = await loadCase(
      {
        id: 'sub-strokecase0001',
        dwi: path.join(FIXTURE, 'sub-strokecase0001_ses-0001_dwi.nii.gz'),
        adc: path.join(FIXTURE, 'sub-strokecase0001_ses-0001_adc.nii.gz'),
      },
      {
        preprocessing: {
          format: PREPROCESSING_FORMAT,
          channels: ['dwi', 'adc'],
          steps: [{ name: 'zscore-within-brain' }],
        },
      },
    );
    expect(loaded.shape).toEqual([112, 112, 73]);
    expect(loaded.channels.map((c) => c.length)).toEqual([112 * 112 * 73, 112 * 112 * 73]);
    expect(loaded.channels.every((c) => c.every(Number.isFinite))).toBe(true);
    expect(loaded.mask).toBeUndefined();
  });
});
