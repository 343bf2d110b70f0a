import { runSecaggBench } from './bench-secagg.command';

describe('fedstroke bench secagg', () => {
  it('reports, per site count, SecAgg and (where it pairs fewer) SecAgg+, with bytes and times against plain FedAvg', () => {
    const { rows } = runSecaggBench({ sites: [3, 12], params: 2000, dropouts: 1, repeats: 1 });
    // k = 2⌈log2 n⌉ = 8 < 11 at 12 sites; at 3 sites SecAgg+ would pair everyone anyway.
    expect(rows.map((r) => [r.sites, r.variant, r.neighbours, r.threshold])).toEqual([
      [3, 'SecAgg', 2, 2],
      [12, 'SecAgg', 11, 7],
      [12, 'SecAgg+', 8, 5],
    ]);
    for (const row of rows) {
      // The masked input is one word per parameter plus the weight word; keys and shares come on top.
      expect(row.bytes.maskedInputs).toBe(4 * 2001 * (row.sites - row.dropouts));
      expect(row.addedBytesPerSite).toBeGreaterThan(0);
      expect(row.perSiteMs).toBeGreaterThan(0);
      expect(row.coordinatorMs).toBeGreaterThan(0);
    }
    // SecAgg+ sends fewer share envelopes than SecAgg at the same site count.
    expect(rows[2].bytes.shares).toBeLessThan(rows[1].bytes.shares);
    expect(() => runSecaggBench({ sites: [3], params: 10, dropouts: 2, repeats: 1 })).toThrow(
      /leaves fewer than 2 of 3 sites/,
    );
  });
});
