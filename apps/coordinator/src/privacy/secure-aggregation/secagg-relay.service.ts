/**
 * What sites send and ask in a secure round: key advertisements, sealed shares and unmasking answers, each taken
 * once at its step from a site that may send it (checked, then stored for the others), and the long-polled view of
 * the step a site waits for. The coordinator only relays: it never holds a private key or an unsealed share.
 */
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { KeyAdvertisement, SealedShare, UnmaskResponse } from '@fedstroke/federation';
import type { SitePrincipal } from '../../auth/principal';
import type { FederationRecord, RoundRecord } from '../../persistence/records';
import { ParticipationRepository } from '../../persistence/repositories';
import { checkAdvertisement, checkShares, checkUnmaskResponse } from './secagg-messages.check';
import type { SecAggMessageKind, SecAggPayloads, SecAggRoundRecord, SecAggStep } from './secagg-records';
import { SecAggRoundSteps } from './secagg-round-steps';
import { type SiteSecAggView, siteViewOf, stepRank } from './secagg-site-view';
import { SecureAggregationRepository } from './secagg.repository';

@Injectable()
export class SecAggRelay {
  constructor(
    private readonly repository: SecureAggregationRepository,
    private readonly participations: ParticipationRepository,
    private readonly steps: SecAggRoundSteps,
  ) {}

  async advertise(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    keys: KeyAdvertisement,
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'ADVERTISE', 'advertise keys');
    await this.requireAssigned(site, round);
    checkAdvertisement(keys, site.siteId);
    await this.storeOnce(round.id, site, 'ADVERTISEMENT', keys, 'keys');
    return siteViewOf(this.repository, record, site.siteId);
  }

  async submitShares(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    shares: SealedShare[],
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'SHARE', 'send sealed shares');
    const roster = new Set((record.roster ?? []).map((k) => k.siteId));
    if (!roster.has(site.siteId))
      throw new ForbiddenException(`site ${site.siteName} is not in round ${round.index}'s roster`);
    checkShares(shares, site.siteId, roster);
    await this.storeOnce(round.id, site, 'SHARES', shares, 'shares');
    return siteViewOf(this.repository, record, site.siteId);
  }

  async submitUnmask(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    response: UnmaskResponse,
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'UNMASK', 'answer the unmasking request');
    if (!(record.survivors ?? []).includes(site.siteId)) {
      throw new ForbiddenException(`site ${site.siteName} is not a survivor of round ${round.index}`);
    }
    checkUnmaskResponse(response, site.siteId, new Set((record.roster ?? []).map((k) => k.siteId)));
    await this.storeOnce(round.id, site, 'UNMASK', response, 'unmasking answer');
    return siteViewOf(this.repository, record, site.siteId);
  }

  /** The site's view once the round reaches `step` (or fails), waiting up to `waitMs` for it. */
  async siteView(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    step: SecAggStep,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<SiteSecAggView> {
    await this.requireParticipant(site, round);
    const until = Date.now() + waitMs;
    for (;;) {
      const record = await this.steps.ensure(federation, round);
      if (stepRank(record.step) >= stepRank(step) || until <= Date.now() || signal?.aborted)
        return siteViewOf(this.repository, record, site.siteId);
      await this.steps.nextChange(round.id, until - Date.now(), signal);
    }
  }

  private async atStep(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    step: SecAggStep,
    what: string,
  ): Promise<SecAggRoundRecord> {
    await this.requireParticipant(site, round);
    const record = await this.steps.ensure(federation, round);
    if (record.step !== step) {
      throw new ConflictException(
        `cannot ${what} in round ${round.index}: its secure aggregation is at step ${record.step}` +
          (record.failureReason ? ` (${record.failureReason})` : ''),
      );
    }
    return record;
  }

  private async requireParticipant(site: SitePrincipal, round: RoundRecord): Promise<void> {
    if (!(await this.participations.find(round.id, site.siteId))) {
      throw new NotFoundException(`site ${site.siteName} has no participation in round ${round.index}`);
    }
  }

  private async requireAssigned(site: SitePrincipal, round: RoundRecord): Promise<void> {
    const participation = await this.participations.find(round.id, site.siteId);
    if (participation?.status !== 'ASSIGNED') {
      throw new ConflictException(
        `site ${site.siteName}'s participation in round ${round.index} is ${participation?.status ?? 'missing'}`,
      );
    }
  }

  /** Stores the message once; the same message again is fine (a retry), a different one is refused. */
  private async storeOnce<K extends SecAggMessageKind>(
    roundId: string,
    site: SitePrincipal,
    kind: K,
    payload: SecAggPayloads[K],
    what: string,
  ): Promise<void> {
    if (await this.repository.putMessage(roundId, site.siteId, kind, payload, Date.now())) return;
    const stored = await this.repository.message(roundId, site.siteId, kind);
    if (JSON.stringify(stored?.payload) !== JSON.stringify(payload)) {
      throw new ConflictException(
        `site ${site.siteName} already sent other ${what} this round (a restarted site has lost its round keys and cannot rejoin)`,
      );
    }
  }
}
