import { CURVES, type CurveSpec, learningCurve, roundsWithValues, WEIGHTED_LABEL } from './learning-curve';
import { participant, round } from './test-rounds';

const names: Record<string, string> = { s1: 'north', s2: 'east' };

describe('learning curves', () => {
  it('has one series per site and the weighted one, over completed rounds only, gaps where nothing was reported', () => {
    const rounds = [
      round(2, 'COMPLETED', [participant('s1', 'ACCEPTED', { trainLoss: 0.5 }), participant('s2', 'REJECTED')], {
        trainLoss: 0.5,
      }),
      round(
        1,
        'COMPLETED',
        [participant('s1', 'ACCEPTED', { trainLoss: 0.9 }), participant('s2', 'ACCEPTED', { trainLoss: 0.7 })],
        {
          trainLoss: 0.8,
        },
      ),
      round(3, 'OPEN', [participant('s1', 'ACCEPTED', { trainLoss: 0.1 })]),
    ];
    const curve = learningCurve(rounds, { metric: 'trainLoss' }, (id) => names[id]);
    expect(curve.rounds).toEqual([1, 2]);
    expect(curve.series).toEqual([
      { label: 'east', weighted: false, values: [0.7, null] },
      { label: 'north', weighted: false, values: [0.9, 0.5] },
      { label: WEIGHTED_LABEL, weighted: true, values: [0.8, 0.5] },
    ]);
  });

  it('lists only the rounds that carry the metric (validation every few rounds)', () => {
    const rounds = [
      round(1, 'COMPLETED', [participant('s1', 'ACCEPTED', { trainLoss: 1 })], { trainLoss: 1 }),
      round(2, 'COMPLETED', [participant('s1', 'ACCEPTED', { valDice: 0.4 })], { valDice: 0.4 }),
    ];
    const curve = learningCurve(rounds, { metric: 'valDice' }, (id) => names[id]);
    expect(roundsWithValues(curve)).toEqual([2]);
    expect(curve.series.map((s) => s.values)).toEqual([
      [null, 0.4],
      [null, 0.4],
    ]);
  });

  it("plots the global model's Dice at the round whose aggregate the sites scored (round r reports round r − 1's)", () => {
    const rounds = [
      round(1, 'COMPLETED', [participant('s1', 'ACCEPTED', { valDiceGlobal: 0.1 })], { valDiceGlobal: 0.1 }),
      round(2, 'COMPLETED', [participant('s1', 'ACCEPTED', { trainLoss: 1 })], { trainLoss: 1 }),
      round(
        3,
        'COMPLETED',
        [participant('s1', 'ACCEPTED', { valDiceGlobal: 0.5 }), participant('s2', 'ACCEPTED', { valDiceGlobal: 0.3 })],
        { valDiceGlobal: 0.45 },
      ),
    ];
    const spec = CURVES.find((c) => c.metric === 'valDiceGlobal');
    expect(spec?.scoresReceivedModel).toBe(true);
    const curve = learningCurve(rounds, spec as CurveSpec, (id) => names[id]);
    expect(curve.rounds).toEqual([0, 1, 2]);
    expect(roundsWithValues(curve)).toEqual([0, 2]);
    expect(curve.series).toEqual([
      { label: 'east', weighted: false, values: [null, null, 0.3] },
      { label: 'north', weighted: false, values: [0.1, null, 0.5] },
      { label: WEIGHTED_LABEL, weighted: true, values: [0.1, null, 0.45] },
    ]);
  });
});
