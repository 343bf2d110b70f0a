import { histogramCounts, histogramSvg } from './histogram';

describe('histogramCounts', () => {
  it('bins values into equal bins, the top edge in the last bin, skipping non-finite values', () => {
    expect(histogramCounts([0, 0.05, 0.1, 0.55, 0.99, 1, NaN], 10, [0, 1])).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('clamps values outside the range into the edge bins', () => {
    expect(histogramCounts([-1, 2], 4, [0, 1])).toEqual([1, 0, 0, 1]);
  });
});

describe('histogramSvg', () => {
  it('draws one bar per bin and group, with its count', () => {
    const svg = histogramSvg(
      [
        { name: 'federated', values: [0.9, 0.85, 0.2] },
        { name: 'centralized', values: [0.95] },
      ],
      { title: 'Dice', xLabel: 'Dice', bins: 5 },
    );
    const counts = [...svg.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts).toEqual([0, 1, 0, 0, 2, 0, 0, 0, 0, 1]);
    expect(svg).toContain('federated (n=3)');
  });
});
