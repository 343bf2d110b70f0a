/**
 * The repository contract (../repositories.ts) on plain maps, for unit specs of the coordinator's services: each
 * method keeps the SQL repositories' guards (a round closes only while OPEN, a seat is taken only while one is free,
 * an update is accepted only while its round is OPEN, ...) and hands out copies, as a database read would.
 * repositories.contract.spec.ts holds it to the same contract as SQLite and PostgreSQL; what needs the real engines'
 * concurrency (row locks, two coordinators) is tested there and end to end.
 */
import type { CoreRepositories } from '../core-repositories';
import type {
  FederationMemberRecord,
  FederationRecord,
  FederationStatus,
  MembershipEventRecord,
  ModelVersionRecord,
  Page,
  PageRequest,
  ParticipationRecord,
  SiteRecord,
} from '../records';
import {
  DatabaseHealth,
  FederationMemberRepository,
  FederationRepository,
  type MembershipChange,
  SiteRepository,
} from '../repositories';
import { MemoryModelVersions, MemoryParticipations, MemoryRounds } from './in-memory-round-repositories';
import { copies, copy, dropped, MemoryTables, pageOf } from './memory-tables';

export { MemoryTables } from './memory-tables';

export interface MemoryRepositories extends CoreRepositories {
  tables: MemoryTables;
}

export function inMemoryRepositories(tables = new MemoryTables()): MemoryRepositories {
  return {
    tables,
    federations: new MemoryFederations(tables),
    members: new MemoryMembers(tables),
    sites: new MemorySites(tables),
    rounds: new MemoryRounds(tables),
    participations: new MemoryParticipations(tables),
    modelVersions: new MemoryModelVersions(tables),
    health: new MemoryHealth(),
  };
}

class MemoryFederations extends FederationRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async create(
    federation: FederationRecord,
    initialModel: ModelVersionRecord,
    members: { siteIds: readonly string[] } & MembershipChange,
  ): Promise<void> {
    if ([...this.t.federations.values()].some((f) => f.name === federation.name || f.id === federation.id)) {
      throw new Error(`UNIQUE constraint failed: federations (${federation.id}, ${federation.name})`);
    }
    this.t.federations.set(federation.id, structuredClone(federation));
    this.t.modelVersions.set(initialModel.id, structuredClone(initialModel));
    this.t.members.set(federation.id, new Map());
    for (const siteId of members.siteIds) await new MemoryMembers(this.t).add(federation.id, siteId, members);
  }

  async get(id: string): Promise<FederationRecord | null> {
    return copy(this.t.federations.get(id));
  }

  async getByName(name: string): Promise<FederationRecord | null> {
    return copy([...this.t.federations.values()].find((f) => f.name === name));
  }

  async list(page: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>> {
    const all = [...this.t.federations.values()].filter((f) => status === undefined || f.status === status);
    return pageOf(
      all.sort((a, b) => a.createdAt - b.createdAt),
      page,
    );
  }

  async listByStatus(status: FederationStatus): Promise<FederationRecord[]> {
    return (await this.list({ offset: 0, limit: Number.MAX_SAFE_INTEGER }, status)).items;
  }

  async transition(
    id: string,
    from: readonly FederationStatus[],
    to: FederationStatus,
    changes: { startedAt?: number; endedAt?: number; statusReason?: string | null },
  ): Promise<FederationRecord | null> {
    const current = this.t.federations.get(id);
    if (!current || !from.includes(current.status)) return null;
    const next = { ...current, ...changes, status: to };
    this.t.federations.set(id, next);
    return copy(next);
  }
}

class MemorySites extends SiteRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async create(site: SiteRecord): Promise<void> {
    if ([...this.t.sites.values()].some((s) => s.id === site.id || s.name === site.name)) {
      throw new Error(`UNIQUE constraint failed: sites (${site.id}, ${site.name})`);
    }
    this.t.sites.set(site.id, structuredClone(site));
  }

  async get(id: string): Promise<SiteRecord | null> {
    return copy(this.t.sites.get(id));
  }

  async getByName(name: string): Promise<SiteRecord | null> {
    return copy([...this.t.sites.values()].find((s) => s.name === name));
  }

  async findByTokenHash(tokenSha256: string): Promise<SiteRecord | null> {
    return copy([...this.t.sites.values()].find((s) => s.tokenSha256 === tokenSha256));
  }

  async list(page: PageRequest): Promise<Page<SiteRecord>> {
    return pageOf(
      [...this.t.sites.values()].sort((a, b) => a.createdAt - b.createdAt),
      page,
    );
  }

  async revoke(
    id: string,
    at: number,
    dropReason: string,
  ): Promise<{ site: SiteRecord; dropped: ParticipationRecord[] } | null> {
    const site = this.t.sites.get(id);
    if (!site) return null;
    const revoked: SiteRecord = site.status === 'REVOKED' ? site : { ...site, status: 'REVOKED', revokedAt: at };
    this.t.sites.set(id, revoked);
    const seats = [...this.t.participations.values()].filter(
      (p) => p.siteId === id && p.status === 'ASSIGNED' && this.t.rounds.get(p.roundId)?.status === 'OPEN',
    );
    for (const p of seats) this.t.participations.set(p.id, dropped(p, at, dropReason));
    return { site: structuredClone(revoked), dropped: seats.map((p) => dropped(p, at, dropReason)) };
  }

  async touch(id: string, at: number): Promise<void> {
    const site = this.t.sites.get(id);
    if (site) this.t.sites.set(id, { ...site, lastSeenAt: at });
  }
}

class MemoryMembers extends FederationMemberRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async list(federationId: string): Promise<FederationMemberRecord[]> {
    const members = [...(this.t.members.get(federationId)?.entries() ?? [])].sort((a, b) => a[1] - b[1]);
    return members.map(([siteId, addedAt]) => ({
      federationId,
      siteId,
      addedAt,
      site: structuredClone(this.t.sites.get(siteId) as SiteRecord),
    }));
  }

  async isMember(federationId: string, siteId: string): Promise<boolean> {
    return this.t.members.get(federationId)?.has(siteId) ?? false;
  }

  async federationsOf(siteId: string): Promise<string[]> {
    return [...this.t.members.entries()].filter(([, sites]) => sites.has(siteId)).map(([id]) => id);
  }

  async add(federationId: string, siteId: string, change: MembershipChange): Promise<boolean> {
    const sites = this.t.members.get(federationId) ?? new Map<string, number>();
    this.t.members.set(federationId, sites);
    if (sites.has(siteId)) return false;
    sites.set(siteId, change.at);
    this.recordEvent(federationId, siteId, 'ADD', change);
    return true;
  }

  async remove(
    federationId: string,
    siteId: string,
    change: MembershipChange,
    dropReason: string,
  ): Promise<ParticipationRecord[] | null> {
    if (!this.t.members.get(federationId)?.delete(siteId)) return null;
    const seats = [...this.t.participations.values()].filter(
      (p) =>
        p.federationId === federationId &&
        p.siteId === siteId &&
        p.status === 'ASSIGNED' &&
        this.t.rounds.get(p.roundId)?.status === 'OPEN',
    );
    for (const p of seats) this.t.participations.set(p.id, dropped(p, change.at, dropReason));
    this.recordEvent(federationId, siteId, 'REMOVE', change);
    return seats.map((p) => dropped(p, change.at, dropReason));
  }

  async events(federationId: string): Promise<MembershipEventRecord[]> {
    return copies(this.t.memberEvents.filter((e) => e.federationId === federationId));
  }

  async countUnseated(federationId: string, roundId: string): Promise<number> {
    const seated = new Set(this.t.participationsOf(roundId).map((p) => p.siteId));
    return this.t
      .memberIds(federationId)
      .filter((siteId) => this.t.sites.get(siteId)?.status === 'ACTIVE' && !seated.has(siteId)).length;
  }

  private recordEvent(federationId: string, siteId: string, action: 'ADD' | 'REMOVE', change: MembershipChange) {
    this.t.memberEvents.push({ at: change.at, federationId, siteId, action, reason: change.reason });
  }
}

class MemoryHealth extends DatabaseHealth {
  async ping(): Promise<void> {}

  describe(): string {
    return 'memory';
  }

  location(): string {
    return 'memory';
  }
}
