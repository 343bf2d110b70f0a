import { federatedCurve } from './federated-curve';

describe('the federated learning curve', () => {
  // Local models after their steps score well (0.8), the average they make scores worse (0.5): client drift.
  const rounds: Array<{ index: number; metrics: Record<string, number> }> = [
    { index: 1, metrics: { trainLoss: 1 } },
    { index: 2, metrics: { valDice: 0.7 } },
    { index: 3, metrics: { valDiceGlobal: 0.4 } },
    { index: 4, metrics: { valDice: 0.8 } },
    { index: 5, metrics: { valDiceGlobal: 0.5 } },
    { index: 6, metrics: { valDice: 0.85 } },
  ];

  it("is the global model's validation Dice, at the steps spent on it, never the local models' mean", () => {
    // Round r's sites scored the aggregate of round r − 1: 2 and 4 rounds of 15 steps; the final model after 6.
    expect(federatedCurve(rounds, 15, { round: 6, dice: 0.55 })).toEqual([
      { steps: 30, dice: 0.4 },
      { steps: 60, dice: 0.5 },
      { steps: 90, dice: 0.55 },
    ]);
  });

  it('has only what was measured: no global validations, no final evaluation, no points', () => {
    expect(federatedCurve(rounds.slice(0, 2), 15, null)).toEqual([]);
    expect(federatedCurve([], 15, { round: 3, dice: 0.2 })).toEqual([{ steps: 45, dice: 0.2 }]);
  });
});
