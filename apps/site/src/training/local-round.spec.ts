import { learningRateAt } from '@fedstroke/training';
import { roundSchedule, validatesThisRound } from './local-round';

describe('roundSchedule', () => {
  it('places round r at (r−1)·localSteps of a poly schedule spanning every round of the task', () => {
    expect(roundSchedule({ roundIndex: 3, totalRounds: 10, localSteps: 25 }, 10)).toEqual({
      schedule: 'poly',
      scheduleSteps: 250,
      scheduleOffset: 50,
      warmupSteps: 10,
    });
  });

  it('keeps the warm-up below a short federation and decays to the last step of the last round', () => {
    const task = { roundIndex: 2, totalRounds: 2, localSteps: 3 };
    const placed = roundSchedule(task, 10);
    expect(placed).toEqual({ schedule: 'poly', scheduleSteps: 6, scheduleOffset: 3, warmupSteps: 5 });
    const schedule = { kind: placed.schedule, baseLr: 0.01, totalSteps: placed.scheduleSteps, warmupSteps: 5 };
    // Step 5 (the round's last) is the first after warm-up: 0.01 · (1 − 0/1)^0.9.
    expect(learningRateAt(schedule, placed.scheduleOffset + task.localSteps - 1)).toBeCloseTo(0.01, 12);
  });

  it('extends the schedule to a round beyond the announced count instead of training at rate 0', () => {
    expect(roundSchedule({ roundIndex: 12, totalRounds: 10, localSteps: 10 }, 0)).toMatchObject({
      scheduleSteps: 120,
      scheduleOffset: 110,
    });
  });
});

describe('validatesThisRound', () => {
  it('validates every n-th round and always the last one', () => {
    const rounds = (every: number, total: number) =>
      Array.from({ length: total }, (_, i) => i + 1).filter((roundIndex) =>
        validatesThisRound({ roundIndex, totalRounds: total }, every),
      );
    expect(rounds(1, 4)).toEqual([1, 2, 3, 4]);
    expect(rounds(4, 10)).toEqual([4, 8, 10]);
    expect(rounds(5, 10)).toEqual([5, 10]);
  });
});
