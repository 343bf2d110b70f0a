/**
 * A round's lifecycle as the coordinator runs it, as plain data and pure decisions: the coordinator loads what its
 * database says about a round (`RoundSituation`), asks `nextStep` (./next-step.ts) what to do, and performs it
 * (persist, aggregate, arm a timer). Nothing here reads a clock or does I/O; times are epoch milliseconds.
 *
 *   OPEN ──close (quorum, deadline, everyone reported, secure aggregation unmasked or failed)──▶ AGGREGATING
 *   AGGREGATING ──enough usable updates and an acceptable aggregate──▶ COMPLETED, else ▶ FAILED
 *   OPEN / AGGREGATING ──federation cancelled──▶ CANCELLED
 *
 * Sites take seats while the round is OPEN (up to `seats`); a round that ends opens the next one in the same
 * transaction, from its new model (COMPLETED) or from the model it started from (FAILED), until the last round.
 */
export const ROUND_STATUSES = ['OPEN', 'AGGREGATING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** What the federation's config says about every one of its rounds. */
export interface RoundRules {
  /** Accepted updates that close the round at once. */
  quorum: number;
  /** Sites a round takes (sitesPerRound). */
  seats: number;
  /** Usable updates without which a closed round fails (minUpdatesAtDeadline). */
  minUpdates: number;
}

/** Participations of a round that gathers plain updates, by status. */
export interface SeatCounts {
  /** Seats taken, whatever became of them. */
  total: number;
  /** Seated sites that have not reported yet. */
  assigned: number;
  accepted: number;
}

/** Where secure aggregation's steps (keys, shares, masked inputs, unmasking) stand. */
export type SecureGathering =
  { kind: 'wait'; until: number } | { kind: 'unmasked' } | { kind: 'failed'; reason: string };

/** How an OPEN round is gathering: plain updates counted by seat, or secure aggregation's steps. */
export type Gathering =
  | {
      kind: 'updates';
      counts: SeatCounts;
      /** Members of the federation without a seat in this round: the sites it may still hear from. */
      unseatedMembers: number;
    }
  | { kind: 'secure'; progress: SecureGathering };

export interface RoundSituation {
  status: RoundStatus;
  deadlineAt: number;
  /** Only for an OPEN round. */
  gathering: Gathering | null;
}

export type CloseDecision = { close: false; until: number } | { close: true; why: string };

/**
 * Whether an OPEN round stops taking updates now, and why (the reason is recorded on the sites it drops). A plain
 * round closes on its quorum, at its deadline, once every seat has reported, or once every member that can still
 * take part has reported and enough updates are in; otherwise it waits for its deadline. A secure round closes when
 * secure aggregation has unmasked the sum or failed, and otherwise waits for its next step's time limit.
 */
export function closeDecision(gathering: Gathering, rules: RoundRules, deadlineAt: number, now: number): CloseDecision {
  if (gathering.kind === 'secure') {
    const { progress } = gathering;
    if (progress.kind === 'wait') return { close: false, until: progress.until };
    return { close: true, why: progress.kind === 'failed' ? progress.reason : 'secure aggregation unmasked the sum' };
  }
  const { counts, unseatedMembers } = gathering;
  if (counts.accepted >= rules.quorum) {
    return { close: true, why: `quorum reached (${counts.accepted}/${rules.quorum})` };
  }
  if (now >= deadlineAt) return { close: true, why: `deadline passed with ${counts.accepted} accepted update(s)` };
  if (counts.total >= rules.seats && counts.assigned === 0) {
    return { close: true, why: `all ${counts.total} assigned site(s) have reported` };
  }
  // Fewer members can still come than there are seats (one was revoked or removed): once every one of them has
  // reported and enough updates are in to aggregate, waiting for the deadline would gain nothing.
  if (counts.assigned === 0 && counts.accepted >= rules.minUpdates && unseatedMembers === 0) {
    return { close: true, why: `every member that can still take part has reported (${counts.accepted} accepted)` };
  }
  return { close: false, until: deadlineAt };
}

/**
 * Why a closed round fails instead of aggregating, or null when it can go on: asked once with the `accepted` count
 * alone (before anything is read), and again with the `usable` updates among them once their files are read
 * (`excluded` says why the others could not be used: changed on disk, unreadable).
 */
export function updateShortfall(
  rules: Pick<RoundRules, 'minUpdates'>,
  accepted: number,
  usable?: { count: number; excluded: readonly string[] },
): string | null {
  const { minUpdates } = rules;
  if (accepted < minUpdates) return `${accepted} accepted update(s) at close; minUpdatesAtDeadline is ${minUpdates}`;
  if (usable && usable.count < minUpdates) {
    const why = usable.excluded.join('; ');
    return `${usable.count} usable update(s) of ${accepted} accepted (${why}); minUpdatesAtDeadline is ${minUpdates}`;
  }
  return null;
}

/**
 * The round that follows round `index` (1-based) when it ends, completed or failed: the next index, or null when
 * the federation ends with it (its last round, or `finishReason`, e.g. a privacy budget that the next would pass).
 */
export function followingRoundIndex(index: number, totalRounds: number, finishReason: string | null): number | null {
  return finishReason === null && index < totalRounds ? index + 1 : null;
}

/**
 * Why a federation stops, as FAILED, after the round that just failed: `streak` rounds in a row have failed (this one
 * included) and `limit` (maxConsecutiveFailedRounds) is reached. Null: it goes on, and always where no limit is set
 * (federations created before the limit existed). Rounds that keep failing (sites that crash on this model, a quorum
 * no longer reachable) would otherwise take a deadline's worth of every site's time each, to the last round.
 */
export function failureStreakStop(streak: number, limit: number | undefined, lastReason: string): string | null {
  if (limit === undefined || streak < limit) return null;
  return `${streak} rounds in a row failed (maxConsecutiveFailedRounds is ${limit}); the last: ${lastReason}`;
}

/** A round opened at `now` (or an OPEN round resumed then: a pause stops the clock) gets a full deadline. */
export function deadlineFrom(now: number, deadlineSeconds: number): number {
  return now + deadlineSeconds * 1000;
}
