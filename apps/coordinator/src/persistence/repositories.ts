/**
 * The repository layer: abstract classes double as Nest injection tokens, so services depend on these and the
 * persistence module binds the implementation (sql/, one per contract, on SQLite or PostgreSQL alike).
 * Every method is async and atomic on its own: the multi-row state changes a round needs (close, complete, fail,
 * cancel) are single methods, each run in one transaction, so a crash never leaves half of one.
 */
import type {
  FederationMemberRecord,
  FederationRecord,
  FederationStatus,
  MembershipEventRecord,
  ModelVersionRecord,
  Page,
  PageRequest,
  ParticipationRecord,
  ParticipationStatus,
  RoundRecord,
  SiteRecord,
} from './records';

/** When and why a federation's membership changed (kept in its membership audit). */
export interface MembershipChange {
  at: number;
  reason: string;
}

export abstract class FederationRepository {
  /**
   * Inserts the federation together with its initial model version (round 0) and its member sites (each recorded
   * as an ADD in the membership audit), in one transaction.
   */
  abstract create(
    federation: FederationRecord,
    initialModel: ModelVersionRecord,
    members: { siteIds: readonly string[] } & MembershipChange,
  ): Promise<void>;
  abstract get(id: string): Promise<FederationRecord | null>;
  abstract getByName(name: string): Promise<FederationRecord | null>;
  abstract list(page: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>>;
  abstract listByStatus(status: FederationStatus): Promise<FederationRecord[]>;
  /** Moves to `to` only from one of `from`; returns the updated record, or null when the status did not match. */
  abstract transition(
    id: string,
    from: readonly FederationStatus[],
    to: FederationStatus,
    changes: { startedAt?: number; endedAt?: number; statusReason?: string | null },
  ): Promise<FederationRecord | null>;
}

export abstract class SiteRepository {
  abstract create(site: SiteRecord): Promise<void>;
  abstract get(id: string): Promise<SiteRecord | null>;
  abstract getByName(name: string): Promise<SiteRecord | null>;
  abstract findByTokenHash(tokenSha256: string): Promise<SiteRecord | null>;
  abstract list(page: PageRequest): Promise<Page<SiteRecord>>;
  /**
   * Revokes the site and drops its ASSIGNED participations in open rounds (with `dropReason`), in one transaction,
   * so no round waits for a site that can no longer upload. Null when there is no such site.
   */
  abstract revoke(
    id: string,
    at: number,
    dropReason: string,
  ): Promise<{ site: SiteRecord; dropped: ParticipationRecord[] } | null>;
  abstract touch(id: string, at: number): Promise<void>;
}

/**
 * Which sites belong to which federation: only members are assigned its rounds and may download its models. Every
 * change is recorded in the membership audit (`events`).
 */
export abstract class FederationMemberRepository {
  /** The federation's members with their sites, in the order they were added. */
  abstract list(federationId: string): Promise<FederationMemberRecord[]>;
  abstract isMember(federationId: string, siteId: string): Promise<boolean>;
  /** The ids of the federations the site is a member of. */
  abstract federationsOf(siteId: string): Promise<string[]>;
  /** Adds the site and records ADD, in one transaction; false when it already is a member. */
  abstract add(federationId: string, siteId: string, change: MembershipChange): Promise<boolean>;
  /**
   * Removes the site, drops its ASSIGNED participation in the federation's open round (with `dropReason`) and
   * records REMOVE, in one transaction. Returns the dropped participations, or null when it was not a member.
   */
  abstract remove(
    federationId: string,
    siteId: string,
    change: MembershipChange,
    dropReason: string,
  ): Promise<ParticipationRecord[] | null>;
  /** The membership audit, oldest first. */
  abstract events(federationId: string): Promise<MembershipEventRecord[]>;
  /** Active members without a participation in the round: the sites the round may still hear from. */
  abstract countUnseated(federationId: string, roundId: string): Promise<number>;
}

export interface RoundOutcome {
  roundId: string;
  at: number;
  /** The next round to open in the same transaction, or null when the federation ends with this round. */
  next: RoundRecord | null;
  /** Why the federation ends here before its last round (a privacy budget), recorded as its status reason. */
  finishReason?: string;
  /** How the federation ends when `next` is null: COMPLETED (default), or FAILED (its rounds kept failing). */
  endStatus?: 'COMPLETED' | 'FAILED';
}

/** A round that aggregated: its new model version and the round's figures. */
export interface RoundCompletion extends RoundOutcome {
  modelVersion: ModelVersionRecord;
  metrics: Record<string, number>;
  aggregation: Record<string, string | number>;
}

export abstract class RoundRepository {
  abstract get(id: string): Promise<RoundRecord | null>;
  /** The round with the highest index, whatever its status. */
  abstract latest(federationId: string): Promise<RoundRecord | null>;
  abstract list(federationId: string, page: PageRequest): Promise<Page<RoundRecord>>;
  /** Opens a round; fails if one with this index exists (a restart racing itself cannot open two). */
  abstract open(round: RoundRecord): Promise<void>;
  /** OPEN → AGGREGATING, dropping still-assigned participations with `dropReason`. False if it was not OPEN. */
  abstract close(roundId: string, at: number, dropReason: string): Promise<boolean>;
  /** Sets a new deadline on an OPEN round (resume after pause). */
  abstract setDeadline(roundId: string, deadlineAt: number): Promise<void>;
  /**
   * AGGREGATING → COMPLETED with its new model version and metrics; opens `next` or, when null, completes the
   * federation. One transaction.
   */
  abstract complete(outcome: RoundCompletion): Promise<void>;
  /** AGGREGATING → FAILED with a reason; opens `next` or completes the federation. One transaction. */
  abstract fail(outcome: RoundOutcome & { reason: string }): Promise<void>;
  /** Cancels the federation, its open round and the round's assigned participations. One transaction. */
  abstract cancelFederation(federationId: string, at: number, reason: string): Promise<FederationRecord | null>;
}

export interface ParticipationCounts {
  assigned: number;
  accepted: number;
  rejected: number;
  failed: number;
  dropped: number;
  total: number;
}

export interface UpdateReceipt {
  numSamples: number;
  metrics: Record<string, number>;
  bytesReceived: number;
  updateSha256: string;
}

export abstract class ParticipationRepository {
  abstract get(id: string): Promise<ParticipationRecord | null>;
  abstract find(roundId: string, siteId: string): Promise<ParticipationRecord | null>;
  abstract list(roundId: string, page: PageRequest): Promise<Page<ParticipationRecord>>;
  abstract listByStatus(roundId: string, status: ParticipationStatus): Promise<ParticipationRecord[]>;
  abstract counts(roundId: string): Promise<ParticipationCounts>;
  /** The site's ASSIGNED participation in any OPEN round (a restarted site picks up where it was). */
  abstract findOpenAssignment(siteId: string): Promise<ParticipationRecord | null>;
  /** A site's participations in any of `statuses`, across federations, most recently updated first. */
  abstract listOfSite(
    siteId: string,
    statuses: readonly ParticipationStatus[],
    page: PageRequest,
  ): Promise<Page<ParticipationRecord>>;
  /**
   * Assigns the site to the round if the round is still OPEN, has fewer than `maxParticipants`, the site is ACTIVE
   * and a member of the federation, and it has no participation in the round yet. Returns the new record, or null
   * when any of those fail.
   */
  abstract assign(participation: ParticipationRecord, maxParticipants: number): Promise<ParticipationRecord | null>;
  /** ASSIGNED → ACCEPTED with the stored update, only while the round is OPEN. False otherwise. */
  abstract accept(id: string, at: number, receipt: UpdateReceipt & { updateFile: string }): Promise<boolean>;
  /**
   * ACCEPTED → REJECTED with its reason, for an accepted update that aggregation could not use (its stored file
   * changed or vanished since it was accepted): the round's counts and the site's outcome then say it is not in the
   * model. False when the participation is not ACCEPTED.
   */
  abstract exclude(id: string, at: number, reason: string): Promise<boolean>;
  /** ASSIGNED → REJECTED with its reason; a participation that already has a reason keeps it (the first one). */
  abstract reject(id: string, at: number, reason: string, receipt: Partial<UpdateReceipt>): Promise<void>;
  /** ASSIGNED → FAILED (the site reported it could not train). False if not ASSIGNED. */
  abstract fail(id: string, at: number, reason: string): Promise<boolean>;
}

export abstract class ModelVersionRepository {
  abstract get(id: string): Promise<ModelVersionRecord | null>;
  abstract latest(federationId: string): Promise<ModelVersionRecord | null>;
  abstract list(federationId: string, page: PageRequest): Promise<Page<ModelVersionRecord>>;
}

/** Readiness: whether the database answers. */
export abstract class DatabaseHealth {
  abstract ping(): Promise<void>;
  /** The backend kind, safe to show unauthenticated (readyz). */
  abstract describe(): string;
  /** Where it lives (file or host), for logs only. */
  abstract location(): string;
}
