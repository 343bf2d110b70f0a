import {
  closeDecision,
  deadlineFrom,
  failureStreakStop,
  followingRoundIndex,
  type Gathering,
  type RoundRules,
  updateShortfall,
} from './round-state';

const rules: RoundRules = { quorum: 3, seats: 4, minUpdates: 2 };
const DEADLINE = 10_000;
const updates = (accepted: number, assigned: number, total: number, unseatedMembers = 1): Gathering => ({
  kind: 'updates',
  counts: { accepted, assigned, total },
  unseatedMembers,
});

describe('closeDecision (plain updates)', () => {
  it('closes at the quorum, even before the deadline and with sites still training', () => {
    expect(closeDecision(updates(3, 1, 4), rules, DEADLINE, 0)).toEqual({ close: true, why: 'quorum reached (3/3)' });
  });

  it('closes at the deadline with whatever is in, and waits for the deadline until then', () => {
    expect(closeDecision(updates(1, 2, 3), rules, DEADLINE, DEADLINE - 1)).toEqual({ close: false, until: DEADLINE });
    expect(closeDecision(updates(1, 2, 3), rules, DEADLINE, DEADLINE)).toEqual({
      close: true,
      why: 'deadline passed with 1 accepted update(s)',
    });
    // An empty round closes too: aggregation then fails it (updateShortfall).
    expect(closeDecision(updates(0, 0, 0), rules, DEADLINE, DEADLINE + 5)).toMatchObject({ close: true });
  });

  it('closes once every seat has reported, whatever became of the reports', () => {
    expect(closeDecision(updates(2, 0, 4), rules, DEADLINE, 0)).toEqual({
      close: true,
      why: 'all 4 assigned site(s) have reported',
    });
    expect(closeDecision(updates(2, 1, 4), rules, DEADLINE, 0)).toEqual({ close: false, until: DEADLINE });
  });

  it('closes early when no member can still take a seat and enough updates are in', () => {
    expect(closeDecision(updates(2, 0, 2, 0), rules, DEADLINE, 0)).toEqual({
      close: true,
      why: 'every member that can still take part has reported (2 accepted)',
    });
    // Too few to aggregate: waiting for the deadline is the only chance left.
    expect(closeDecision(updates(1, 0, 2, 0), rules, DEADLINE, 0)).toEqual({ close: false, until: DEADLINE });
    // A member without a seat may still come.
    expect(closeDecision(updates(2, 0, 2, 1), rules, DEADLINE, 0)).toEqual({ close: false, until: DEADLINE });
  });
});

describe('closeDecision (secure aggregation)', () => {
  it("waits for the step's own time limit, not the round deadline, and ignores seat counts", () => {
    const gathering: Gathering = { kind: 'secure', progress: { kind: 'wait', until: 777 } };
    expect(closeDecision(gathering, rules, DEADLINE, DEADLINE + 1)).toEqual({ close: false, until: 777 });
  });

  it('closes once the sum is unmasked, or with the reason secure aggregation failed', () => {
    expect(closeDecision({ kind: 'secure', progress: { kind: 'unmasked' } }, rules, DEADLINE, 0)).toEqual({
      close: true,
      why: 'secure aggregation unmasked the sum',
    });
    const failed: Gathering = { kind: 'secure', progress: { kind: 'failed', reason: '2 of threshold 3 sent shares' } };
    expect(closeDecision(failed, rules, DEADLINE, 0)).toEqual({ close: true, why: '2 of threshold 3 sent shares' });
  });
});

describe('updateShortfall', () => {
  it('fails a round with fewer accepted updates than the minimum, before anything is read', () => {
    expect(updateShortfall(rules, 1)).toBe('1 accepted update(s) at close; minUpdatesAtDeadline is 2');
    expect(updateShortfall(rules, 2)).toBeNull();
  });

  it('fails a round whose usable updates fall below the minimum, naming the excluded ones', () => {
    const usable = { count: 1, excluded: ['site b: STORED_FILE_CORRUPT: sha256 differs'] };
    expect(updateShortfall(rules, 2, usable)).toBe(
      '1 usable update(s) of 2 accepted (site b: STORED_FILE_CORRUPT: sha256 differs); minUpdatesAtDeadline is 2',
    );
    expect(updateShortfall(rules, 3, { count: 2, excluded: ['site c: gone'] })).toBeNull();
  });
});

describe('followingRoundIndex and deadlineFrom', () => {
  it('opens the next index until the last round, and none once a finish reason (a budget) says so', () => {
    expect(followingRoundIndex(1, 3, null)).toBe(2);
    expect(followingRoundIndex(3, 3, null)).toBeNull();
    expect(followingRoundIndex(1, 3, 'ε would pass 4')).toBeNull();
  });

  it('gives a full deadline from now', () => {
    expect(deadlineFrom(1_000, 30)).toBe(31_000);
  });
});

describe('failureStreakStop', () => {
  it('stops at the limit of failed rounds in a row, naming it and the last reason; goes on below it or without one', () => {
    expect(failureStreakStop(2, 3, 'no update')).toBeNull();
    expect(failureStreakStop(3, 3, 'no update')).toBe(
      '3 rounds in a row failed (maxConsecutiveFailedRounds is 3); the last: no update',
    );
    expect(failureStreakStop(1, 1, 'x')).toMatch(/^1 rounds in a row failed/);
    expect(failureStreakStop(50, undefined, 'x')).toBeNull();
  });
});
