import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { InvalidArgumentError } from '@fedstroke/common';
import { GridMismatchError, writeNifti, type Volume } from '@fedstroke/nifti';
import { registerEvaluateCommand } from '../commands/evaluate.command';
import { CasePairingError, NotAMaskError } from './evaluate.errors';
import { runEvaluate, type SetEvaluation } from './evaluate.service';

type Voxel = [number, number, number];
const shape: Voxel = [8, 6, 5];
// 2 × 2 × 3 mm voxels: one voxel is 12 mm³ = 0.012 mL.
const affine = Float64Array.of(2, 0, 0, -8, 0, 2, 0, -6, 0, 0, 3, 4, 0, 0, 0, 1);
const VOXEL_ML = 0.012;

function maskVolume(voxels: Voxel[], value = 1, grid: { shape?: Voxel; affine?: Float64Array } = {}): Volume {
  const [nx, ny, nz] = grid.shape ?? shape;
  const data = new Float32Array(nx * ny * nz);
  for (const [i, j, k] of voxels) data[i + nx * (j + ny * k)] = value;
  return { data, shape: [nx, ny, nz], spacing: [2, 2, 3], affine: grid.affine ?? affine };
}

// GT: a 2×2×2 lesion at the origin corner and a single voxel far away (2 lesions, 9 voxels).
const gtVoxels: Voxel[] = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [1, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
  [7, 5, 4],
];
// Prediction: 4 voxels of the first lesion and a false positive at (4, 3, 2) (2 lesions, 5 voxels).
const predVoxels: Voxel[] = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [1, 1, 0],
  [4, 3, 2],
];

describe('runEvaluate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-evaluate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("computes the ISLES'22 metrics of one pair, thresholding probabilities at 0.5", async () => {
    const pred = join(dir, 'pred.nii.gz');
    const gt = join(dir, 'gt.nii.gz');
    // A probability map: 0.7 is lesion, the 0.4 voxel is not.
    const probabilities = maskVolume(predVoxels, 0.7);
    probabilities.data[3 + 8 * (3 + 6 * 3)] = 0.4;
    await writeNifti(pred, probabilities);
    await writeNifti(gt, maskVolume(gtVoxels), { datatype: 'uint8' });
    const result = await runEvaluate({ pred, gt });
    if (result.mode !== 'pair') throw new Error('expected a pair result');
    const c = result.case;
    expect(c).toMatchObject({
      caseId: 'gt',
      pred,
      gt,
      shape,
      tp: 1,
      fp: 1,
      fn: 1,
      ald: 0,
      gtLesions: 2,
      predLesions: 2,
    });
    expect(c.dice).toBeCloseTo((2 * 4) / (5 + 9), 6);
    expect(c.lesionF1).toBeCloseTo(0.5, 12);
    expect(c.avdMl).toBeCloseTo(4 * VOXEL_ML, 6);
    expect(c.gtVolumeMl).toBeCloseTo(9 * VOXEL_ML, 6);
    expect(c.spacing.map((s) => +s.toFixed(5))).toEqual([2, 2, 3]);
  });

  it('refuses two grids that differ, naming both files and both grids', async () => {
    const gt = join(dir, 'grid-gt.nii.gz');
    const shifted = join(dir, 'grid-shifted.nii.gz');
    const smaller = join(dir, 'grid-smaller.nii.gz');
    await writeNifti(gt, maskVolume(gtVoxels));
    const moved = Float64Array.from(affine);
    moved[3] += 2; // one voxel to the right in world space: same shape, different place
    await writeNifti(shifted, maskVolume(gtVoxels, 1, { affine: moved }));
    await writeNifti(smaller, maskVolume([], 1, { shape: [8, 6, 4] }));

    await expect(runEvaluate({ pred: shifted, gt })).rejects.toThrow(GridMismatchError);
    await expect(runEvaluate({ pred: shifted, gt })).rejects.toThrow(
      new RegExp(
        `prediction ${shifted} and ground truth ${gt} are not on the same voxel grid \\(the affines differ by up to 2.000 mm \\(tolerance 0.001 mm\\)\\): prediction is 8x6x5 at 2x2x3 mm`,
      ),
    );
    await expect(runEvaluate({ pred: smaller, gt })).rejects.toThrow(
      /\(the shapes differ\): prediction is 8x6x4 at 2x2x3 mm, .*; ground truth is 8x6x5 at 2x2x3 mm.*Resample the prediction/,
    );
    // A looser tolerance is the user's explicit choice.
    await expect(runEvaluate({ pred: shifted, gt, gridTolerance: 2.5 })).resolves.toMatchObject({ mode: 'pair' });
  });

  it('rejects a prediction outside [0, 1] and a ground truth that is not binary, naming the file', async () => {
    const gt = join(dir, 'binary-gt.nii.gz');
    const nan = join(dir, 'nan.nii.gz');
    const intensities = join(dir, 'intensities.nii.gz');
    const probabilities = join(dir, 'probabilities.nii.gz');
    await writeNifti(gt, maskVolume(gtVoxels));
    const withNan = maskVolume(gtVoxels);
    withNan.data[5] = Number.NaN;
    await writeNifti(nan, withNan);
    await writeNifti(intensities, maskVolume(gtVoxels, 255));
    await writeNifti(probabilities, maskVolume(gtVoxels, 0.9));

    await expect(runEvaluate({ pred: nan, gt })).rejects.toThrow(NotAMaskError);
    await expect(runEvaluate({ pred: nan, gt })).rejects.toThrow(/prediction .*nan.nii.gz: voxel 5 is NaN/);
    await expect(runEvaluate({ pred: intensities, gt })).rejects.toThrow(
      /voxel 0 is 255; expected a mask or probabilities in \[0, 1\]/,
    );
    // The ground truth must be a real mask: a probability map there is refused by the NIfTI lib's mask check.
    await expect(runEvaluate({ pred: gt, gt: probabilities })).rejects.toMatchObject({ code: 'NIFTI_NOT_BINARY' });
    await expect(runEvaluate({ pred: gt, gt: nan })).rejects.toThrow(
      /nan.nii.gz: expected a binary mask of 0 and 1, found NaN/,
    );
  });

  it('evaluates a folder pair case by case, summarises, and reports unmatched files by name', async () => {
    const predDir = join(dir, 'preds');
    const gtDir = join(dir, 'derivatives');
    await mkdir(predDir);
    for (const id of ['0001', '0002', '0004'])
      await mkdir(join(gtDir, `sub-strokecase${id}`, 'ses-0001'), { recursive: true });
    const gtPath = (id: string) =>
      join(gtDir, `sub-strokecase${id}`, 'ses-0001', `sub-strokecase${id}_ses-0001_msk.nii.gz`);
    await writeNifti(join(predDir, 'sub-strokecase0001_pred.nii.gz'), maskVolume(gtVoxels)); // perfect
    await writeNifti(join(predDir, 'sub-strokecase0002_pred.nii.gz'), maskVolume(predVoxels)); // Dice 8/14
    await writeNifti(join(predDir, 'sub-strokecase0003_pred.nii.gz'), maskVolume(predVoxels)); // no GT
    for (const id of ['0001', '0002', '0004']) await writeNifti(gtPath(id), maskVolume(gtVoxels));

    const result = (await runEvaluate({ predDir, gtDir })) as SetEvaluation;
    expect(result.cases.map((c) => [c.caseId, +c.dice.toFixed(4)])).toEqual([
      ['sub-strokecase0001', 1],
      ['sub-strokecase0002', +(8 / 14).toFixed(4)],
    ]);
    expect(result.unmatched).toEqual({
      predOnly: [join(predDir, 'sub-strokecase0003_pred.nii.gz')],
      gtOnly: [gtPath('0004')],
    });
    expect(result.summary.n).toBe(2);
    expect(result.summary.dice.mean).toBeCloseTo((1 + 8 / 14) / 2, 6);
    expect(result.summary.shareDiceAbove08).toBe(0.5);
    expect(result.summary.shareDiceBelow05).toBe(0);
  });

  it('fails clearly when the folders share no case', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(runEvaluate({ predDir: empty, gtDir: join(dir, 'derivatives') })).rejects.toThrow(CasePairingError);
    await expect(runEvaluate({ predDir: empty, gtDir: join(dir, 'derivatives') })).rejects.toThrow(
      /no case is in both folders: 0 prediction file\(s\)/,
    );
  });

  it('reads the real T2 lesion fixture against itself: Dice 1 and its 37.9 mL in one lesion', async () => {
    const lesion = resolve(__dirname, '../../../../../shared/fixtures/t2-chronic-lesion/lesionT2.nii.gz');
    const result = await runEvaluate({ pred: lesion, gt: lesion });
    if (result.mode !== 'pair') throw new Error('expected a pair result');
    expect(result.case).toMatchObject({ dice: 1, lesionF1: 1, avdMl: 0, ald: 0, gtLesions: 1, shape: [156, 175, 146] });
    expect(result.case.gtVolumeMl).toBeCloseTo(37.855, 2);
  });
});

describe('fedstroke evaluate (command)', () => {
  let dir: string;
  let stdout: string[];
  let stderr: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-evaluate-cmd-'));
    await mkdir(join(dir, 'p'));
    await mkdir(join(dir, 'g'));
    await writeNifti(join(dir, 'p', 'case1.nii.gz'), maskVolume(predVoxels));
    await writeNifti(join(dir, 'g', 'case1.nii.gz'), maskVolume(gtVoxels));
    await writeNifti(join(dir, 'g', 'case2.nii.gz'), maskVolume(gtVoxels));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    stdout = [];
    stderr = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  });
  afterEach(() => jest.restoreAllMocks());

  async function run(...args: string[]): Promise<void> {
    const program = new Command('fedstroke').exitOverride();
    registerEvaluateCommand(program);
    await program.parseAsync(['evaluate', ...args], { from: 'user' });
  }

  it('prints one JSON object for --pred/--gt --json', async () => {
    await run('--pred', join(dir, 'p', 'case1.nii.gz'), '--gt', join(dir, 'g', 'case1.nii.gz'), '--json');
    const printed = JSON.parse(stdout.join(''));
    expect(printed).toMatchObject({ mode: 'pair', threshold: 0.5, case: { caseId: 'case1', tp: 1, fp: 1, fn: 1 } });
    expect(printed.case.dice).toBeCloseTo(8 / 14, 6);
  });

  it('prints aligned tables, writes the CSV and warns about the unmatched GT for a folder pair', async () => {
    const csv = join(dir, 'rows.csv');
    await run('--pred-dir', join(dir, 'p'), '--gt-dir', join(dir, 'g'), '--csv', csv);
    const text = stdout.join('');
    expect(text).toMatch(/^case\s+Dice\s+AVD mL\s+ALD\s+F1\s+TP\s+FP\s+FN\s+GT mL\s+pred mL\n/);
    expect(text).toMatch(/\ncase1\s+0\.5714\s+0\.048\s+0\s+0\.5000\s+1\s+1\s+1\s+0\.108\s+0\.060\n/);
    expect(text).toContain('Dice > 0.8: 0.0% of cases; Dice < 0.5: 0.0%');
    expect(text).toContain(
      `WARNING: ground truth without prediction, not evaluated: ${join(dir, 'g', 'case2.nii.gz')}`,
    );
    const rows = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe(
      'caseId,pred,gt,dice,avdMl,ald,lesionF1,tp,fp,fn,gtVolumeMl,predVolumeMl,gtLesions,predLesions',
    );
    expect(rows).toHaveLength(2);
    expect(rows[1].startsWith(`case1,${join(dir, 'p', 'case1.nii.gz')},`)).toBe(true);
  });

  it('puts unmatched files in the JSON and on stderr with --json', async () => {
    await run('--pred-dir', join(dir, 'p'), '--gt-dir', join(dir, 'g'), '--json');
    expect(JSON.parse(stdout.join('')).unmatched.gtOnly).toEqual([join(dir, 'g', 'case2.nii.gz')]);
    expect(stderr.join('')).toContain(`no prediction for ${join(dir, 'g', 'case2.nii.gz')}`);
  });

  it('rejects mixed or incomplete flags', async () => {
    await expect(run('--pred', 'a.nii', '--gt-dir', 'g')).rejects.toThrow(InvalidArgumentError);
    await expect(run('--pred', 'a.nii', '--gt-dir', 'g')).rejects.toThrow(
      /either --pred\/--gt .* or --pred-dir\/--gt-dir/,
    );
    await expect(run('--pred-dir', 'p')).rejects.toThrow('--pred-dir and --gt-dir go together');
    await expect(run('--pred', 'a.nii')).rejects.toThrow(/give --pred P.nii.gz with --gt G.nii.gz/);
  });
});
