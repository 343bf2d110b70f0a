import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerInspectCommand } from './inspect.command';
import { registerSynthCommand } from './synth.command';
import { runCli } from '../testing/run-cli';

const FIXTURE = path.resolve(__dirname, '../../../../../shared/fixtures/isles22-case0001');

const run = (args: string[]): Promise<string> =>
  runCli(
    (program) => {
      registerSynthCommand(program);
      registerInspectCommand(program);
    },
    args,
    { quietStderr: true },
  );

describe('fedstroke inspect', () => {
  it('prints a real NIfTI file as JSON: shape, spacing, datatype, affine and xform codes', async () => {
    const json = JSON.parse(
      await run(['inspect', path.join(FIXTURE, 'sub-strokecase0001_ses-0001_dwi.nii.gz'), '--json']),
    );
    expect(json.shape).toEqual([112, 112, 73]);
    expect(json.datatype).toMatch(/^float64/);
    expect([json.sformCode, json.qformCode]).toEqual([1, 2]);
    expect(json.affine).toHaveLength(4);
  });

  it('describes a synthetic case three ways: case folder, root + case id, and --root', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'inspect-cli-'));
    try {
      const synthOut = await run([
        'synth',
        '--out',
        root,
        '--cases',
        '1',
        '--seed',
        '4',
        '--shape',
        '32',
        '32',
        '20',
        '--spacing',
        '5',
        '5',
        '6',
      ]);
      expect(synthOut).toMatch(/^wrote 1 cases to /);
      const byFolder = JSON.parse(await run(['inspect', path.join(root, 'rawdata', 'sub-strokecase0001'), '--json']));
      const byId = JSON.parse(await run(['inspect', root, 'sub-strokecase0001', '--json']));
      const byRoot = JSON.parse(await run(['inspect', '--root', root, 'sub-strokecase0001', '--json']));
      expect(byId).toEqual(byFolder);
      expect(byRoot).toEqual(byFolder);
      expect(byFolder.missing).toEqual([]);
      expect(byFolder.mask.lesionCount).toBeGreaterThanOrEqual(1);
      const text = await run(['inspect', root, 'sub-strokecase0001']);
      expect(text).toMatch(/lesion: \d+ voxel\(s\), [\d.]+ mL, \d+ lesion\(s\) \(26-connected\)/);
      expect(text).toContain('flair NOT on the DWI grid');
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('names a path that does not exist', async () => {
    await expect(run(['inspect', '/no/such/file.nii.gz'])).rejects.toThrow(/does not exist/);
  });
});
