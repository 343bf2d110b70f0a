/**
 * One round's lifecycle as plain data and pure transitions, so the coordinator can persist it as JSON after every
 * step and resume exactly where a crash left it (cf. NVFlare's ScatterAndGather: broadcast, wait for enough results
 * or the deadline, aggregate, persist).
 *
 *   open ──first report──▶ collecting ──readyToAggregate──▶ aggregating ──▶ completed
 *     └──────────────┴──── failed (too few results possible, deadline without minimum, failure not accepted)
 *
 * Times are epoch milliseconds supplied by the caller; nothing here reads a clock.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { RoundParticipationError, RoundTransitionError } from '../federation.errors';

export type RoundStatus = 'open' | 'collecting' | 'aggregating' | 'completed' | 'failed';
export type ParticipationStatus = 'pending' | 'accepted' | 'rejected' | 'dropped';

export interface Reason {
  code: string;
  message: string;
}

export interface Participation {
  siteId: string;
  status: ParticipationStatus;
  numSamples: number | null;
  reason: Reason | null;
  updatedAt: number | null;
}

export interface RoundState {
  roundIndex: number;
  roundId: string;
  baseModelId: string;
  status: RoundStatus;
  /** Accepted results that close the round early. */
  quorum: number;
  /** Accepted results without which the round fails (at the deadline, or once they can no longer arrive). */
  minResults: number;
  /** False: any dropped or rejected site fails the round. */
  acceptFailures: boolean;
  openedAt: number;
  deadlineAt: number;
  closedAt: number | null;
  participations: Participation[];
  failure: Reason | null;
  /** The model id stored from this round's aggregation. */
  resultModelId: string | null;
}

export interface OpenRoundParams {
  roundIndex: number;
  roundId: string;
  baseModelId: string;
  siteIds: readonly string[];
  quorum: number;
  minResults: number;
  acceptFailures: boolean;
  openedAt: number;
  deadlineAt: number;
}

export function openRound(p: OpenRoundParams): RoundState {
  const sites = new Set(p.siteIds);
  if (sites.size === 0 || sites.size !== p.siteIds.length) {
    throw new InvalidArgumentError(`round ${p.roundId}: siteIds must be non-empty and distinct, got [${p.siteIds}]`);
  }
  if (!(Number.isInteger(p.minResults) && Number.isInteger(p.quorum) && 1 <= p.minResults)) {
    throw new InvalidArgumentError(`round ${p.roundId}: minResults and quorum must be integers ≥ 1`);
  }
  if (!(p.minResults <= p.quorum && p.quorum <= sites.size)) {
    throw new InvalidArgumentError(
      `round ${p.roundId}: need 1 ≤ minResults (${p.minResults}) ≤ quorum (${p.quorum}) ≤ invited sites (${sites.size})`,
    );
  }
  if (!(p.deadlineAt > p.openedAt)) {
    throw new InvalidArgumentError(
      `round ${p.roundId}: deadlineAt (${p.deadlineAt}) must follow openedAt (${p.openedAt})`,
    );
  }
  const participations = p.siteIds.map((siteId): Participation => ({
    siteId,
    status: 'pending',
    numSamples: null,
    reason: null,
    updatedAt: null,
  }));
  const { siteIds: _siteIds, ...fields } = p;
  return { ...fields, status: 'open', closedAt: null, participations, failure: null, resultModelId: null };
}

export type UpdateOutcome = { accepted: true; numSamples: number } | { accepted: false; reason: Reason };

export function countByStatus(state: RoundState, status: ParticipationStatus): number {
  return state.participations.filter((p) => p.status === status).length;
}

export function acceptedSiteIds(state: RoundState): string[] {
  return state.participations.filter((p) => p.status === 'accepted').map((p) => p.siteId);
}

/** A site's update arrived and was validated: accepted or rejected with its reason. */
export function recordUpdate(state: RoundState, siteId: string, outcome: UpdateOutcome, now: number): RoundState {
  const next = settleParticipation(
    state,
    siteId,
    outcome.accepted
      ? { status: 'accepted', numSamples: outcome.numSamples, reason: null }
      : { status: 'rejected', numSamples: null, reason: outcome.reason },
    now,
  );
  return outcome.accepted ? next : afterFailure(next, siteId, outcome.reason, now);
}

/** A site stopped answering (connection lost, agent crashed): it leaves this round and may join the next. */
export function recordDrop(state: RoundState, siteId: string, reason: Reason, now: number): RoundState {
  const next = settleParticipation(state, siteId, { status: 'dropped', numSamples: null, reason }, now);
  return afterFailure(next, siteId, reason, now);
}

/**
 * Enough accepted results to aggregate now: the quorum is in, or at least the minimum is in and nothing more can
 * come (every site answered, or the deadline passed).
 */
export function readyToAggregate(state: RoundState, now: number): boolean {
  if (state.status !== 'open' && state.status !== 'collecting') return false;
  const accepted = countByStatus(state, 'accepted');
  if (accepted >= state.quorum) return true;
  const nothingMoreToCome = countByStatus(state, 'pending') === 0 || now >= state.deadlineAt;
  return accepted >= state.minResults && nothingMoreToCome;
}

/**
 * Called when the deadline timer fires (or on resume, with the current time). Sites still pending are dropped;
 * the round fails if it lacks the minimum, or if it had to drop sites while failures are not accepted.
 */
export function onDeadline(state: RoundState, now: number): RoundState {
  if (now < state.deadlineAt || (state.status !== 'open' && state.status !== 'collecting')) return state;
  const lateReason: Reason = {
    code: 'DEADLINE',
    message: `no update before the round deadline ${iso(state.deadlineAt)}`,
  };
  const participations = state.participations.map((p) =>
    p.status === 'pending' ? { ...p, status: 'dropped' as const, reason: lateReason, updatedAt: now } : p,
  );
  const next: RoundState = { ...state, status: 'collecting', participations };
  const accepted = countByStatus(next, 'accepted');
  if (accepted < state.minResults) {
    return failRound(
      next,
      {
        code: 'DEADLINE_WITHOUT_MINIMUM',
        message: `deadline passed with ${accepted} accepted update(s); the round needs at least ${state.minResults}`,
      },
      now,
    );
  }
  const dropped = participations.some((p, i) => p !== state.participations[i]);
  return dropped && !state.acceptFailures ? failRound(next, notAccepted('late sites', lateReason), now) : next;
}

/** Closes collection. Sites still pending are dropped from this round (their later uploads are stale). */
export function beginAggregation(state: RoundState, now: number): RoundState {
  if (!readyToAggregate(state, now)) {
    throw new RoundTransitionError(
      state.roundId,
      state.status,
      'aggregating',
      state.status === 'open' || state.status === 'collecting'
        ? `${countByStatus(state, 'accepted')} accepted of quorum ${state.quorum} (minimum ${state.minResults}), ` +
            `deadline ${iso(state.deadlineAt)} not reached`
        : 'only a collecting round can start aggregating',
    );
  }
  const closed: Reason = { code: 'ROUND_CLOSED', message: 'the round reached its quorum before this site reported' };
  const participations = state.participations.map((p) =>
    p.status === 'pending' ? { ...p, status: 'dropped' as const, reason: closed, updatedAt: now } : p,
  );
  return { ...state, status: 'aggregating', participations, closedAt: now };
}

export function completeRound(state: RoundState, resultModelId: string, now: number): RoundState {
  if (state.status !== 'aggregating') {
    throw new RoundTransitionError(state.roundId, state.status, 'completed', 'only an aggregating round can complete');
  }
  return { ...state, status: 'completed', resultModelId, closedAt: state.closedAt ?? now };
}

export function failRound(state: RoundState, failure: Reason, now: number): RoundState {
  if (state.status === 'completed' || state.status === 'failed') {
    throw new RoundTransitionError(state.roundId, state.status, 'failed', `the round is already ${state.status}`);
  }
  return { ...state, status: 'failed', failure, closedAt: now };
}

function settleParticipation(
  state: RoundState,
  siteId: string,
  settled: Pick<Participation, 'status' | 'numSamples' | 'reason'>,
  now: number,
): RoundState {
  if (state.status !== 'open' && state.status !== 'collecting') {
    throw new RoundTransitionError(
      state.roundId,
      state.status,
      'collecting',
      `site ${siteId} reported after collection closed`,
    );
  }
  const index = state.participations.findIndex((p) => p.siteId === siteId);
  if (index < 0) throw new RoundParticipationError('UNKNOWN_SITE', state.roundId, siteId, 'not invited to this round');
  const current = state.participations[index];
  if (current.status !== 'pending') {
    throw new RoundParticipationError('ALREADY_REPORTED', state.roundId, siteId, `already ${current.status}`);
  }
  const participations = state.participations.slice();
  participations[index] = { ...current, ...settled, updatedAt: now };
  return { ...state, status: 'collecting', participations };
}

/** After a rejection or drop: fail if failures are not accepted, or if the minimum can no longer be reached. */
function afterFailure(state: RoundState, siteId: string, reason: Reason, now: number): RoundState {
  if (!state.acceptFailures) return failRound(state, notAccepted(`site ${siteId}`, reason), now);
  const reachable = countByStatus(state, 'accepted') + countByStatus(state, 'pending');
  if (reachable < state.minResults) {
    return failRound(
      state,
      {
        code: 'MINIMUM_UNREACHABLE',
        message: `only ${reachable} result(s) can still be accepted; the round needs at least ${state.minResults}`,
      },
      now,
    );
  }
  return state;
}

function notAccepted(who: string, reason: Reason): Reason {
  return {
    code: 'FAILURE_NOT_ACCEPTED',
    message: `${who} failed (${reason.code}: ${reason.message}) and the failure policy does not accept failures`,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
