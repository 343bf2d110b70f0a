/**
 * Which sites belong to a federation. A federation names its members at creation; the administrator adds and
 * removes them later. Only members are given its rounds (nextTask) and may download its models, so a hospital
 * registered for one network cannot join another's training. Every change is kept in the membership audit and
 * logged. Removing a member (or revoking a site) drops its seat in the open round, so the round does not wait for it.
 */
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { JsonLogger } from '../logging/json-logger';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import type { FederationMemberRecord, FederationRecord, MembershipEventRecord } from '../persistence/records';
import { FederationMemberRepository, SiteRepository } from '../persistence/repositories';

const ENDED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

@Injectable()
export class FederationMembershipService {
  constructor(
    private readonly members: FederationMemberRepository,
    private readonly sites: SiteRepository,
    private readonly orchestrator: RoundOrchestrator,
    private readonly log: JsonLogger,
  ) {}

  list(federationId: string): Promise<FederationMemberRecord[]> {
    return this.members.list(federationId);
  }

  events(federationId: string): Promise<MembershipEventRecord[]> {
    return this.members.events(federationId);
  }

  /**
   * The member list given at creation, checked: not empty (a federation without members could never train, and
   * "everyone" would let any registered site in), at least `minUpdates` sites (fewer could never aggregate), no
   * repeats, every one a registered ACTIVE site.
   */
  async checkInitialMembers(siteIds: readonly string[], minUpdates: number): Promise<string[]> {
    if (siteIds.length === 0) {
      throw new BadRequestException(
        'siteIds is empty: name the member sites (their ids from registerSite or the sites query); only members ' +
          'are given the federation’s rounds',
      );
    }
    const repeated = siteIds.filter((id, i) => siteIds.indexOf(id) !== i);
    if (repeated.length > 0) throw new BadRequestException(`siteIds names ${repeated[0]} more than once`);
    if (siteIds.length < minUpdates) {
      throw new BadRequestException(
        `siteIds names ${siteIds.length} site(s) but minUpdatesAtDeadline is ${minUpdates}: no round could aggregate`,
      );
    }
    for (const id of siteIds) await this.activeSite(id, 'siteIds');
    return [...siteIds];
  }

  async add(federation: FederationRecord, siteId: string, reason: string): Promise<void> {
    if (ENDED.has(federation.status)) {
      throw new ConflictException(`federation ${federation.name} (${federation.id}) is ${federation.status}`);
    }
    const site = await this.activeSite(siteId, 'siteId');
    if (!(await this.members.add(federation.id, siteId, { at: Date.now(), reason }))) {
      throw new ConflictException(`site ${site.name} (${siteId}) is already a member of ${federation.name}`);
    }
    this.log.event('info', 'federation.member_added', { federationId: federation.id, siteId, reason });
    // A site that waits in a long poll picks the open round up at its next look.
    void this.orchestrator.kick(federation.id);
  }

  async remove(federation: FederationRecord, siteId: string, reason: string): Promise<void> {
    const dropped = await this.members.remove(
      federation.id,
      siteId,
      { at: Date.now(), reason },
      `site removed from federation ${federation.name}: ${reason}`,
    );
    if (!dropped) throw new NotFoundException(`site ${siteId} is not a member of ${federation.name}`);
    this.log.event('info', 'federation.member_removed', {
      federationId: federation.id,
      siteId,
      reason,
      droppedParticipations: dropped.map((p) => p.id).join(','),
    });
    void this.orchestrator.kick(federation.id);
  }

  private async activeSite(id: string, field: string) {
    const site = await this.sites.get(id);
    if (!site) throw new BadRequestException(`${field}: site ${id} is not registered`);
    if (site.status !== 'ACTIVE') {
      throw new BadRequestException(
        `${field}: site ${site.name} (${id}) is ${site.status}; only an ACTIVE site can be a member`,
      );
    }
    return site;
  }
}
