/** A small but complete SimulationReport for the report specs. */
import { summarizeCases } from '@fedstroke/metrics';
import { renderOverlayPng } from '../png/overlay';
import type { ApproachResult, CaseRow, PrivacyProfile, RoundRow, SimulationReport } from '../run-report';
import { SUMMARY_FORMAT } from '../run-report';

export function caseRows(prefix: string, dices: number[]): CaseRow[] {
  return dices.map((dice, i) => ({
    id: `${prefix}-${i}`,
    dice,
    avdMl: 1 - dice,
    ald: i % 2,
    lesionF1: dice,
    gtVolumeMl: 2 + i,
    predVolumeMl: 2 + i - dice,
  }));
}

function approach(name: string, kind: ApproachResult['kind'], shift: number): ApproachResult {
  const val = caseRows(
    'val',
    [0.7, 0.8, 0.9].map((d) => d - shift),
  );
  const test = caseRows(
    'test',
    [0.95, 0.85, 0.6, 0.3].map((d) => d - shift),
  );
  const png = renderOverlayPng({ image: new Float32Array(16), width: 4, height: 4, layers: [], scale: 1 });
  return {
    name,
    kind,
    optimizerSteps: 60,
    wallTimeSeconds: 10,
    validation: {
      perSite: [{ site: 'center-1', cases: val, summary: summarizeCases(val) }],
      pooled: { cases: val, summary: summarizeCases(val) },
    },
    test: { cases: test, summary: summarizeCases(test) },
    curve: [
      { steps: 30, dice: 0.5 - shift },
      { steps: 60, dice: 0.8 - shift },
    ],
    overlays: [
      {
        role: 'best',
        caseId: 'test-0',
        dice: 0.95,
        slice: 3,
        file: 'overlays/x-best.png',
        pngBase64: png.toString('base64'),
      },
    ],
  };
}

export function sampleReport(): SimulationReport {
  return {
    format: SUMMARY_FORMAT,
    runId: 'run-<1>',
    createdAt: '2026-01-01T00:00:00.000Z',
    wallTimeSeconds: 42,
    data: {
      dir: 'data/synth-default',
      synthetic: true,
      sites: [{ name: 'center-1', folder: 'data/sites/site-1', train: 5, val: 3 }],
      testCases: 4,
    },
    profile: {
      modelConfig: 'tiny',
      parameterCount: 21733,
      strategy: 'FEDAVG',
      rounds: 2,
      localSteps: 10,
      sites: 3,
      batchSize: 2,
      patchSize: [16, 32, 32],
      learningRate: 0.003,
      totalOptimizerSteps: 60,
    },
    federation: { id: 'f-1', name: 'sim', status: 'COMPLETED', graphqlUrl: 'http://127.0.0.1:4000/graphql' },
    rounds: [1, 2].map((index) => ({
      index,
      status: 'COMPLETED',
      durationSeconds: 5,
      metrics: { trainLoss: 1 / index, valDice: 0.3 * index },
      participants: <RoundRow['participants']>[
        {
          site: 'center-1',
          status: 'ACCEPTED',
          numSamples: 5,
          metrics: { trainLoss: 1 / index, valDice: 0.3 * index },
          rejectionReason: null,
        },
        { site: 'center-2', status: 'REJECTED', numSamples: 5, metrics: {}, rejectionReason: 'NON_FINITE: NaN at 3' },
      ],
    })),
    approaches: [approach('federated', 'federated', 0), approach('centralized', 'centralized', 0.05)],
  };
}

/**
 * The sample report with client-level DP (z 1.1, C 0.5, δ 1e-5), ε 4.5 and 7.25 after its two rounds, with or
 * without secure aggregation (t 2 of 3) and an ε budget.
 */
export function privateReport(options: { secureAggregation: boolean; targetEpsilon: number | null }): SimulationReport {
  const report = sampleReport();
  const privacy: PrivacyProfile = {
    secureAggregation: options.secureAggregation ? { threshold: 2, clipNorm: 0.5 } : null,
    differentialPrivacy: {
      delta: 1e-5,
      targetEpsilon: options.targetEpsilon,
      clientNoiseMultiplier: 1.1,
      clientClipNorm: 0.5,
      sampleNoiseMultiplier: null,
    },
    epsilon: 7.25,
    sampleEpsilon: null,
    endedBy: null,
  };
  report.profile.privacy = privacy;
  report.rounds.forEach((round, i) => {
    round.privacy = {
      secureAggregation: options.secureAggregation,
      survivors: options.secureAggregation ? 3 : null,
      epsilon: [4.5, 7.25][i],
      sampleEpsilon: null,
      delta: 1e-5,
    };
  });
  return report;
}
