import { laneCount, planLanes, threadsPerLane } from './lane-schedule';

describe('planLanes', () => {
  it('balances the default profile: centralized alone on one lane, the three local-only models on the other', () => {
    // centralized = 15 rounds × 25 steps × 3 sites, each local-only model 15 × 25.
    expect(planLanes([1125, 375, 375, 375], 2)).toEqual([[0], [1, 2, 3]]);
  });

  it('puts each job, longest first, on the lane with the least work so far', () => {
    // 5 → lane 0 (5); 4 → lane 1 (4); 3 → lane 1 (7); 3 → lane 0 (8); 3 → lane 1 (10).
    expect(planLanes([5, 4, 3, 3, 3], 2)).toEqual([
      [0, 3],
      [1, 2, 4],
    ]);
    // 7 → lane 0 (7); 6 → lane 1 (6); 5 → lane 2 (5); 4 → lane 2 (9); 3 → lane 1 (9); 2 → lane 0 (9).
    expect(planLanes([2, 7, 4, 6, 3, 5], 3)).toEqual([
      [1, 0],
      [3, 4],
      [5, 2],
    ]);
  });

  it('breaks ties by job order and then by lane order', () => {
    expect(planLanes([2, 2, 2], 2)).toEqual([[0, 2], [1]]);
  });

  it('runs everything longest first on one lane, and leaves lanes empty when jobs are fewer', () => {
    expect(planLanes([1, 3, 2], 1)).toEqual([[1, 2, 0]]);
    expect(planLanes([4, 9], 3)).toEqual([[1], [0], []]);
    expect(planLanes([], 2)).toEqual([[], []]);
  });

  it('rejects a lane count below one and costs that are not finite non-negative numbers', () => {
    expect(() => planLanes([1], 0)).toThrow('lane count 0: expected an integer ≥ 1');
    expect(() => planLanes([1, Number.NaN], 2)).toThrow('job cost #1 is NaN');
    expect(() => planLanes([-1], 2)).toThrow('job cost #0 is -1');
  });
});

describe('laneCount and threadsPerLane', () => {
  it('uses one lane per core, never more lanes than jobs', () => {
    expect(laneCount(4, 2)).toBe(2);
    expect(laneCount(4, 16)).toBe(4);
    expect(laneCount(0, 2)).toBe(1);
  });

  it('takes FEDSTROKE_BASELINE_LANES over the core count, still capped by the jobs', () => {
    expect(laneCount(4, 2, '3')).toBe(3);
    expect(laneCount(4, 2, '9')).toBe(4);
    expect(laneCount(4, 2, '')).toBe(2);
    expect(() => laneCount(4, 2, 'two')).toThrow('FEDSTROKE_BASELINE_LANES "two": expected an integer ≥ 1');
    expect(() => laneCount(4, 2, '0')).toThrow('expected an integer ≥ 1');
  });

  it('splits the cores evenly over the lanes, at least one thread each', () => {
    expect(threadsPerLane(2, 2)).toBe(1);
    expect(threadsPerLane(16, 4)).toBe(4);
    expect(threadsPerLane(16, 3)).toBe(5);
    expect(threadsPerLane(2, 4)).toBe(1);
  });
});
