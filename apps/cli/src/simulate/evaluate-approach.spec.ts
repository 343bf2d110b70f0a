/**
 * The figure in the simulate report is the figure a clinician gets: for one synthetic case and one model, the mask
 * `fedstroke segment` writes is voxel for voxel the mask the report's evaluation scores, and `fedstroke evaluate` on
 * that file gives the report's Dice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { discoverDataset, pasteCrop, preprocessingOf } from '@fedstroke/isles';
import { readNifti } from '@fedstroke/nifti';
import { InferenceModel, loadArtifacts } from '@fedstroke/runtime';
import { generateDataset } from '@fedstroke/synth';
import { evaluateCases, loadTrainingCases, type TrainingCase } from '@fedstroke/training';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { registerSegmentCommand } from '../commands/segment.command';
import { runEvaluate } from '../evaluate/evaluate.service';
import { evaluateApproach } from './evaluate-approach';

let dir: string;
let models: string;
let testCase: TrainingCase;
let files: { dwi: string; adc: string; flair?: string; mask?: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedstroke-evaluate-approach-'));
  models = join(dir, 'models');
  await writeArtifacts(models, namedConfig('tiny'), 0);
  const data = join(dir, 'data');
  await generateDataset({
    outDir: data,
    cases: 1,
    sites: 1,
    seed: 3,
    shape: [40, 40, 24],
    spacing: [4, 4, 5],
    silent: true,
  });
  const dataset = await discoverDataset(data, { policy: 'fail', requireMask: true, requireFlair: true });
  files = dataset.cases[0];
  const { manifest } = await loadArtifacts(join(models, 'tiny'));
  const { spec } = preprocessingOf(manifest, 'tiny');
  [testCase] = await loadTrainingCases(dataset.cases, [dataset.cases[0].id], {
    preprocessing: spec,
    progress: { silent: true },
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function segmentCli(out: string): Promise<void> {
  const program = new Command('fedstroke').exitOverride();
  registerSegmentCommand(program);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync([
      'node',
      'fedstroke',
      'segment',
      ...['--dwi', files.dwi, '--adc', files.adc, '--flair', files.flair!],
      ...['--out', out, '--config', 'tiny', '--artifacts', models, '--threads', '1', '--json'],
      // Both sides run the artifacts' own (untrained) weights, which segment refuses unless told.
      '--allow-untrained',
    ]);
  } finally {
    spy.mockRestore();
  }
}

describe("simulate's evaluation and `fedstroke segment`", () => {
  it('produce the same mask for one case, and `fedstroke evaluate` on it gives the report’s Dice', async () => {
    const out = join(dir, 'segment-mask.nii.gz');
    await segmentCli(out);
    const segmented = await readNifti(out);

    const model = await InferenceModel.create(join(models, 'tiny'), { intraOpNumThreads: 1 });
    try {
      let evaluated: Uint8Array | undefined;
      await evaluateCases(model, [testCase], {
        progress: { silent: true },
        onPrediction: (_c, mask) => (evaluated = mask),
      });
      const onDwiGrid = pasteCrop(evaluated!, testCase.crop!);
      const ones = onDwiGrid.reduce((n, v) => n + v, 0);
      // The untrained tiny model marks part of the brain: a mask with something in it, not all of the volume.
      expect(ones).toBeGreaterThan(0);
      expect(ones).toBeLessThan(onDwiGrid.length);
      expect(Buffer.from(Uint8Array.from(segmented.data)).equals(Buffer.from(onDwiGrid))).toBe(true);

      const report = await evaluateApproach(
        model,
        { sites: [{ name: 'center-1', val: [testCase] }], test: [testCase] },
        { runDir: dir, slug: 'check', silent: true },
      );
      const byCli = await runEvaluate({ pred: out, gt: files.mask! });
      if (byCli.mode !== 'pair') throw new Error('expected one pair');
      expect(report.test.cases[0].dice).toBeCloseTo(byCli.case.dice, 12);
      expect(report.test.cases[0].avdMl).toBeCloseTo(byCli.case.avdMl, 9);
      expect(report.test.cases[0].lesionF1).toBeCloseTo(byCli.case.lesionF1, 12);
    } finally {
      await model.release();
    }
  });
});
