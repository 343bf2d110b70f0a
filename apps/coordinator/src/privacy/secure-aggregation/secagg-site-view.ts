/**
 * What one site may see of a secure round at its step: the roster once it is in it, the shares sealed for it once
 * it shared its own keys, the unmasking request once it survived; nothing of a failed round but the reason.
 */
import { type KeyAdvertisement, type SealedShare, unmaskRequest, type UnmaskRequest } from '@fedstroke/federation';
import { SECAGG_STEPS, type SecAggRoundRecord, type SecAggStep } from './secagg-records';
import type { SecureAggregationRepository } from './secagg.repository';

/** Where a step is in the round (SECAGG_STEPS lists them in order): a site waiting for `step` is served from there on. */
export const stepRank = (step: SecAggStep): number => SECAGG_STEPS.indexOf(step);

export interface SiteSecAggView {
  roundId: string;
  step: SecAggStep;
  stepDeadlineAt: number | null;
  failureReason: string | null;
  /** Whether the site is still part of the round (in the roster, shared keys, survived: per step). */
  included: boolean;
  roster: KeyAdvertisement[] | null;
  incomingShares: SealedShare[] | null;
  unmaskRequest: UnmaskRequest | null;
}

export async function siteViewOf(
  repository: SecureAggregationRepository,
  record: SecAggRoundRecord,
  siteId: string,
): Promise<SiteSecAggView> {
  const inRoster = (record.roster ?? []).some((k) => k.siteId === siteId);
  const shared = (record.sharedKeys ?? []).includes(siteId);
  const survived = (record.survivors ?? []).includes(siteId);
  const step = record.step;
  const included =
    step === 'ADVERTISE' || step === 'FAILED'
      ? step === 'ADVERTISE'
      : step === 'SHARE'
        ? inRoster
        : step === 'MASK'
          ? shared
          : survived;
  let incomingShares: SealedShare[] | null = null;
  if (stepRank(step) >= stepRank('MASK') && step !== 'FAILED' && shared) {
    const senders = new Set(record.sharedKeys ?? []);
    incomingShares = (await repository.messages(record.roundId, 'SHARES'))
      .filter((m) => senders.has(m.siteId) && m.siteId !== siteId)
      .flatMap((m) => m.payload.filter((share) => share.to === siteId));
  }
  const transcript = {
    params: record.params.protocol,
    roster: record.roster ?? [],
    sharedKeys: record.sharedKeys ?? [],
    survivors: record.survivors ?? [],
  };
  return {
    roundId: record.roundId,
    step,
    stepDeadlineAt: record.stepDeadlineAt,
    failureReason: record.failureReason,
    included,
    roster: stepRank(step) >= stepRank('SHARE') && step !== 'FAILED' && inRoster ? record.roster : null,
    incomingShares,
    unmaskRequest:
      stepRank(step) >= stepRank('UNMASK') && step !== 'FAILED' && survived ? unmaskRequest(transcript) : null,
  };
}
