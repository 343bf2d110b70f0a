import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeCases } from '@fedstroke/metrics';
import { caseRows, sampleReport } from '@fedstroke/report/testing';
import { registerCompareCommand } from './compare.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> => runCli(registerCompareCommand, ['compare', ...args]);

describe('fedstroke compare', () => {
  let dir: string;
  const runs: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-compare-cli-'));
    // Two seeds: federated − centralized test Dice gaps of 0.05 and 0.1.
    for (const [seed, centralized] of [
      [0, [0.7, 0.8, 0.5, 0.4]],
      [1, [0.8, 0.7, 0.5, 0.2]],
    ] as const) {
      const report = { ...sampleReport(), runId: `seed-${seed}` };
      const set = (dice: number[]) => {
        const cases = caseRows('test', dice);
        return { cases, summary: summarizeCases(cases) };
      };
      report.approaches[0].test = set([0.9, 0.8, 0.6, 0.3]);
      report.approaches[1].test = set([...centralized]);
      const runDir = join(dir, `seed-${seed}`);
      await mkdir(runDir);
      await writeFile(join(runDir, 'summary.json'), JSON.stringify(report));
      runs.push(runDir);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the paired gaps of each run and their mean ± sd over the runs', async () => {
    const printed = await run(runs);
    expect(printed).toMatch(/Dice\s+seed-0\s+4\s+0\.650\s+0\.600\s+\+0\.050/);
    expect(printed).toMatch(/Dice\s+seed-1\s+4\s+0\.650\s+0\.550\s+\+0\.100\s+0\.000/);
    expect(printed).toMatch(/Dice\s+mean ± sd over 2\s+\+0\.075\s+± 0\.035/);
    const json = JSON.parse(await run([...runs, '--json']));
    expect(json.overRuns.find((o: { metric: string }) => o.metric === 'dice').meanGap).toBeCloseTo(0.075, 12);
    expect(json.runs).toHaveLength(2);
  });

  it('takes the baseline from --against runs, one per run, and names a missing one', async () => {
    // seed-1's own centralized model as the baseline of seed-0's federated one: 0.65 − 0.55, as its JSON says.
    const json = JSON.parse(await run([runs[0], '--against', runs[1], '--json']));
    expect(json.runs[0].runId).toBe('seed-0 vs seed-1');
    expect(json.runs[0].gaps.find((g: { metric: string }) => g.metric === 'dice').gap).toBeCloseTo(0.1, 12);
    const printed = await run([runs[0], runs[1], '--against', runs[1], '--against', runs[0]]);
    expect(printed).toMatch(/Dice\s+seed-1 vs seed-0\s+4\s+0\.650\s+0\.600\s+\+0\.050/);
    await expect(run([runs[0], '--against', join(dir, 'nowhere')])).rejects.toThrow(
      `compare: --against run ${join(dir, 'nowhere')} has no readable summary.json (ENOENT)`,
    );
  });

  it('names a folder without a summary, a baseline the runs lack and an unknown set', async () => {
    await expect(run([runs[0], join(dir, 'nowhere')])).rejects.toThrow(
      `compare: run ${join(dir, 'nowhere')} has no readable summary.json (ENOENT)`,
    );
    const notJson = join(dir, 'broken');
    await mkdir(notJson);
    await writeFile(join(notJson, 'summary.json'), '{"format": "fedstroke-simulate-summary/1", ');
    await expect(run([notJson])).rejects.toThrow(`compare: ${join(notJson, 'summary.json')} is not JSON`);
    await expect(run([...runs, '--baseline', 'local-only center-1'])).rejects.toThrow(
      'compare: run seed-0 has no approach "local-only center-1" (the baseline)',
    );
    await expect(run([...runs, '--set', 'train'])).rejects.toThrow(
      'compare: --set is "train"; expected test or validation',
    );
  });
});
