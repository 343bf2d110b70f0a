/** The round-side repositories of the in-memory database (in-memory-repositories.ts): rounds, seats, model versions. */
import { FEDERATION_ACTIONS, type FederationAction } from '@fedstroke/federation';
import {
  newAssignment,
  type FederationRecord,
  type ModelVersionRecord,
  type Page,
  type PageRequest,
  type ParticipationRecord,
  type ParticipationStatus,
  type RoundRecord,
} from '../records';
import {
  ModelVersionRepository,
  type ParticipationCounts,
  ParticipationRepository,
  type RoundCompletion,
  type RoundOutcome,
  RoundRepository,
  type UpdateReceipt,
} from '../repositories';
import { copies, copy, type MemoryTables, pageOf } from './memory-tables';

export class MemoryRounds extends RoundRepository {
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
    const { from, to }: FederationAction = FEDERATION_ACTIONS.cancel;
    const federation = this.t.federations.get(federationId);
    if (!federation || !from.includes(federation.status)) return null;
    const cancelled: FederationRecord = { ...federation, status: to, endedAt: at, statusReason: reason };
    this.t.federations.set(federationId, cancelled);
    for (const round of this.t.roundsOf(federationId)) {
      if (round.status !== 'OPEN' && round.status !== 'AGGREGATING') continue;
      this.t.dropAssigned(round.id, at, `federation cancelled: ${reason}`);
      this.t.rounds.set(round.id, { ...round, status: 'CANCELLED', endedAt: at, failureReason: reason });
    }
    return structuredClone(cancelled);
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
        status: outcome.endStatus ?? 'COMPLETED',
        endedAt: outcome.at,
        ...(outcome.finishReason && { statusReason: outcome.finishReason }),
      });
    }
  }
}

export class MemoryParticipations extends ParticipationRepository {
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

  async exclude(id: string, at: number, reason: string): Promise<boolean> {
    return this.endWithReason(id, 'ACCEPTED', 'REJECTED', reason, at);
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
    return this.endWithReason(id, 'ASSIGNED', 'FAILED', reason, at);
  }

  /** As the SQL repository's: `from` → `to` with its reason; false when the participation is not in `from`. */
  private endWithReason(
    id: string,
    from: ParticipationStatus,
    to: ParticipationStatus,
    reason: string,
    at: number,
  ): boolean {
    const p = this.t.participations.get(id);
    if (p?.status !== from) return false;
    this.t.participations.set(id, { ...p, status: to, rejectionReason: reason, updatedAt: at });
    return true;
  }
}

export class MemoryModelVersions extends ModelVersionRepository {
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
