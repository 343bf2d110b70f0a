/**
 * Storage of secure-aggregation rounds and their relayed messages; implemented once for both engines beside it
 * (sql-secagg.repository.ts). Every change is one conditional statement, so two coordinator steps racing (an upload
 * and a deadline) cannot both move a round on.
 */
import type { SecAggMessage, SecAggMessageKind, SecAggPayloads, SecAggRoundRecord, SecAggStep } from './secagg-records';

export type SecAggRoundChanges = Partial<
  Pick<SecAggRoundRecord, 'step' | 'stepDeadlineAt' | 'roster' | 'sharedKeys' | 'survivors' | 'failureReason'>
>;

export abstract class SecureAggregationRepository {
  /** Creates the round's record unless it exists; returns the stored one either way. */
  abstract start(record: SecAggRoundRecord): Promise<SecAggRoundRecord>;
  abstract get(roundId: string): Promise<SecAggRoundRecord | null>;
  /** Applies `changes` only while the round is at step `from`; the updated record, or null if it had moved on. */
  abstract advance(
    roundId: string,
    from: SecAggStep,
    changes: SecAggRoundChanges,
    at: number,
  ): Promise<SecAggRoundRecord | null>;
  /** Stores a site's message of one kind once; false when it already has one (the first is kept). */
  abstract putMessage<K extends SecAggMessageKind>(
    roundId: string,
    siteId: string,
    kind: K,
    payload: SecAggPayloads[K],
    at: number,
  ): Promise<boolean>;
  abstract messages<K extends SecAggMessageKind>(roundId: string, kind: K): Promise<SecAggMessage<K>[]>;
  abstract message<K extends SecAggMessageKind>(
    roundId: string,
    siteId: string,
    kind: K,
  ): Promise<SecAggMessage<K> | null>;
}
