import { bestMedianWorst } from './case-selection';
import { caseRows } from './testing/report-fixture';

describe('bestMedianWorst', () => {
  it('picks the highest, the middle and the lowest Dice', () => {
    const picks = bestMedianWorst(caseRows('c', [0.5, 0.9, 0.1, 0.7, 0.3]));
    expect(picks.map((p) => [p.role, p.row.dice])).toEqual([
      ['best', 0.9],
      ['median', 0.5],
      ['worst', 0.1],
    ]);
  });

  it('never repeats a case when there are fewer than three', () => {
    expect(bestMedianWorst(caseRows('c', [0.4, 0.6])).map((p) => p.role)).toEqual(['best', 'worst']);
    expect(bestMedianWorst(caseRows('c', [0.4])).map((p) => p.role)).toEqual(['best']);
    expect(bestMedianWorst([])).toEqual([]);
  });
});
