import { FederationTransitionError } from '../federation.errors';
import {
  cancelFederation,
  canTransition,
  createFederationState,
  failFederation,
  pauseFederation,
  recordRoundCompleted,
  resumeFederation,
  shouldStartRound,
  startFederation,
} from './federation-state';

describe('federation state machine', () => {
  it('runs created → running → paused → running → completed after the last round', () => {
    // prepare
    let state = createFederationState(2, 0);
    // execute / assert step by step
    expect(shouldStartRound(state)).toBe(false);
    state = startFederation(state, 1);
    expect(shouldStartRound(state)).toBe(true);
    state = recordRoundCompleted(state, 2);
    state = pauseFederation(state, 3);
    expect(shouldStartRound(state)).toBe(false);
    state = resumeFederation(state, 4);
    state = recordRoundCompleted(state, 5);
    expect(state).toEqual({
      status: 'completed',
      totalRounds: 2,
      completedRounds: 2,
      createdAt: 0,
      updatedAt: 5,
      failure: null,
    });
    expect(shouldStartRound(state)).toBe(false);
  });

  it('lets the in-flight round complete while paused', () => {
    const paused = pauseFederation(startFederation(createFederationState(1, 0), 1), 2);
    expect(recordRoundCompleted(paused, 3).status).toBe('completed');
  });

  it('refuses invalid transitions with a typed error naming from, to and the allowed states', () => {
    const cancelled = cancelFederation(createFederationState(3, 0), 1);
    expect(() => startFederation(cancelled, 2)).toThrow(FederationTransitionError);
    expect(() => startFederation(cancelled, 2)).toThrow(
      "federation: cannot go from 'cancelled' to 'running'; from 'cancelled' the allowed next states are none (it is final)",
    );
    expect(() => pauseFederation(createFederationState(3, 0), 1)).toThrow(
      "cannot go from 'created' to 'paused'; from 'created' the allowed next states are 'running', 'cancelled'",
    );
    expect(() => resumeFederation(createFederationState(3, 0), 1)).toThrow(/only a paused federation resumes/);
    expect(() => recordRoundCompleted(createFederationState(3, 0), 1)).toThrow(FederationTransitionError);
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('completed', 'running')).toBe(false);
  });

  it('records why a federation failed', () => {
    const failed = failFederation(
      startFederation(createFederationState(3, 0), 1),
      { code: 'X', message: 'disk full' },
      2,
    );
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'X', message: 'disk full' } });
    expect(() => createFederationState(0, 0)).toThrow('federation.totalRounds must be an integer ≥ 1, got 0');
  });
});
