import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { StudyInputError } from '@fedstroke/inference';
import { maxAffineDifference, readNifti } from '@fedstroke/nifti';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { CASE_DIR, CASE_DWI, T2 } from '../../../../libs/inference/src/testing/bad-studies';
import { registerSegmentCommand } from './segment.command';

async function runCli(args: string[]): Promise<string> {
  const program = new Command('fedstroke').exitOverride();
  registerSegmentCommand(program);
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'fedstroke', 'segment', ...args]);
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

describe('fedstroke segment', () => {
  let dir: string;
  let models: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-segment-cli-'));
    models = join(dir, 'models');
    await writeArtifacts(models, namedConfig('tiny'), 0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('segments an ISLES22 case folder (--case) and writes a mask with the DWI shape and affine', async () => {
    const out = join(dir, 'mask.nii.gz');
    const json = JSON.parse(
      await runCli([
        '--case',
        CASE_DIR,
        '--out',
        out,
        '--config',
        'tiny',
        '--artifacts',
        models,
        '--threads',
        '1',
        '--json',
      ]),
    );
    expect(json.out).toBe(out);
    expect(json.grid.shape).toEqual([112, 112, 73]);
    expect(json.model).toEqual({
      version: 'tiny/checkpoint',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      config: 'tiny',
    });
    expect(json.qcWarnings.map((w: { code: string }) => w.code)).toEqual(['FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
    const mask = await readNifti(out);
    const dwi = await readNifti(CASE_DWI);
    expect(mask.shape).toEqual(dwi.shape);
    expect(maxAffineDifference(mask.affine, dwi.affine)).toBeLessThan(1e-4);
    expect(mask.data.reduce((sum, v) => sum + v, 0)).toBe(
      json.lesions.reduce((sum: number, l: { voxels: number }) => sum + l.voxels, 0),
    );
  });

  it('refuses a T2 given as ADC before any compute, and a half-given study', async () => {
    const out = join(dir, 'never.nii.gz');
    const run = runCli(['--dwi', CASE_DWI, '--adc', T2, '--out', out, '--config', 'tiny', '--artifacts', models]);
    await expect(run).rejects.toBeInstanceOf(StudyInputError);
    await expect(run).rejects.toThrow(/are not on the same voxel grid/);
    await expect(runCli(['--dwi', CASE_DWI, '--out', out])).rejects.toThrow(/give --dwi FILE and --adc FILE/);
  });
});
