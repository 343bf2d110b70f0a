/**
 * PrivateAggregator records the round's metrics the way plain rounds do (reportedRoundMetrics): the training patch
 * only when every site trained on it, and no detection-grid figures among the round's means. Central DP-FedAvg with
 * zero noise, so the aggregate itself is exact and only the metrics are under test.
 */
import type { ParticipationRecord } from '../persistence/records';
import { federationFixture } from '../persistence/testing/federation-fixture';
import { PrivateAggregator } from './private-aggregator';
import type { PrivacyRecord } from './privacy-records';
import type { RoundPrivacyPlan } from './round-privacy-plan';

const PRIVACY: PrivacyRecord = {
  secureAggregation: null,
  differentialPrivacy: {
    delta: 1e-5,
    targetEpsilon: null,
    clientLevel: { noiseMultiplier: 0, clipNorm: 100, adaptive: null },
    sampleLevel: null,
  },
};
const PLAN: RoundPrivacyPlan = { privacy: PRIVACY, clipNorm: 100, sumNoiseStd: 0, secureAggregation: null };

const federation = federationFixture({ privacy: PRIVACY });

function participant(siteId: string, numSamples: number, metrics: Record<string, number>): ParticipationRecord {
  return { siteId, numSamples, metrics } as ParticipationRecord;
}

function aggregateWith(metrics: [Record<string, number>, Record<string, number>]): Record<string, number> {
  const global = new Float32Array(4);
  const updates = [
    { siteId: 'a', weights: new Float32Array(4).fill(1), numSamples: 1, metrics: metrics[0] },
    { siteId: 'b', weights: new Float32Array(4).fill(3), numSamples: 3, metrics: metrics[1] },
  ];
  const outcome = new PrivateAggregator().aggregate({
    federation,
    roundIndex: 1,
    global,
    plan: PLAN,
    source: { kind: 'central', updates },
    participants: [participant('a', 1, metrics[0]), participant('b', 3, metrics[1])],
    serverState: null,
  });
  // Client-level DP divides by sitesPerRound: (1 + 3) / 2.
  expect(Array.from(outcome.weights)).toEqual([2, 2, 2, 2]);
  return outcome.metrics;
}

describe('PrivateAggregator round metrics', () => {
  const patch = { trainPatchD: 32, trainPatchH: 48, trainPatchW: 48 };

  it('records the training patch when every site trained on it', () => {
    expect(
      aggregateWith([
        { loss: 1, ...patch },
        { loss: 2, ...patch },
      ]),
    ).toMatchObject({ loss: 1.75, ...patch });
  });

  it('records no patch when the sites disagree (a sample-weighted mean of 32 and 48 is no patch)', () => {
    const metrics = aggregateWith([
      { loss: 1, ...patch },
      { loss: 2, ...patch, trainPatchD: 48 },
    ]);
    expect(Object.keys(metrics).filter((name) => name.startsWith('trainPatch'))).toEqual([]);
    expect(metrics.loss).toBe(1.75);
  });
});
