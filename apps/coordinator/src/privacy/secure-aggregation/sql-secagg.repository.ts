import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../persistence/database-handle';
import type { CoreTables } from '../../persistence/tables';
import type { SecAggMessage, SecAggMessageKind, SecAggPayloads, SecAggRoundRecord, SecAggStep } from './secagg-records';
import { type SecAggRoundChanges, SecureAggregationRepository } from './secagg.repository';

interface SecAggRoundsTable {
  round_id: string;
  federation_id: string;
  step: SecAggStep;
  step_deadline_at: number | null;
  params_json: string;
  roster_json: string | null;
  shared_keys_json: string | null;
  survivors_json: string | null;
  failure_reason: string | null;
  updated_at: number;
}

interface SecAggMessagesTable {
  round_id: string;
  site_id: string;
  kind: SecAggMessageKind;
  payload_json: string;
  created_at: number;
}

type SecAggTables = { secagg_rounds: SecAggRoundsTable; secagg_messages: SecAggMessagesTable };

export class SqlSecureAggregationRepository extends SecureAggregationRepository {
  private readonly db: Kysely<CoreTables & SecAggTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db.withTables<SecAggTables>();
  }

  async start(record: SecAggRoundRecord): Promise<SecAggRoundRecord> {
    await this.db
      .insertInto('secagg_rounds')
      .values(toRow(record))
      .onConflict((c) => c.column('round_id').doNothing())
      .execute();
    return (await this.get(record.roundId)) as SecAggRoundRecord;
  }

  async get(roundId: string): Promise<SecAggRoundRecord | null> {
    const row = await this.db
      .selectFrom('secagg_rounds')
      .selectAll()
      .where('round_id', '=', roundId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async advance(
    roundId: string,
    from: SecAggStep,
    changes: SecAggRoundChanges,
    at: number,
  ): Promise<SecAggRoundRecord | null> {
    const result = await this.db
      .updateTable('secagg_rounds')
      .set({
        ...(changes.step !== undefined && { step: changes.step }),
        ...(changes.stepDeadlineAt !== undefined && { step_deadline_at: changes.stepDeadlineAt }),
        ...(changes.roster !== undefined && { roster_json: json(changes.roster) }),
        ...(changes.sharedKeys !== undefined && { shared_keys_json: json(changes.sharedKeys) }),
        ...(changes.survivors !== undefined && { survivors_json: json(changes.survivors) }),
        ...(changes.failureReason !== undefined && { failure_reason: changes.failureReason }),
        updated_at: at,
      })
      .where('round_id', '=', roundId)
      .where('step', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.get(roundId) : null;
  }

  async putMessage<K extends SecAggMessageKind>(
    roundId: string,
    siteId: string,
    kind: K,
    payload: SecAggPayloads[K],
    at: number,
  ): Promise<boolean> {
    const result = await this.db
      .insertInto('secagg_messages')
      .values({ round_id: roundId, site_id: siteId, kind, payload_json: JSON.stringify(payload), created_at: at })
      .onConflict((c) => c.columns(['round_id', 'site_id', 'kind']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async messages<K extends SecAggMessageKind>(roundId: string, kind: K): Promise<SecAggMessage<K>[]> {
    const rows = await this.db
      .selectFrom('secagg_messages')
      .selectAll()
      .where('round_id', '=', roundId)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .orderBy('site_id')
      .execute();
    return rows.map(toMessage<K>);
  }

  async message<K extends SecAggMessageKind>(
    roundId: string,
    siteId: string,
    kind: K,
  ): Promise<SecAggMessage<K> | null> {
    const row = await this.db
      .selectFrom('secagg_messages')
      .selectAll()
      .where('round_id', '=', roundId)
      .where('site_id', '=', siteId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row ? toMessage<K>(row) : null;
  }
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toRow(record: SecAggRoundRecord): SecAggRoundsTable {
  return {
    round_id: record.roundId,
    federation_id: record.federationId,
    step: record.step,
    step_deadline_at: record.stepDeadlineAt,
    params_json: JSON.stringify(record.params),
    roster_json: json(record.roster),
    shared_keys_json: json(record.sharedKeys),
    survivors_json: json(record.survivors),
    failure_reason: record.failureReason,
    updated_at: record.updatedAt,
  };
}

function toRecord(row: SecAggRoundsTable): SecAggRoundRecord {
  return {
    roundId: row.round_id,
    federationId: row.federation_id,
    step: row.step,
    stepDeadlineAt: row.step_deadline_at,
    params: JSON.parse(row.params_json),
    roster: parse(row.roster_json),
    sharedKeys: parse(row.shared_keys_json),
    survivors: parse(row.survivors_json),
    failureReason: row.failure_reason,
    updatedAt: row.updated_at,
  };
}

function toMessage<K extends SecAggMessageKind>(row: SecAggMessagesTable): SecAggMessage<K> {
  return { siteId: row.site_id, payload: JSON.parse(row.payload_json) as SecAggPayloads[K], createdAt: row.created_at };
}
