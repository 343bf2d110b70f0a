import { federationFixture } from '../persistence/testing/federation-fixture';
import { FederationAggregator } from './federation-aggregator';
import { configureRound } from './strategy-config';

const federation = federationFixture;

const update = (siteId: string, value: number, numSamples: number) => ({
  siteId,
  weights: new Float32Array(4).fill(value),
  numSamples,
  metrics: { loss: value },
});

describe('FederationAggregator', () => {
  const aggregator = new FederationAggregator();

  it('averages by sample count and records what it applied', () => {
    const outcome = aggregator.aggregate({
      federation: federation({}),
      round: configureRound(federation({}).config, 1),
      global: new Float32Array(4),
      updates: [update('a', 1, 1), update('b', 4, 3)],
      serverState: null,
    });
    expect(Array.from(outcome.weights)).toEqual([3.25, 3.25, 3.25, 3.25]);
    // ||Δ|| of the two updates from the zero model: 2 and 8.
    expect(outcome.metrics).toEqual({
      loss: 3.25,
      numResults: 2,
      numSamples: 4,
      updateNormMedian: 5,
      updateNormMax: 8,
    });
    expect(outcome.aggregation).toMatchObject({ strategy: 'fedavg', updates: 2, proximalMu: 0, clippedUpdates: 0 });
    expect(outcome.serverState).toBeNull();
  });

  it('carries FedAdam moments through their stored form exactly as an uninterrupted run would', () => {
    const fed = federation({ strategy: 'FEDADAM', strategyParams: { serverLearningRate: 0.1 } });
    const run = (
      global: Float32Array,
      roundIndex: number,
      state: ReturnType<FederationAggregator['aggregate']>['serverState'],
    ) =>
      aggregator.aggregate({
        federation: fed,
        round: configureRound(fed.config, roundIndex),
        global,
        updates: [update('a', 1, 1)],
        serverState: state,
      });
    const first = run(new Float32Array(4), 1, null);
    expect(first.serverState?.metadata).toEqual({ step: '1' });
    const second = run(first.weights, 2, first.serverState);
    expect(second.serverState?.metadata).toEqual({ step: '2' });
    // Without the stored state the second step would start from fresh moments and land elsewhere.
    const fresh = run(first.weights, 2, null);
    expect(Array.from(second.weights)).not.toEqual(Array.from(fresh.weights));
  });

  it('records the training patch on the model version only when every site of the round trained on it', () => {
    const patch = { trainPatchD: 32, trainPatchH: 48, trainPatchW: 48 };
    const aggregate = (second: Record<string, number>) =>
      aggregator.aggregate({
        federation: federation({}),
        round: configureRound(federation({}).config, 1),
        global: new Float32Array(4),
        updates: [
          { ...update('a', 1, 1), metrics: { loss: 1, ...patch } },
          { ...update('b', 2, 3), metrics: { loss: 2, ...second } },
        ],
        serverState: null,
      }).metrics;
    expect(aggregate(patch)).toMatchObject(patch);
    // A sample-weighted mean of 32 and 48 (44) would be no patch: nothing is recorded.
    const mixed = aggregate({ ...patch, trainPatchD: 48 });
    expect(Object.keys(mixed).filter((name) => name.startsWith('trainPatch'))).toEqual([]);
    expect(mixed.loss).toBe(1.75);
  });

  it("moves SCAFFOLD's c by Σ Δc_i / N with N the federation's members, not the seats of a round", () => {
    // Two seats per round, four members: one site's Δc_i = 4 moves c by 4 / 4 = 1 (by 4 / 2 = 2 with the seats).
    const fed = federation({ strategy: 'SCAFFOLD', sitesPerRound: 2, quorum: 1 });
    const scaffoldUpdate = { ...update('a', 1, 1), controlDelta: new Float32Array(4).fill(4) };
    const control = (memberCount?: number) =>
      Array.from(
        aggregator.aggregate({
          federation: fed,
          round: configureRound(fed.config, 1),
          ...(memberCount !== undefined && { memberCount }),
          global: new Float32Array(4),
          updates: [scaffoldUpdate],
          serverState: null,
        }).serverState!.tensors[0].data,
      );
    expect(control(4)).toEqual([1, 1, 1, 1]);
    expect(control()).toEqual([2, 2, 2, 2]);
  });

  it('validates through libs/federation, returning the coded reason', () => {
    const expectation = {
      roundId: 'r',
      baseModelId: 'm0',
      layoutSha256: 'a'.repeat(64),
      parameterCount: 4,
      global: new Float32Array(4),
      normBound: { bound: 1, rule: 'a test bound' },
    };
    const envelope = { ...update('a', 0.1, 1), roundId: 'r', baseModelId: 'm0', layoutSha256: 'a'.repeat(64) };
    expect(aggregator.validate(envelope, expectation)).toEqual({ accepted: true });
    const far = { ...envelope, weights: new Float32Array(4).fill(5) };
    expect(aggregator.validate(far, expectation)).toMatchObject({
      accepted: false,
      code: 'NORM_EXCEEDED',
      reason: expect.stringMatching(/^NORM_EXCEEDED: .*bound 1 \(a test bound\)/),
    });
  });
});
