/**
 * A federation's lifecycle as plain data and pure transitions (JSON-serialisable, persisted by the coordinator).
 *
 *   created ──start──▶ running ◀──resume── paused
 *                        │  └──pause──────────▲
 *                        ├──last round done──▶ completed
 *   any non-final state ─┴──cancel / fail────▶ cancelled / failed
 *
 * A pause takes effect between rounds: a round already collecting may still complete while paused, and if it was
 * the last one the federation completes.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { FederationTransitionError } from '../federation.errors';
import type { Reason } from './round-state';

export type FederationStatus = 'created' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

export const FEDERATION_TRANSITIONS: Readonly<Record<FederationStatus, readonly FederationStatus[]>> = {
  created: ['running', 'cancelled'],
  running: ['paused', 'completed', 'cancelled', 'failed'],
  paused: ['running', 'completed', 'cancelled', 'failed'],
  completed: [],
  cancelled: [],
  failed: [],
};

export interface FederationState {
  status: FederationStatus;
  totalRounds: number;
  completedRounds: number;
  createdAt: number;
  updatedAt: number;
  failure: Reason | null;
}

export function createFederationState(totalRounds: number, now: number): FederationState {
  if (!Number.isInteger(totalRounds) || totalRounds < 1) {
    throw new InvalidArgumentError(`federation.totalRounds must be an integer ≥ 1, got ${totalRounds}`);
  }
  return { status: 'created', totalRounds, completedRounds: 0, createdAt: now, updatedAt: now, failure: null };
}

export function canTransition(from: FederationStatus, to: FederationStatus): boolean {
  return FEDERATION_TRANSITIONS[from].includes(to);
}

function transition(state: FederationState, to: FederationStatus, now: number): FederationState {
  if (!canTransition(state.status, to)) {
    throw new FederationTransitionError(state.status, to, FEDERATION_TRANSITIONS[state.status]);
  }
  return { ...state, status: to, updatedAt: now };
}

export const startFederation = (s: FederationState, now: number): FederationState => transition(s, 'running', now);
export const pauseFederation = (s: FederationState, now: number): FederationState => transition(s, 'paused', now);
export const cancelFederation = (s: FederationState, now: number): FederationState => transition(s, 'cancelled', now);

export function resumeFederation(state: FederationState, now: number): FederationState {
  if (state.status !== 'paused') {
    const why = 'only a paused federation resumes';
    throw new FederationTransitionError(state.status, 'running', FEDERATION_TRANSITIONS[state.status], why);
  }
  return transition(state, 'running', now);
}

export function failFederation(state: FederationState, failure: Reason, now: number): FederationState {
  return { ...transition(state, 'failed', now), failure };
}

/** Counts a completed round; after the last one the federation is completed. */
export function recordRoundCompleted(state: FederationState, now: number): FederationState {
  if (state.status !== 'running' && state.status !== 'paused') {
    const why = 'a round can only complete while the federation is running or paused';
    throw new FederationTransitionError(state.status, 'completed', FEDERATION_TRANSITIONS[state.status], why);
  }
  const next = { ...state, completedRounds: state.completedRounds + 1, updatedAt: now };
  return next.completedRounds >= next.totalRounds ? transition(next, 'completed', now) : next;
}

/** Whether the coordinator should open another round now. */
export function shouldStartRound(state: FederationState): boolean {
  return state.status === 'running' && state.completedRounds < state.totalRounds;
}
