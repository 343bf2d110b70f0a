import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';
import { generateDataset } from '@fedstroke/synth';
import { CaseLoadError } from '../errors';
import type { CaseFiles } from '../layout/case-files';
import { discoverDataset } from '../layout/discover-dataset';
import { CropToBrain } from '../preprocessing/crop-to-brain';
import { ZScoreWithinBrain } from '../preprocessing/zscore-within-brain';
import { loadCase } from './load-case';

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
    const loaded = await loadCase(files, { useFlair: true });
    const dwi = await readNifti(files.dwi);
    const flair = await readNifti(files.flair!);
    expect(flair.shape).not.toEqual(dwi.shape);
    expect(loaded.channelNames).toEqual(['dwi', 'adc', 'flair']);
    expect(loaded.shape).toEqual(dwi.shape);
    for (const channel of loaded.channels) expect(channel).toHaveLength(32 * 32 * 20);
    expect(loaded.qc.some((note) => note.startsWith('FLAIR: resampled from'))).toBe(true);
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
  });

  it('runs the preprocessing steps in order and keeps the native grid', async () => {
    const loaded = await loadCase(files, {
      useFlair: false,
      preprocess: [new CropToBrain(1), new ZScoreWithinBrain()],
    });
    expect(loaded.channels).toHaveLength(2);
    expect(loaded.crop).toBeDefined();
    expect(loaded.shape.every((n, axis) => n <= [32, 32, 20][axis])).toBe(true);
    expect(loaded.nativeGrid.shape).toEqual([32, 32, 20]);
  });

  it('gives an ADC with a slightly different affine the DWI affine and notes it', async () => {
    const adc = await readNifti(files.adc);
    const shifted = Float64Array.from(adc.affine);
    shifted[3] += 0.3;
    const file = path.join(root, 'shifted_adc.nii.gz');
    await writeNifti(file, { ...adc, affine: shifted });
    const loaded = await loadCase({ ...files, adc: file }, { useFlair: false });
    expect(loaded.qc).toContainEqual(
      expect.stringMatching(/^ADC: affine differs from DWI by up to 0\.3\d* mm; took the DWI affine/),
    );
    await expect(loadCase({ ...files, adc: file }, { useFlair: false, affineTolerance: 0.1 })).rejects.toThrow(
      /affine differs from DWI .* by up to 0\.300 mm \(tolerance 0\.1 mm\)/,
    );
  });

  it('rejects an ADC on another shape, naming both files', async () => {
    const adc = await readNifti(files.adc);
    const file = path.join(root, 'small_adc.nii.gz');
    await writeNifti(file, { ...adc, shape: [32, 32, 10], data: adc.data.subarray(0, 32 * 32 * 10) });
    const attempt = loadCase({ ...files, adc: file }, { useFlair: false });
    await expect(attempt).rejects.toThrow(CaseLoadError);
    await expect(attempt).rejects.toThrow(`ADC ${file} has shape 32x32x10 but DWI ${files.dwi} has 32x32x20`);
  });

  it('refuses useFlair for a case without FLAIR', async () => {
    await expect(loadCase({ ...files, flair: undefined }, { useFlair: true })).rejects.toThrow(/has no FLAIR file/);
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
      { useFlair: false, preprocess: [new ZScoreWithinBrain()] },
    );
    expect(loaded.shape).toEqual([112, 112, 73]);
    expect(loaded.channels.map((c) => c.length)).toEqual([112 * 112 * 73, 112 * 112 * 73]);
    expect(loaded.channels.every((c) => c.every(Number.isFinite))).toBe(true);
    expect(loaded.mask).toBeUndefined();
  });
});
