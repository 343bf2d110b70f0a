/**
 * A federation's lifecycle: the statuses the coordinator stores, and the operator's actions between them.
 *
 *   CREATED ──start──▶ RUNNING ◀──resume── PAUSED
 *                        └───pause────────────▲
 *   RUNNING ──its last round ends (followingRoundIndex is null)──▶ COMPLETED
 *   CREATED / RUNNING / PAUSED ──cancel──▶ CANCELLED
 *
 * A pause stops the round in flight too: nothing is closed or aggregated until the federation resumes, and the OPEN
 * round then gets a full deadline again (deadlineFrom).
 */
export const FEDERATION_STATUSES = ['CREATED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type FederationStatus = (typeof FEDERATION_STATUSES)[number];

export interface FederationAction {
  /** The statuses the action may start from; from any other it is refused. */
  from: readonly FederationStatus[];
  to: FederationStatus;
}

export const FEDERATION_ACTIONS = {
  start: { from: ['CREATED'], to: 'RUNNING' },
  pause: { from: ['RUNNING'], to: 'PAUSED' },
  resume: { from: ['PAUSED'], to: 'RUNNING' },
  cancel: { from: ['CREATED', 'RUNNING', 'PAUSED'], to: 'CANCELLED' },
} as const satisfies Record<string, FederationAction>;

export type FederationActionName = keyof typeof FEDERATION_ACTIONS;
