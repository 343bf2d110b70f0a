import { describeAggregateBench, runAggregateBench } from './aggregate-bench';

describe('runAggregateBench', () => {
  it('pairs each round: the paired ratio is the median of copy time ÷ strategy time per round', () => {
    const result = runAggregateBench({ params: 1000, sites: 4, strategies: ['fedadam'], repeats: 3, beta: 0.25 });
    const [adam] = result.strategies;
    const perRound = adam.timesMs.map((ms, r) => result.copy.timesMs[r] / ms).sort((a, b) => a - b);
    expect(adam.pairedRatio).toBe(perRound[1]);
    // FedAdam also reads the global model and both moments and writes the moments back
    expect(adam.traffic).toEqual({ readBytes: 7 * 4000, writtenBytes: 3 * 4000 });
    expect(adam.targetRatio).toBeNull();
  });

  it('times every strategy and the copy once per round over the same site models', () => {
    const result = runAggregateBench({
      params: 2000,
      sites: 3,
      strategies: ['fedavg', 'scaffold', 'trimmed-mean'],
      repeats: 2,
      beta: 0.34,
    });
    expect(result).toMatchObject({ params: 2000, sites: 3, repeats: 2, beta: 0.34, siteModelBytes: 24000 });
    expect(result.copy.timesMs).toHaveLength(2);
    expect(result.strategies.map((s) => [s.strategy, s.timesMs.length])).toEqual([
      ['fedavg', 2],
      ['scaffold', 2],
      ['trimmed-mean', 2],
    ]);
    // SCAFFOLD also reads every site's control delta and c, and writes c back
    expect(result.strategies[1].traffic).toEqual({ readBytes: 7 * 8000, writtenBytes: 2 * 8000 });
    for (const s of result.strategies) expect(s.gbPerSecond).toBeCloseTo(24000 / (s.medianMs * 1e6), 9);
  });
});

describe('describeAggregateBench', () => {
  it('reports each strategy against its target and names the machine', () => {
    const result = runAggregateBench({ params: 1000, sites: 2, strategies: ['median'], repeats: 1, beta: 0.25 });
    const text = describeAggregateBench(result, 'v20 on test cpu');
    expect(text).toMatch(/^aggregate: 1000 params × 2 sites, 1 rounds/);
    expect(text).toMatch(/\nmedian +median .* GB\/s +reads 0 MB, writes 0 MB\n.*target ≥ 25\.0%: (met|NOT met)\)/);
    expect(text.endsWith('\nv20 on test cpu')).toBe(true);
  });
});
