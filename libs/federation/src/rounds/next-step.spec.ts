import { FEDERATION_ACTIONS, FEDERATION_STATUSES, type FederationStatus } from './federation-state';
import { nextStep } from './next-step';
import type { RoundRules, RoundSituation } from './round-state';

const rules: RoundRules = { quorum: 2, seats: 3, minUpdates: 1 };
const open = (accepted: number, assigned: number, total: number): RoundSituation => ({
  status: 'OPEN',
  deadlineAt: 5_000,
  gathering: { kind: 'updates', counts: { accepted, assigned, total }, unseatedMembers: 1 },
});

describe('nextStep', () => {
  it('does nothing for a federation that is not running, whatever its round looks like', () => {
    for (const status of FEDERATION_STATUSES.filter((s) => s !== 'RUNNING')) {
      expect(nextStep(status, open(2, 0, 2), rules, 0)).toEqual({ kind: 'idle', status });
      expect(nextStep(status, null, rules, 0)).toEqual({ kind: 'idle', status });
    }
  });

  it('opens round 1 for a running federation without rounds', () => {
    expect(nextStep('RUNNING', null, rules, 0)).toEqual({ kind: 'open-first-round' });
  });

  it('waits, closes and aggregates an OPEN round by its gathering', () => {
    expect(nextStep('RUNNING', open(1, 1, 2), rules, 0)).toEqual({ kind: 'wait', until: 5_000 });
    expect(nextStep('RUNNING', open(2, 1, 3), rules, 0)).toEqual({ kind: 'close', why: 'quorum reached (2/2)' });
    expect(nextStep('RUNNING', open(1, 1, 2), rules, 5_000)).toEqual({
      kind: 'close',
      why: 'deadline passed with 1 accepted update(s)',
    });
    const secure: RoundSituation = {
      status: 'OPEN',
      deadlineAt: 5_000,
      gathering: { kind: 'secure', progress: { kind: 'wait', until: 9_000 } },
    };
    expect(nextStep('RUNNING', secure, rules, 6_000)).toEqual({ kind: 'wait', until: 9_000 });
  });

  it('aggregates an AGGREGATING round (again, after a crash) and stops after an ended one', () => {
    const round = (status: RoundSituation['status']): RoundSituation => ({ status, deadlineAt: 0, gathering: null });
    expect(nextStep('RUNNING', round('AGGREGATING'), rules, 0)).toEqual({ kind: 'aggregate' });
    for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) {
      expect(nextStep('RUNNING', round(status), rules, 0)).toEqual({ kind: 'finished' });
    }
  });

  it('refuses an OPEN round without its gathering, naming what is missing', () => {
    const blind: RoundSituation = { status: 'OPEN', deadlineAt: 0, gathering: null };
    expect(() => nextStep('RUNNING', blind, rules, 0)).toThrow(/an OPEN round needs its gathering/);
  });
});

describe('FEDERATION_ACTIONS', () => {
  it('connects the lifecycle: start, pause and resume between the live statuses; cancel from any of them', () => {
    const live: FederationStatus[] = ['CREATED', 'RUNNING', 'PAUSED'];
    expect(FEDERATION_ACTIONS.start).toEqual({ from: ['CREATED'], to: 'RUNNING' });
    expect(FEDERATION_ACTIONS.pause).toEqual({ from: ['RUNNING'], to: 'PAUSED' });
    expect(FEDERATION_ACTIONS.resume).toEqual({ from: ['PAUSED'], to: 'RUNNING' });
    expect(FEDERATION_ACTIONS.cancel).toEqual({ from: live, to: 'CANCELLED' });
    // No action leaves a final status.
    const finals = FEDERATION_STATUSES.filter((s) => !live.includes(s));
    for (const action of Object.values(FEDERATION_ACTIONS)) {
      expect(action.from.some((s) => finals.includes(s))).toBe(false);
    }
  });
});
