import { learningRateAt, validateLrSchedule } from './lr-schedule';

describe('learning-rate schedules', () => {
  it('poly follows lr0 · (1 − t/T)^0.9', () => {
    const s = { kind: 'poly' as const, baseLr: 0.01, totalSteps: 100 };
    expect(learningRateAt(s, 0)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(s, 50)).toBeCloseTo(0.01 * Math.pow(0.5, 0.9), 12);
    expect(learningRateAt(s, 99)).toBeCloseTo(0.01 * Math.pow(0.01, 0.9), 12);
    expect(learningRateAt(s, 100)).toBe(0);
  });

  it('cosine goes from lr0 through the midpoint to the floor', () => {
    const s = { kind: 'cosine' as const, baseLr: 0.002, totalSteps: 40, minLr: 0.0002 };
    expect(learningRateAt(s, 0)).toBeCloseTo(0.002, 12);
    expect(learningRateAt(s, 20)).toBeCloseTo(0.0011, 12);
    expect(learningRateAt(s, 40)).toBeCloseTo(0.0002, 12);
  });

  it('warms up linearly, then starts the decay from lr0', () => {
    const s = { kind: 'poly' as const, baseLr: 0.001, totalSteps: 110, warmupSteps: 10 };
    expect(learningRateAt(s, 0)).toBeCloseTo(0.0001, 12);
    expect(learningRateAt(s, 4)).toBeCloseTo(0.0005, 12);
    expect(learningRateAt(s, 10)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(s, 60)).toBeCloseTo(0.001 * Math.pow(0.5, 0.9), 12);
    expect(learningRateAt({ ...s, kind: 'constant' }, 60)).toBe(0.001);
  });

  it('rejects unusable schedules with the valid range', () => {
    expect(() => validateLrSchedule({ kind: 'step' as never, baseLr: 1, totalSteps: 1 })).toThrow(
      /poly, cosine, constant/,
    );
    expect(() => validateLrSchedule({ kind: 'poly', baseLr: 0, totalSteps: 10 })).toThrow(/> 0/);
    expect(() => validateLrSchedule({ kind: 'poly', baseLr: 1, totalSteps: 10, warmupSteps: 10 })).toThrow(/\[0, 9\]/);
  });
});
