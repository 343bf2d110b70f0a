/**
 * A federation's live state as the roundProgress subscription moves it: rounds by index, the federation status and
 * a short event log. Pure functions: the view feeds them the first page load and every pushed event.
 *
 * A page load and a pushed event can overtake each other, so a round is replaced only by a version at least as
 * far along (status, then settled participations): a late query answer never rolls a round back.
 */
import type { FederationStatus, RoundFieldsFragment, RoundProgressSubscription } from '../graphql/generated';

export type RoundProgress = RoundProgressSubscription['roundProgress'];

export interface LiveEvent {
  at: string;
  event: RoundProgress['event'];
  message: string | null;
  roundIndex: number | null;
  siteId: string | null;
}

export interface FederationLive {
  /** From the latest event; null until the first one. */
  status: FederationStatus | null;
  /** By index, ascending. */
  rounds: RoundFieldsFragment[];
  /** Newest first, at most MAX_EVENTS. */
  events: LiveEvent[];
}

export const MAX_EVENTS = 30;

export const EMPTY_LIVE: FederationLive = { status: null, rounds: [], events: [] };

const STATUS_RANK: Record<RoundFieldsFragment['status'], number> = {
  OPEN: 0,
  AGGREGATING: 1,
  COMPLETED: 2,
  FAILED: 2,
  CANCELLED: 2,
};

/** How far along a round is: its status, then how many of its participations have settled, then how many exist. */
function progressOf(round: RoundFieldsFragment): [number, number, number] {
  const { total, assigned } = round.counts;
  return [STATUS_RANK[round.status], total - assigned, total];
}

function atLeastAsFar(candidate: RoundFieldsFragment, current: RoundFieldsFragment): boolean {
  const [a, b] = [progressOf(candidate), progressOf(current)];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export function mergeRounds(state: FederationLive, incoming: readonly RoundFieldsFragment[]): FederationLive {
  const byId = new Map(state.rounds.map((round) => [round.id, round]));
  for (const round of incoming) {
    const current = byId.get(round.id);
    if (!current || atLeastAsFar(round, current)) byId.set(round.id, round);
  }
  return { ...state, rounds: [...byId.values()].sort((a, b) => a.index - b.index) };
}

export function applyProgress(state: FederationLive, progress: RoundProgress): FederationLive {
  const merged = progress.round ? mergeRounds(state, [progress.round]) : state;
  // The snapshot restates the present on every (re)connection; it is not news for the log.
  const events =
    progress.event === 'SNAPSHOT'
      ? merged.events
      : [
          {
            at: progress.at,
            event: progress.event,
            message: progress.message,
            roundIndex: progress.round?.index ?? null,
            siteId: progress.siteId,
          },
          ...merged.events,
        ].slice(0, MAX_EVENTS);
  return { ...merged, status: progress.federationStatus, events };
}

/** The latest round (open, aggregating or the last one), as the federation's currentRound. */
export function currentRound(state: FederationLive): RoundFieldsFragment | null {
  return state.rounds.length > 0 ? state.rounds[state.rounds.length - 1] : null;
}

export function completedRounds(state: FederationLive): number {
  return state.rounds.filter((round) => round.status === 'COMPLETED').length;
}
