import { createFederationState, pauseFederation, recordRoundCompleted, startFederation } from './federation-state';
import { nextStep } from './next-step';
import { beginAggregation, completeRound, openRound, recordDrop, recordUpdate } from './round-state';
import type { RoundState } from './round-state';

const T0 = 1_000_000;
const ok = { accepted: true as const, numSamples: 8 };

function openAt(roundIndex: number): RoundState {
  return openRound({
    roundIndex,
    roundId: `r${roundIndex}`,
    baseModelId: `m${roundIndex}`,
    siteIds: ['a', 'b', 'c'],
    quorum: 3,
    minResults: 2,
    acceptFailures: true,
    openedAt: T0,
    deadlineAt: T0 + 1000,
  });
}

describe('nextStep', () => {
  it('walks a federation of two rounds like a script, from persisted state only', () => {
    // prepare
    let federation = startFederation(createFederationState(2, T0), T0);
    // execute / assert, step by step
    expect(nextStep(federation, null, T0)).toEqual({ kind: 'open-round', roundIndex: 0 });
    let round = openAt(0);
    expect(nextStep(federation, round, T0 + 1)).toEqual({ kind: 'wait', until: T0 + 1000 });
    round = recordUpdate(recordUpdate(recordUpdate(round, 'a', ok, T0 + 2), 'b', ok, T0 + 3), 'c', ok, T0 + 4);
    expect(nextStep(federation, round, T0 + 5)).toEqual({ kind: 'aggregate' });
    round = beginAggregation(round, T0 + 5);
    expect(nextStep(federation, round, T0 + 6)).toEqual({ kind: 'aggregate' }); // a crash here: aggregate again
    round = completeRound(round, 'm1', T0 + 7);
    federation = recordRoundCompleted(federation, T0 + 7);
    expect(nextStep(federation, round, T0 + 8)).toEqual({ kind: 'open-round', roundIndex: 1 });
    round = completeRound(beginAggregation(openAtWithResults(1), T0 + 9), 'm2', T0 + 9);
    federation = recordRoundCompleted(federation, T0 + 9);
    expect(nextStep(federation, round, T0 + 10)).toEqual({ kind: 'finished', status: 'completed' });
  });

  it('applies the deadline once it has passed, then aggregates or retries', () => {
    const federation = startFederation(createFederationState(3, T0), T0);
    const oneIn = recordUpdate(openAt(0), 'a', ok, T0 + 1);
    expect(nextStep(federation, oneIn, T0 + 1000)).toEqual({ kind: 'apply-deadline' });
    const twoIn = recordUpdate(oneIn, 'b', ok, T0 + 2);
    expect(nextStep(federation, twoIn, T0 + 1000)).toEqual({ kind: 'aggregate' });
    const failed = recordDrop(
      recordDrop(oneIn, 'b', { code: 'GONE', message: '' }, T0 + 3),
      'c',
      { code: 'GONE', message: '' },
      T0 + 4,
    );
    expect(nextStep(federation, failed, T0 + 5)).toMatchObject({ kind: 'retry-round', roundIndex: 0 });
  });

  it('lets the round in flight finish while paused, then idles', () => {
    const paused = pauseFederation(startFederation(createFederationState(3, T0), T0), T0 + 1);
    const round = recordUpdate(openAt(0), 'a', ok, T0 + 2);
    expect(nextStep(paused, round, T0 + 3)).toEqual({ kind: 'wait', until: T0 + 1000 });
    const done = completeRound(beginAggregation(recordUpdate(round, 'b', ok, T0 + 4), T0 + 1000), 'm1', T0 + 1000);
    expect(nextStep(recordRoundCompleted(paused, T0 + 1000), done, T0 + 1001)).toEqual({
      kind: 'idle',
      status: 'paused',
    });
    expect(nextStep(createFederationState(3, T0), null, T0)).toEqual({ kind: 'idle', status: 'created' });
  });
});

function openAtWithResults(roundIndex: number): RoundState {
  let round = openAt(roundIndex);
  for (const site of ['a', 'b', 'c']) round = recordUpdate(round, site, ok, T0 + 9);
  return round;
}
