import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '@fedstroke/synth';
import { readSafetensors } from '@fedstroke/runtime';
import { torchLoadStrict } from '@fedstroke/runtime/testing';
import { registerTrainCommand } from './train.command';
import { runCli } from '../testing/run-cli';

/** `fedstroke train` end to end on a tiny synthetic dataset with the tiny U-Net (artifacts generated on the fly). */
describe('fedstroke train', () => {
  let dir: string;
  const data = () => join(dir, 'data');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-train-cli-'));
    await generateDataset({ outDir: data(), cases: 8, sites: 2, seed: 7, shape: [32, 32, 16], silent: true });
  }, 60000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = (args: string[]): Promise<string> => runCli(registerTrainCommand, ['train', ...args]);

  const common = '--config tiny --steps 6 --batch 1 --patch 16 --val-every 3 --warmup 0 --threads 1 --quiet'.split(' ');

  it('trains centrally and writes best + last checkpoints, the split and a summary with test metrics', async () => {
    const out = join(dir, 'central');
    const args = ['--data', data(), '--artifacts', join(dir, 'models'), '--out', out, ...common];
    const summary = JSON.parse(await run([...args, '--json']));
    expect(summary.mode).toBe('centralized');
    expect(summary.steps).toBe(6);
    expect(summary.losses).toHaveLength(6);
    expect(summary.valHistory.map((v: { step: number }) => v.step)).toEqual([3, 6]);
    expect(summary.best.dice).toBe(Math.max(...summary.valHistory.map((v: { meanDice: number }) => v.meanDice)));
    expect(summary.test.summary.n).toBe(summary.split.testCases.length);
    expect(summary.test.cases[0]).toEqual(
      expect.objectContaining({ dice: expect.any(Number), avdMl: expect.any(Number) }),
    );
    const split = JSON.parse(await readFile(join(out, 'split.json'), 'utf8'));
    expect(summary.split.trainCases).toEqual(split.sites.flatMap((s: { train: string[] }) => s.train));
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    for (const file of ['best.safetensors', 'last.safetensors'])
      expect((await stat(join(out, file))).size).toBeGreaterThan(0);
    // The checkpoint file holds the parameters only (loads with strict=True); the moments are in their own file.
    const last = await readSafetensors(join(out, 'last.safetensors'));
    expect(last.tensors.some((t) => t.name.includes('exp_avg'))).toBe(false);
    const moments = await readSafetensors(join(out, 'last.optimizer.safetensors'));
    expect(moments.tensors.some((t) => t.name.startsWith('exp_avg_sq.'))).toBe(true);
    const image = { data: new Float32Array(3 * 8 ** 3).fill(0.5), shape: [1, 3, 8, 8, 8] };
    const torch = torchLoadStrict(join(dir, 'models', 'tiny', 'manifest.json'), join(out, 'best.safetensors'), image);
    expect(torch.names).toHaveLength(last.tensors.length);

    // Resume to 9 steps: the first 6 losses are the earlier run's.
    const resumed = JSON.parse(
      await run([...args.map((a) => (a === '6' ? '9' : a)), '--resume', join(out, 'last.safetensors'), '--json']),
    );
    expect(resumed.steps).toBe(9);
    expect(resumed.losses.slice(0, 6)).toEqual(summary.losses);
  });

  it("trains on one site's cases only with --site", async () => {
    const out = join(dir, 'site2');
    const text = await run([
      '--data',
      data(),
      '--artifacts',
      join(dir, 'models'),
      '--out',
      out,
      '--site',
      '2',
      ...common,
    ]);
    expect(text).toMatch(/local-only \(.+\) training of "tiny": 6 steps/);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    const split = JSON.parse(await readFile(join(out, 'split.json'), 'utf8'));
    expect(summary.site).toBe(split.sites[1].name);
    expect(summary.split.trainCases).toEqual(split.sites[1].train);
  });

  it('trains with the FLAIR channel dropped (--drop-flair), and refuses a probability outside [0, 1]', async () => {
    const args = (name: string) => ['--data', data(), '--artifacts', join(dir, 'models'), '--out', join(dir, name)];
    const plain = JSON.parse(await run([...args('plain'), ...common, '--json']));
    const dropped = JSON.parse(await run([...args('no-flair'), ...common, '--drop-flair', '1', '--json']));
    expect(dropped.steps).toBe(6);
    // Same seed, same patches: only the zeroed FLAIR channel differs, and so does every loss after the first step.
    expect(dropped.losses[0]).not.toBe(plain.losses[0]);
    await expect(run([...args('bad-p'), ...common, '--drop-flair', '1.5'])).rejects.toThrow(
      /--drop-flair "1\.5": expected a probability between 0 and 1/,
    );
  });

  it('names the valid sites when --site is unknown', async () => {
    await expect(
      run(['--data', data(), '--artifacts', join(dir, 'models'), '--out', join(dir, 'bad'), '--site', '9', ...common]),
    ).rejects.toThrow(/--site 9: no such site; expected 1\.\.2/);
  });
});
