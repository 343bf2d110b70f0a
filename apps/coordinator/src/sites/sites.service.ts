import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateSiteToken, sha256Hex } from '../auth/site-token';
import { JsonLogger } from '../logging/json-logger';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import type { Page, PageRequest, ParticipationRecord, ParticipationStatus, SiteRecord } from '../persistence/records';
import { FederationMemberRepository, ParticipationRepository, SiteRepository } from '../persistence/repositories';

/** What counts as a failure of a site: it reported one, its update was refused, or the round closed without it. */
export const SITE_FAILURE_STATUSES: readonly ParticipationStatus[] = ['FAILED', 'REJECTED', 'DROPPED'];

@Injectable()
export class SitesService {
  constructor(
    private readonly sites: SiteRepository,
    private readonly participations: ParticipationRepository,
    private readonly members: FederationMemberRepository,
    private readonly orchestrator: RoundOrchestrator,
    private readonly log: JsonLogger,
  ) {}

  async get(id: string): Promise<SiteRecord> {
    const site = await this.sites.get(id);
    if (!site) throw new NotFoundException(`site ${id} does not exist`);
    return site;
  }

  list(page: PageRequest): Promise<Page<SiteRecord>> {
    return this.sites.list(page);
  }

  /** The site's ASSIGNED participation in an open round, if it is training now. */
  currentAssignment(siteId: string): Promise<ParticipationRecord | null> {
    return this.participations.findOpenAssignment(siteId);
  }

  failures(siteId: string, page: PageRequest): Promise<Page<ParticipationRecord>> {
    return this.participations.listOfSite(siteId, SITE_FAILURE_STATUSES, page);
  }

  /** Creates the site and returns its token; only the token's sha256 is kept, so this is the only time it exists. */
  async register(name: string): Promise<{ site: SiteRecord; token: string }> {
    if (await this.sites.getByName(name)) throw new ConflictException(`a site named "${name}" already exists`);
    const token = generateSiteToken();
    const site: SiteRecord = {
      id: randomUUID(),
      name,
      status: 'ACTIVE',
      tokenSha256: sha256Hex(token),
      createdAt: Date.now(),
      revokedAt: null,
      lastSeenAt: null,
    };
    await this.sites.create(site);
    this.log.event('info', 'site.registered', { siteId: site.id, name });
    return { site, token };
  }

  /**
   * Revokes the site: its token stops working at once, and its seat in any open round is dropped, so that round
   * closes as soon as the other sites have reported instead of waiting for its deadline. It stays listed as a member
   * (the audit shows who took part); a revoked member is never assigned.
   */
  async revoke(id: string): Promise<SiteRecord> {
    const site = await this.get(id);
    const revoked = await this.sites.revoke(id, Date.now(), `site ${site.name} was revoked while it trained`);
    if (!revoked) throw new NotFoundException(`site ${id} does not exist`);
    this.log.event('info', 'site.revoked', {
      siteId: id,
      name: revoked.site.name,
      droppedParticipations: revoked.dropped.map((p) => p.id).join(','),
    });
    // Its federations' open rounds may now have heard from every site that can still report.
    for (const federationId of await this.members.federationsOf(id)) void this.orchestrator.kick(federationId);
    return revoked.site;
  }
}
