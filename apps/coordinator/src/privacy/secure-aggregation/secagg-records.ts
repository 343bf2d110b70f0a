/**
 * A secure-aggregation round as the coordinator stores it (migration 0005): its step, the parameters every site
 * and the coordinator derive the same masks and encoding from, the three site sets of the protocol (U1 advertised
 * keys, U2 shared them, U3 sent a masked input), and the relayed messages.
 */
import type {
  KeyAdvertisement,
  PayloadPlan,
  SealedShare,
  SecAggParameters,
  UnmaskResponse,
} from '@fedstroke/federation';

/**
 * ADVERTISE: sites train, then send public keys (until the round's deadline, or every assigned site has). SHARE:
 * the roster is fixed; sites send sealed shares. MASK: sites fetch theirs and upload masked inputs. UNMASK:
 * survivors are asked for shares. UNMASKED: the sum can be rebuilt from what is stored. FAILED: nothing unmasked.
 */
export const SECAGG_STEPS = ['ADVERTISE', 'SHARE', 'MASK', 'UNMASK', 'UNMASKED', 'FAILED'] as const;
export type SecAggStep = (typeof SECAGG_STEPS)[number];

export const SECAGG_MESSAGE_KINDS = ['ADVERTISEMENT', 'SHARES', 'UNMASK'] as const;
export type SecAggMessageKind = (typeof SECAGG_MESSAGE_KINDS)[number];

export interface SecAggRoundParams {
  protocol: SecAggParameters;
  payload: PayloadPlan;
}

export interface SecAggRoundRecord {
  roundId: string;
  federationId: string;
  step: SecAggStep;
  /** When SHARE, MASK or UNMASK stops waiting; null during ADVERTISE (the round's own deadline applies). */
  stepDeadlineAt: number | null;
  params: SecAggRoundParams;
  /** U1, fixed when ADVERTISE ends. */
  roster: KeyAdvertisement[] | null;
  /** U2, fixed when SHARE ends. */
  sharedKeys: string[] | null;
  /** U3, fixed when MASK ends. */
  survivors: string[] | null;
  failureReason: string | null;
  updatedAt: number;
}

export interface SecAggPayloads {
  ADVERTISEMENT: KeyAdvertisement;
  SHARES: SealedShare[];
  UNMASK: UnmaskResponse;
}

export interface SecAggMessage<K extends SecAggMessageKind> {
  siteId: string;
  payload: SecAggPayloads[K];
  createdAt: number;
}
