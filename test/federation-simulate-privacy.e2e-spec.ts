/**
 * What issue 10 calls done, small: `fedstroke simulate --secure-aggregation` with client-level DP-FedAvg and
 * sample-level DP-SGD runs a coordinator and three site agents as processes over mutual TLS (the default), every
 * round is unmasked from the sites' masked inputs, and the report states ε (per round, and for the final model).
 * Then the same federation without DP, and `fedstroke report` draws it beside the DP run from the two summaries.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { epsilonAfter } from '@fedstroke/federation';
import type { SimulationReport } from '@fedstroke/report';
import {
  FEDSTROKE_BIN,
  lastJsonLine,
  readSimulateRun,
  ROOT,
  simulateArgs,
  useSimulateWorkspace,
} from './federation-kit';

const run = promisify(execFile);
const workspace = useSimulateWorkspace('fedstroke-simulate-privacy', 5);

it('simulate --secure-aggregation --dp-noise --dp-sgd-noise completes over mTLS and reports ε', async () => {
  const args = [
    ...simulateArgs(workspace.root, workspace.dataDir, 2, 2),
    '--secure-aggregation',
    '--clip-norm',
    '0.1',
    '--dp-noise',
    '0.3',
    '--dp-sgd-noise',
    '1',
    '--dp-sgd-batch',
    '1',
    '--quiet',
  ];
  const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, timeout: 150_000 });
  expect(lastJsonLine(stdout)).toMatchObject({ federation: 'COMPLETED' });
  expect(stderr).toMatch(/mutual TLS: run CA .*pki\/ca\.crt \(throwaway/);

  const { runDir, summary } = readSimulateRun(workspace.root);
  expect(summary.rounds.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
  const account = { noiseMultiplier: 0.3, samplingRate: 1, delta: 1e-5 };
  summary.rounds.forEach((round, i) => {
    expect(round.participants.map((p) => p.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    // Every round unmasked from all three sites' masked inputs; client-level ε is the accountant's for q = 1.
    expect(round.privacy).toMatchObject({ secureAggregation: true, survivors: 3, delta: 1e-5 });
    expect(round.privacy?.epsilon).toBeCloseTo(epsilonAfter(i + 1, account), 6);
    expect(round.privacy?.sampleEpsilon).toBeGreaterThan(0);
  });
  // Sample-level ε only grows with the rounds (more local DP-SGD steps at every site).
  expect(summary.rounds[1].privacy?.sampleEpsilon).toBeGreaterThan(summary.rounds[0].privacy?.sampleEpsilon ?? 0);
  expect(summary.profile.privacy).toMatchObject({
    secureAggregation: { threshold: 2, clipNorm: 0.1 },
    differentialPrivacy: { delta: 1e-5, clientNoiseMultiplier: 0.3, sampleNoiseMultiplier: 1 },
    epsilon: summary.rounds[1].privacy?.epsilon,
    sampleEpsilon: summary.rounds[1].privacy?.sampleEpsilon,
    endedBy: null,
  });

  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  expect(html).toMatch(/Privacy: secure aggregation: each site clipped its update to L2 norm 0\.1/);
  expect(html).toMatch(/client-level ε = \d+\.\d{3} and sample-level ε = \d+\.\d{3} at δ = 0\.00001/);
  expect(html).toContain('Privacy spent: ε after each round');
  // The coordinator stored only masked inputs: no site's update was ever readable there.
  const log = readFileSync(join(runDir, 'logs', 'coordinator.log'), 'utf8');
  expect(log.match(/"event":"secagg.step"[^\n]*"step":"UNMASKED"/g)).toHaveLength(2);
}, 170_000);

it('fedstroke report draws the same federation without DP beside the DP run, from the two real summaries', async () => {
  // The DP run above is runs/e2e; the same profile without any privacy option becomes runs/e2e-plain.
  const plainArgs = simulateArgs(workspace.root, workspace.dataDir, 2, 2).map((arg) =>
    arg === 'e2e' ? 'e2e-plain' : arg,
  );
  await run(process.execPath, [...plainArgs, '--quiet'], { cwd: ROOT, timeout: 150_000 });
  const runs = join(workspace.root, 'runs');
  const plain = JSON.parse(readFileSync(join(runs, 'e2e-plain', 'summary.json'), 'utf8')) as SimulationReport;
  expect(plain.profile.privacy).toBeUndefined();

  const { stdout } = await run(
    process.execPath,
    [FEDSTROKE_BIN, 'report', join(runs, 'e2e'), '--without-dp', join(runs, 'e2e-plain'), '--json'],
    { cwd: ROOT, timeout: 30_000 },
  );
  const federatedPlain = plain.approaches.find((a) => a.kind === 'federated')?.test.summary.dice;
  const expectedRounds = plain.rounds
    .filter((r) => typeof r.metrics.valDice === 'number')
    .map((r) => ({ index: r.index, valDice: r.metrics.valDice }));
  expect(expectedRounds.length).toBeGreaterThan(0);
  expect(lastJsonLine(stdout)).toMatchObject({
    privacyReference: { runId: 'e2e-plain', rounds: expectedRounds, testDice: { mean: federatedPlain?.mean } },
  });
  const { runDir, summary } = readSimulateRun(workspace.root);
  expect(summary.privacyReference?.runId).toBe('e2e-plain');
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  expect(html).toContain('data-name="same run without DP (e2e-plain), at the same round"');
  expect(html).toContain('data-name="federated, with DP"');
  expect(html).toMatch(
    /the same federation without DP \(run e2e-plain\) reached test Dice \d\.\d{3} ± \d\.\d{3}, against/,
  );

  // A DP run as its own reference is refused with the reason.
  await expect(
    run(process.execPath, [FEDSTROKE_BIN, 'report', join(runs, 'e2e'), '--without-dp', join(runs, 'e2e')], {
      cwd: ROOT,
    }),
  ).rejects.toMatchObject({ stderr: expect.stringContaining('has differential privacy on') });
}, 170_000);
