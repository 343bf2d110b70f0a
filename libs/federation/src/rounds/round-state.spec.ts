import { RoundParticipationError, RoundTransitionError } from '../federation.errors';
import {
  acceptedSiteIds,
  beginAggregation,
  completeRound,
  failRound,
  onDeadline,
  openRound,
  readyToAggregate,
  recordDrop,
  recordUpdate,
} from './round-state';
import type { OpenRoundParams, RoundState } from './round-state';

const T0 = Date.UTC(2026, 0, 1);
const DEADLINE = T0 + 60_000;

function round(overrides: Partial<OpenRoundParams> = {}): RoundState {
  return openRound({
    roundIndex: 2,
    roundId: 'r2',
    baseModelId: 'm1',
    siteIds: ['a', 'b', 'c'],
    quorum: 3,
    minResults: 2,
    acceptFailures: true,
    openedAt: T0,
    deadlineAt: DEADLINE,
    ...overrides,
  });
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

const accepted = { accepted: true as const, numSamples: 10 };
const crash = { code: 'CONNECTION_LOST', message: 'agent went away' };

describe('round state machine', () => {
  it('closes early when the quorum is in, dropping no one', () => {
    // prepare
    let state = round();
    // execute
    state = recordUpdate(state, 'a', accepted, T0 + 1);
    state = recordUpdate(state, 'b', accepted, T0 + 2);
    const readyAfterTwo = readyToAggregate(state, T0 + 3);
    state = recordUpdate(state, 'c', accepted, T0 + 4);
    const readyAfterThree = readyToAggregate(state, T0 + 5);
    state = completeRound(beginAggregation(state, T0 + 5), 'm2', T0 + 9);
    // assert: two of three is below the quorum of three and before the deadline
    expect([readyAfterTwo, readyAfterThree]).toEqual([false, true]);
    expect(state).toMatchObject({ status: 'completed', resultModelId: 'm2', closedAt: T0 + 5 });
    expect(acceptedSiteIds(state)).toEqual(['a', 'b', 'c']);
  });

  it('aggregates at the deadline with the minimum, dropping the silent site', () => {
    let state = recordUpdate(recordUpdate(round(), 'a', accepted, T0 + 1), 'b', accepted, T0 + 2);
    expect(readyToAggregate(state, DEADLINE - 1)).toBe(false);
    expect(readyToAggregate(state, DEADLINE)).toBe(true);
    state = onDeadline(state, DEADLINE);
    expect(state.status).toBe('collecting');
    expect(state.participations[2]).toMatchObject({ siteId: 'c', status: 'dropped', reason: { code: 'DEADLINE' } });
    expect(beginAggregation(state, DEADLINE).status).toBe('aggregating');
  });

  it('fails at the deadline without the minimum', () => {
    const state = onDeadline(recordUpdate(round(), 'a', accepted, T0 + 1), DEADLINE + 5);
    expect(state.status).toBe('failed');
    expect(state.failure?.code).toBe('DEADLINE_WITHOUT_MINIMUM');
    expect(onDeadline(round(), DEADLINE - 1).status).toBe('open'); // before the deadline nothing happens
  });

  it('does not wait for the deadline once every site answered and the minimum is in', () => {
    let state = recordUpdate(round(), 'a', accepted, T0 + 1);
    state = recordDrop(state, 'b', crash, T0 + 2);
    state = recordUpdate(state, 'c', accepted, T0 + 3);
    expect(readyToAggregate(state, T0 + 4)).toBe(true);
  });

  it('records a rejected update with its reason and fails once the minimum is out of reach', () => {
    const nan = { code: 'NON_FINITE', message: 'NaN at parameter 3' };
    let state = recordUpdate(round(), 'a', { accepted: false, reason: nan }, T0 + 1);
    expect(state.status).toBe('collecting');
    expect(state.participations[0]).toMatchObject({ status: 'rejected', reason: nan, updatedAt: T0 + 1 });
    state = recordDrop(state, 'b', crash, T0 + 2);
    expect(state.status).toBe('failed');
    expect(state.failure?.code).toBe('MINIMUM_UNREACHABLE');
  });

  it('fails on the first failure when the policy does not accept failures', () => {
    const state = recordDrop(round({ acceptFailures: false }), 'b', crash, T0 + 1);
    expect(state.status).toBe('failed');
    expect(state.failure?.message).toContain('site b failed (CONNECTION_LOST');
  });

  it('drops sites still pending when the quorum closes the round', () => {
    let state = recordUpdate(round({ quorum: 2 }), 'a', accepted, T0 + 1);
    state = beginAggregation(recordUpdate(state, 'c', accepted, T0 + 2), T0 + 3);
    expect(state.participations[1]).toMatchObject({ siteId: 'b', status: 'dropped', reason: { code: 'ROUND_CLOSED' } });
  });

  it('refuses invalid transitions with typed errors naming from and to', () => {
    const open = round();
    expect(() => beginAggregation(open, T0 + 1)).toThrow(RoundTransitionError);
    expect(() => beginAggregation(open, T0 + 1)).toThrow("round r2: cannot go from 'open' to 'aggregating'");
    expect(() => completeRound(open, 'm2', T0)).toThrow("cannot go from 'open' to 'completed'");
    const done = completeRound(
      beginAggregation(recordUpdate(round({ quorum: 1, minResults: 1 }), 'a', accepted, T0), T0),
      'm2',
      T0,
    );
    expect(() => recordUpdate(done, 'b', accepted, T0 + 1)).toThrow("cannot go from 'completed' to 'collecting'");
    expect(() => failRound(done, crash, T0 + 1)).toThrow("cannot go from 'completed' to 'failed'");
    const error = thrownBy(() => recordUpdate(done, 'b', accepted, T0 + 1));
    expect(error).toMatchObject({ from: 'completed', to: 'collecting', code: 'INVALID_ROUND_TRANSITION' });
  });

  it('refuses unknown sites and second reports', () => {
    const state = recordUpdate(round(), 'a', accepted, T0 + 1);
    expect(() => recordUpdate(state, 'zz', accepted, T0 + 2)).toThrow(RoundParticipationError);
    expect(() => recordUpdate(state, 'a', accepted, T0 + 2)).toThrow('round r2, site a: already accepted');
  });

  it('validates its parameters and stays plain JSON', () => {
    expect(() => round({ quorum: 4 })).toThrow('need 1 ≤ minResults (2) ≤ quorum (4) ≤ invited sites (3)');
    expect(() => round({ siteIds: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => round({ deadlineAt: T0 })).toThrow(/must follow openedAt/);
    const state = recordDrop(recordUpdate(round(), 'a', accepted, T0 + 1), 'b', crash, T0 + 2);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
