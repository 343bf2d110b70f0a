/** The tables of one in-memory database (in-memory-repositories.ts), and what its repositories share. */
import type {
  Page,
  PageRequest,
  ParticipationRecord,
  MembershipEventRecord,
  FederationRecord,
  SiteRecord,
  RoundRecord,
  ModelVersionRecord,
} from '../records';

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

/** Reads hand out copies, as a database read would. */
export const copy = <T>(record: T | undefined): T | null => (record === undefined ? null : structuredClone(record));
export const copies = <T>(records: readonly T[]): T[] => records.map((r) => structuredClone(r));
export const pageOf = <T>(records: readonly T[], page: PageRequest): Page<T> => ({
  items: copies(records.slice(page.offset, page.offset + page.limit)),
  totalCount: records.length,
});
export const dropped = (p: ParticipationRecord, at: number, reason: string): ParticipationRecord => ({
  ...p,
  status: 'DROPPED',
  rejectionReason: reason,
  updatedAt: at,
});
