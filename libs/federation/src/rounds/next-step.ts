/**
 * What the coordinator should do next, decided from persisted state alone — the "round reads like a script" loop
 * of issue 4 (publish → wait for quorum or deadline → validate → aggregate → persist → advance), with no memory of
 * its own. Because the decision needs nothing that a crash can lose, a coordinator restarted at any point loads the
 * federation and its latest round from the database, asks `nextStep`, and carries on:
 *
 *   loop:
 *     step = nextStep(federation, latestRound, now)
 *     'open-round'      → configureRound, openRound, publish the global model          (persist the round)
 *     'wait'            → sleep until an update, a drop or `until` arrives; recordUpdate / recordDrop (persist)
 *     'apply-deadline'  → onDeadline                                                   (persist)
 *     'aggregate'       → beginAggregation (if still collecting), aggregate the accepted updates, store the model
 *                         and optimizer state, completeRound + recordRoundCompleted   (persist in one transaction)
 *     'retry-round'     → open a fresh round (new id) for the same index, or failFederation after too many tries
 *     'idle' / 'finished' → nothing until an operator acts
 *
 * 'aggregate' on a round already in 'aggregating' means a crash hit mid-aggregation: aggregating again from the
 * stored accepted updates and the last persisted optimizer state gives the same model, so it is safe to repeat.
 */
import type { FederationState, FederationStatus } from './federation-state';
import { readyToAggregate } from './round-state';
import type { Reason, RoundState } from './round-state';

export type NextStep =
  | { kind: 'open-round'; roundIndex: number }
  | { kind: 'wait'; until: number }
  | { kind: 'apply-deadline' }
  | { kind: 'aggregate' }
  | { kind: 'retry-round'; roundIndex: number; failure: Reason | null }
  | { kind: 'idle'; status: FederationStatus }
  | { kind: 'finished'; status: FederationStatus };

export function nextStep(federation: FederationState, round: RoundState | null, now: number): NextStep {
  const { status } = federation;
  if (status === 'completed' || status === 'cancelled' || status === 'failed') return { kind: 'finished', status };
  if (status === 'created') return { kind: 'idle', status };
  const inFlight = round !== null && round.status !== 'completed' && round.status !== 'failed';
  if (inFlight) {
    // A pause takes effect between rounds: the round in flight still finishes.
    if (round.status === 'aggregating' || readyToAggregate(round, now)) return { kind: 'aggregate' };
    if (now >= round.deadlineAt) return { kind: 'apply-deadline' };
    return { kind: 'wait', until: round.deadlineAt };
  }
  if (status === 'paused') return { kind: 'idle', status };
  if (round !== null && round.status === 'failed' && round.roundIndex === federation.completedRounds) {
    return { kind: 'retry-round', roundIndex: round.roundIndex, failure: round.failure };
  }
  return { kind: 'open-round', roundIndex: federation.completedRounds };
}
