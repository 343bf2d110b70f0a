import { roundSchedule } from './local-round';

describe('roundSchedule', () => {
  it('places round r at (r−1)·localSteps of a poly schedule spanning every round', () => {
    expect(roundSchedule(3, 25, 10, 10)).toEqual({
      schedule: 'poly',
      scheduleSteps: 250,
      scheduleOffset: 50,
      warmupSteps: 10,
    });
  });

  it('runs at a constant rate when the round count is unknown, warming up in round 1 only', () => {
    expect(roundSchedule(1, 5, 10, undefined)).toEqual({
      schedule: 'constant',
      scheduleSteps: 5,
      scheduleOffset: 0,
      warmupSteps: 4,
    });
    expect(roundSchedule(4, 5, 10, undefined)).toMatchObject({ scheduleSteps: 20, scheduleOffset: 15 });
  });

  it('extends the schedule to a round beyond the announced count instead of failing', () => {
    expect(roundSchedule(12, 10, 0, 10)).toMatchObject({ scheduleSteps: 120, scheduleOffset: 110 });
  });
});
