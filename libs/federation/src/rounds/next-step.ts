/**
 * What the coordinator does next for one federation, decided from persisted state alone, so that a coordinator
 * restarted at any point loads the federation and its latest round, asks `nextStep`, and carries on:
 *
 *   loop:
 *     step = nextStep(federation status, latest round, rules, now)
 *     'open-first-round' → configure round 1 (Strategy.configureRound), store it, publish the initial model
 *     'wait'             → arm a timer for `until`; an upload, a failure or the timer asks again
 *     'close'            → OPEN → AGGREGATING, dropping the sites still training (with `why`)
 *     'aggregate'        → aggregate the accepted updates; complete or fail the round and open the next one
 *                          (`followingRoundIndex`), in one transaction
 *     'idle'             → nothing until an operator acts (not running: created, paused or over)
 *     'finished'         → nothing: the latest round has ended without a next one, so the federation is over
 *
 * 'aggregate' on a round that a crash left AGGREGATING aggregates it again from the stored accepted updates and the
 * last stored server state, which gives the same model, so it is safe to repeat.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { FederationStatus } from './federation-state';
import { closeDecision, type RoundRules, type RoundSituation } from './round-state';

export type NextStep =
  | { kind: 'open-first-round' }
  | { kind: 'wait'; until: number }
  | { kind: 'close'; why: string }
  | { kind: 'aggregate' }
  | { kind: 'idle'; status: FederationStatus }
  | { kind: 'finished' };

export function nextStep(
  federation: FederationStatus,
  round: RoundSituation | null,
  rules: RoundRules,
  now: number,
): NextStep {
  // A pause stops everything, the round in flight included (its deadline starts again on resume).
  if (federation !== 'RUNNING') return { kind: 'idle', status: federation };
  if (round === null) return { kind: 'open-first-round' };
  switch (round.status) {
    case 'AGGREGATING':
      return { kind: 'aggregate' };
    case 'OPEN': {
      if (round.gathering === null) {
        throw new InvalidArgumentError('nextStep: an OPEN round needs its gathering (updates or secure), got null');
      }
      const decision = closeDecision(round.gathering, rules, round.deadlineAt, now);
      return decision.close ? { kind: 'close', why: decision.why } : { kind: 'wait', until: decision.until };
    }
    default:
      // Rounds end and the next one opens in one transaction, so an ended latest round means the federation is over.
      return { kind: 'finished' };
  }
}
