/**
 * The repository contract (../repositories.ts) on plain maps, for unit specs of the coordinator's services: each
 * method keeps the SQL repositories' guards (a round closes only while OPEN, a seat is taken only while one is free,
 * an update is accepted only while its round is OPEN, ...) and hands out copies, as a database read would.
 * repositories.contract.spec.ts holds it to the same contract as SQLite and PostgreSQL; what needs the real engines'
 * concurrency (row locks, two coordinators) is tested there and end to end.
 */
import {
  newAssignment,
  type FederationMemberRecord,
  type FederationRecord,
  type FederationStatus,
  type MembershipEventRecord,
  type ModelVersionRecord,
  type Page,
  type PageRequest,
  type ParticipationRecord,
  type ParticipationStatus,
  type RoundRecord,
  type SiteRecord,
} from '../records';
import { FEDERATION_ACTIONS } from '@fedstroke/federation';
import type { CoreRepositories } from '../core-repositories';
import {
  DatabaseHealth,
  FederationMemberRepository,
  FederationRepository,
  type MembershipChange,
  ModelVersionRepository,
  type ParticipationCounts,
  ParticipationRepository,
  type RoundCompletion,
  type RoundOutcome,
  RoundRepository,
  SiteRepository,
  type UpdateReceipt,
} from '../repositories';

/** Every table, shared by the repositories of one in-memory database. */
export class MemoryTables {
  readonly federations = new Map<string, FederationRecord>();
  readonly sites = new Map<string, SiteRecord>();
  readonly rounds = new Map<string, RoundRecord>();
  readonly participations = new Map<string, ParticipationRecord>();
  readonly modelVersions = new Map<string, ModelVersionRecord>();
  /** federationId → siteId → added at. */
  readonly members = new Map<string, Map<string, number>>();
  readonly memberEvents: MembershipEventRecord[] = [];

  roundsOf(federationId: string): RoundRecord[] {
    return [...this.rounds.values()].filter((r) => r.federationId === federationId).sort((a, b) => a.index - b.index);
  }

  participationsOf(roundId: string): ParticipationRecord[] {
    return [...this.participations.values()]
      .filter((p) => p.roundId === roundId)
      .sort((a, b) => a.assignedAt - b.assignedAt || a.id.localeCompare(b.id));
  }

  memberIds(federationId: string): string[] {
    return [...(this.members.get(federationId)?.keys() ?? [])];
  }

  /** Sets a round's ASSIGNED participations to DROPPED with `reason`. */
  dropAssigned(roundId: string, at: number, reason: string): void {
    for (const p of this.participationsOf(roundId)) {
      if (p.status === 'ASSIGNED') this.participations.set(p.id, dropped(p, at, reason));
    }
  }
}

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

const copy = <T>(record: T | undefined): T | null => (record === undefined ? null : structuredClone(record));
const copies = <T>(records: readonly T[]): T[] => records.map((r) => structuredClone(r));
const pageOf = <T>(records: readonly T[], page: PageRequest): Page<T> => ({
  items: copies(records.slice(page.offset, page.offset + page.limit)),
  totalCount: records.length,
});
const dropped = (p: ParticipationRecord, at: number, reason: string): ParticipationRecord => ({
  ...p,
  status: 'DROPPED',
  rejectionReason: reason,
  updatedAt: at,
});

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

class MemoryRounds extends RoundRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async get(id: string): Promise<RoundRecord | null> {
    return copy(this.t.rounds.get(id));
  }

  async latest(federationId: string): Promise<RoundRecord | null> {
    return copy(this.t.roundsOf(federationId).at(-1));
  }

  async list(federationId: string, page: PageRequest): Promise<Page<RoundRecord>> {
    return pageOf(this.t.roundsOf(federationId), page);
  }

  async open(round: RoundRecord): Promise<void> {
    this.insert(round);
  }

  async close(roundId: string, at: number, dropReason: string): Promise<boolean> {
    const round = this.t.rounds.get(roundId);
    if (round?.status !== 'OPEN') return false;
    this.t.rounds.set(roundId, { ...round, status: 'AGGREGATING', closedAt: at });
    this.t.dropAssigned(roundId, at, dropReason);
    return true;
  }

  async setDeadline(roundId: string, deadlineAt: number): Promise<void> {
    const round = this.t.rounds.get(roundId);
    if (round?.status === 'OPEN') this.t.rounds.set(roundId, { ...round, deadlineAt });
  }

  async complete(outcome: RoundCompletion): Promise<void> {
    const round = this.aggregating(outcome.roundId);
    this.t.modelVersions.set(outcome.modelVersion.id, structuredClone(outcome.modelVersion));
    this.t.rounds.set(round.id, {
      ...round,
      status: 'COMPLETED',
      resultModelVersionId: outcome.modelVersion.id,
      endedAt: outcome.at,
      metrics: structuredClone(outcome.metrics),
      aggregation: structuredClone(outcome.aggregation),
    });
    this.openNextOrFinish(round, outcome);
  }

  async fail(outcome: RoundOutcome & { reason: string }): Promise<void> {
    const round = this.aggregating(outcome.roundId);
    this.t.rounds.set(round.id, { ...round, status: 'FAILED', endedAt: outcome.at, failureReason: outcome.reason });
    this.openNextOrFinish(round, outcome);
  }

  async cancelFederation(federationId: string, at: number, reason: string): Promise<FederationRecord | null> {
    const { from, to } = FEDERATION_ACTIONS.cancel;
    const cancelled = await new MemoryFederations(this.t).transition(federationId, from, to, {
      endedAt: at,
      statusReason: reason,
    });
    if (!cancelled) return null;
    for (const round of this.t.roundsOf(federationId)) {
      if (round.status !== 'OPEN' && round.status !== 'AGGREGATING') continue;
      this.t.dropAssigned(round.id, at, `federation cancelled: ${reason}`);
      this.t.rounds.set(round.id, { ...round, status: 'CANCELLED', endedAt: at, failureReason: reason });
    }
    return cancelled;
  }

  private insert(round: RoundRecord): void {
    if (this.t.roundsOf(round.federationId).some((r) => r.index === round.index) || this.t.rounds.has(round.id)) {
      throw new Error(`UNIQUE constraint failed: rounds (${round.federationId}, ${round.index})`);
    }
    this.t.rounds.set(round.id, structuredClone(round));
  }

  private aggregating(roundId: string): RoundRecord {
    const round = this.t.rounds.get(roundId);
    if (round?.status !== 'AGGREGATING') {
      throw new Error(`round ${roundId} is not AGGREGATING; it was ended by someone else`);
    }
    return round;
  }

  private openNextOrFinish(round: RoundRecord, outcome: RoundOutcome): void {
    if (outcome.next) return this.insert(outcome.next);
    const federation = this.t.federations.get(round.federationId);
    if (federation && (federation.status === 'RUNNING' || federation.status === 'PAUSED')) {
      this.t.federations.set(federation.id, {
        ...federation,
        status: 'COMPLETED',
        endedAt: outcome.at,
        ...(outcome.finishReason && { statusReason: outcome.finishReason }),
      });
    }
  }
}

class MemoryParticipations extends ParticipationRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async get(id: string): Promise<ParticipationRecord | null> {
    return copy(this.t.participations.get(id));
  }

  async find(roundId: string, siteId: string): Promise<ParticipationRecord | null> {
    return copy(this.t.participationsOf(roundId).find((p) => p.siteId === siteId));
  }

  async list(roundId: string, page: PageRequest): Promise<Page<ParticipationRecord>> {
    return pageOf(this.t.participationsOf(roundId), page);
  }

  async listByStatus(roundId: string, status: ParticipationStatus): Promise<ParticipationRecord[]> {
    return copies(this.t.participationsOf(roundId).filter((p) => p.status === status));
  }

  async counts(roundId: string): Promise<ParticipationCounts> {
    const of = this.t.participationsOf(roundId);
    const n = (status: ParticipationStatus) => of.filter((p) => p.status === status).length;
    return {
      assigned: n('ASSIGNED'),
      accepted: n('ACCEPTED'),
      rejected: n('REJECTED'),
      failed: n('FAILED'),
      dropped: n('DROPPED'),
      total: of.length,
    };
  }

  async findOpenAssignment(siteId: string): Promise<ParticipationRecord | null> {
    const open = [...this.t.participations.values()]
      .filter((p) => p.siteId === siteId && p.status === 'ASSIGNED' && this.t.rounds.get(p.roundId)?.status === 'OPEN')
      .sort((a, b) => a.assignedAt - b.assignedAt);
    return copy(open[0]);
  }

  async listOfSite(
    siteId: string,
    statuses: readonly ParticipationStatus[],
    page: PageRequest,
  ): Promise<Page<ParticipationRecord>> {
    const of = [...this.t.participations.values()]
      .filter((p) => p.siteId === siteId && statuses.includes(p.status))
      .sort((a, b) => b.updatedAt - a.updatedAt || b.id.localeCompare(a.id));
    return pageOf(of, page);
  }

  async assign(participation: ParticipationRecord, maxParticipants: number): Promise<ParticipationRecord | null> {
    const round = this.t.rounds.get(participation.roundId);
    const site = this.t.sites.get(participation.siteId);
    const member = this.t.members.get(participation.federationId)?.has(participation.siteId);
    const seats = this.t.participationsOf(participation.roundId);
    if (round?.status !== 'OPEN' || site?.status !== 'ACTIVE' || !member || seats.length >= maxParticipants) {
      return null;
    }
    if (seats.some((p) => p.siteId === participation.siteId) || this.t.participations.has(participation.id)) {
      return null;
    }
    const assigned = newAssignment(participation);
    this.t.participations.set(assigned.id, structuredClone(assigned));
    return assigned;
  }

  async accept(id: string, at: number, receipt: UpdateReceipt & { updateFile: string }): Promise<boolean> {
    const p = this.t.participations.get(id);
    if (p?.status !== 'ASSIGNED' || this.t.rounds.get(p.roundId)?.status !== 'OPEN') return false;
    this.t.participations.set(id, { ...p, ...structuredClone(receipt), status: 'ACCEPTED', updatedAt: at });
    return true;
  }

  async reject(id: string, at: number, reason: string, receipt: Partial<UpdateReceipt>): Promise<void> {
    // As in SQL: anything but an ACCEPTED participation takes the refusal; only an ASSIGNED one becomes REJECTED,
    // the first reason stays, received bytes add up, and what the receipt leaves out keeps its stored value.
    const p = this.t.participations.get(id);
    if (!p || p.status === 'ACCEPTED') return;
    this.t.participations.set(id, {
      ...p,
      status: p.status === 'ASSIGNED' ? 'REJECTED' : p.status,
      rejectionReason: p.rejectionReason ?? reason,
      updatedAt: at,
      numSamples: receipt.numSamples ?? p.numSamples,
      metrics: receipt.metrics ? structuredClone(receipt.metrics) : p.metrics,
      bytesReceived: p.bytesReceived + (receipt.bytesReceived ?? 0),
      updateSha256: receipt.updateSha256 ?? p.updateSha256,
    });
  }

  async fail(id: string, at: number, reason: string): Promise<boolean> {
    const p = this.t.participations.get(id);
    if (p?.status !== 'ASSIGNED') return false;
    this.t.participations.set(id, { ...p, status: 'FAILED', rejectionReason: reason, updatedAt: at });
    return true;
  }
}

class MemoryModelVersions extends ModelVersionRepository {
  constructor(private readonly t: MemoryTables) {
    super();
  }

  async get(id: string): Promise<ModelVersionRecord | null> {
    return copy(this.t.modelVersions.get(id));
  }

  async latest(federationId: string): Promise<ModelVersionRecord | null> {
    return copy(this.ofFederation(federationId).at(-1));
  }

  async list(federationId: string, page: PageRequest): Promise<Page<ModelVersionRecord>> {
    return pageOf(this.ofFederation(federationId), page);
  }

  private ofFederation(federationId: string): ModelVersionRecord[] {
    return [...this.t.modelVersions.values()]
      .filter((v) => v.federationId === federationId)
      .sort((a, b) => a.roundIndex - b.roundIndex);
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
