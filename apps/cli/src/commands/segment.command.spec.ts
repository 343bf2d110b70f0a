import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudyInputError } from '@fedstroke/inference';
import { maxAffineDifference, readNifti, readNiftiHeader } from '@fedstroke/nifti';
import { loadArtifacts, type ModelProvenance, writeModelExport } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { CASE_DIR, CASE_DWI, T2 } from '@fedstroke/inference/testing';
import { registerSegmentCommand } from './segment.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> => runCli(registerSegmentCommand, ['segment', ...args]);

describe('fedstroke segment', () => {
  let dir: string;
  let models: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-segment-cli-'));
    models = join(dir, 'models');
    await writeArtifacts(models, namedConfig('tiny'), 0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const trainedBy: ModelProvenance = {
    kind: 'federated',
    untrained: false,
    federationId: '3b1c0d2e-0000-4000-8000-000000000001',
    federationName: 'isles-fedavg',
    modelVersionId: '5c2f1a9e-0000-4000-8000-000000000002',
    roundIndex: 3,
    rounds: 3,
    strategy: 'FEDAVG',
    trainingData: 'synthetic',
    startedFrom: 'the "tiny" artifacts checkpoint',
  };
  const common = () => ['--config', 'tiny', '--artifacts', models, '--threads', '1', '--json'];

  it('segments an ISLES22 case folder (--case) with a model export, naming the model and its training', async () => {
    const { manifest, initialParameters } = await loadArtifacts(join(models, 'tiny'));
    const exportDir = join(dir, 'trained');
    await writeModelExport(
      exportDir,
      manifest,
      initialParameters.map((w, i) => w + 1e-3 * Math.cos(i)),
      trainedBy,
    );
    const out = join(dir, 'mask.nii.gz');
    const json = JSON.parse(await run(['--case', CASE_DIR, '--out', out, '--model', exportDir, ...common()]));
    expect(json.out).toBe(out);
    expect(json.grid.shape).toEqual([112, 112, 73]);
    expect(json.model).toEqual({
      version: trainedBy.modelVersionId,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      config: 'tiny',
      training: trainedBy,
    });
    expect(json).toMatchObject({ untrained: false, warnings: [] });
    expect(json.qcWarnings.map((w: { code: string }) => w.code)).toEqual(['FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
    const mask = await readNifti(out);
    const dwi = await readNifti(CASE_DWI);
    expect(mask.shape).toEqual(dwi.shape);
    expect(maxAffineDifference(mask.affine, dwi.affine)).toBeLessThan(1e-4);
    expect(mask.data.reduce((sum, v) => sum + v, 0)).toBe(
      json.lesions.reduce((sum: number, l: { voxels: number }) => sum + l.voxels, 0),
    );
    expect((await readNiftiHeader(out)).description).toBe(
      `fedstroke tiny sha ${json.model.sha256.slice(0, 12)} fed 3b1c0d2e r3/3 synthetic`,
    );
  });

  it("refuses the config's untrained checkpoint unless --allow-untrained, and then says so", async () => {
    const out = join(dir, 'untrained.nii.gz');
    await expect(run(['--case', CASE_DIR, '--out', out, ...common()])).rejects.toThrow(
      /refusing to segment with the ".*tiny" checkpoint: these are untrained initial weights.*--allow-untrained/,
    );
    // The same weights under another name are refused too.
    const checkpoint = join(models, 'tiny', 'checkpoint.safetensors');
    await expect(run(['--case', CASE_DIR, '--out', out, '--model', checkpoint, ...common()])).rejects.toThrow(
      /refusing to segment with --model .*checkpoint\.safetensors \(the "tiny" artifacts checkpoint\)/,
    );
    const json = JSON.parse(await run(['--case', CASE_DIR, '--out', out, '--allow-untrained', ...common()]));
    expect(json).toMatchObject({ untrained: true, warnings: [expect.stringMatching(/^UNTRAINED MODEL/)] });
    expect(json.model).toMatchObject({ version: 'tiny/checkpoint', training: { kind: 'initial', untrained: true } });
    expect((await readNiftiHeader(out)).description).toMatch(/^fedstroke tiny sha [0-9a-f]{12} UNTRAINED undeclared$/);
    const text = await run([
      '--case',
      CASE_DIR,
      '--out',
      out,
      '--allow-untrained',
      '--config',
      'tiny',
      '--artifacts',
      models,
      '--threads',
      '1',
    ]);
    expect(text).toMatch(/^WARNING UNTRAINED MODEL/);
    expect(text).toMatch(/trained: no \(the "tiny" artifacts checkpoint\)/);
  });

  it('refuses a T2 given as ADC before any compute, and a half-given study', async () => {
    const out = join(dir, 'never.nii.gz');
    const study = ['--dwi', CASE_DWI, '--adc', T2, '--out', out, '--allow-untrained'];
    const refused = run([...study, '--config', 'tiny', '--artifacts', models]);
    await expect(refused).rejects.toBeInstanceOf(StudyInputError);
    await expect(refused).rejects.toThrow(/are not on the same voxel grid/);
    await expect(run(['--dwi', CASE_DWI, '--out', out, '--allow-untrained'])).rejects.toThrow(
      /give --dwi FILE and --adc FILE/,
    );
  });
});
