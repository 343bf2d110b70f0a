import { applyProgress, completedRounds, currentRound, EMPTY_LIVE, MAX_EVENTS, mergeRounds } from './federation-state';
import type { RoundProgress } from './federation-state';
import { participant, round } from './test-rounds';

const progress = (event: RoundProgress['event'], r: RoundProgress['round'], status = 'RUNNING'): RoundProgress => ({
  event,
  federationStatus: status as RoundProgress['federationStatus'],
  message: null,
  siteId: null,
  at: '2026-01-01T00:00:01.000Z',
  round: r,
});

describe('federation live state', () => {
  it('opens and closes rounds as events arrive, and logs every event but the snapshot', () => {
    let state = applyProgress(EMPTY_LIVE, progress('SNAPSHOT', round(1, 'OPEN', [participant('a', 'ASSIGNED')])));
    expect(state.events).toEqual([]);
    expect(currentRound(state)?.index).toBe(1);
    state = applyProgress(state, progress('ROUND_COMPLETED', round(1, 'COMPLETED', [participant('a', 'ACCEPTED')])));
    state = applyProgress(state, progress('ROUND_OPENED', round(2, 'OPEN')));
    expect(state.rounds.map((r) => [r.index, r.status])).toEqual([
      [1, 'COMPLETED'],
      [2, 'OPEN'],
    ]);
    expect(completedRounds(state)).toBe(1);
    expect(state.events.map((e) => [e.event, e.roundIndex])).toEqual([
      ['ROUND_OPENED', 2],
      ['ROUND_COMPLETED', 1],
    ]);
    state = applyProgress(state, progress('FEDERATION_PAUSED', null, 'PAUSED'));
    expect(state.status).toBe('PAUSED');
  });

  it('never lets a late page load roll a round back behind what an event already showed', () => {
    const pushed = applyProgress(
      EMPTY_LIVE,
      progress('UPDATE_ACCEPTED', round(1, 'OPEN', [participant('a', 'ACCEPTED')])),
    );
    const stale = mergeRounds(pushed, [round(1, 'OPEN', [participant('a', 'ASSIGNED')]), round(0, 'COMPLETED')]);
    expect(stale.rounds.map((r) => [r.index, r.counts.accepted])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    const newer = mergeRounds(stale, [round(1, 'AGGREGATING', [participant('a', 'ACCEPTED')])]);
    expect(currentRound(newer)?.status).toBe('AGGREGATING');
  });

  it('keeps the newest events only', () => {
    let state = EMPTY_LIVE;
    for (let i = 0; i < MAX_EVENTS + 5; i++) state = applyProgress(state, progress('SITE_ASSIGNED', round(1, 'OPEN')));
    expect(state.events).toHaveLength(MAX_EVENTS);
  });
});
