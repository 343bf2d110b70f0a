import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../persistence/database-handle';
import type { Page, PageRequest } from '../../persistence/records';
import { rowOrNull } from '../../persistence/record-rows';
import { pageOf } from '../../persistence/sql/page-of';
import type { CoreTables } from '../../persistence/tables';
import { servingEventRow, type ServingTables, toServingEvent } from './serving-rows';
import type { ServingEventRecord } from './serving-records';
import { ServingRepository } from './serving.repository';

const DECISIONS = ['PROMOTE', 'WITHDRAW'] as const;

export class SqlServingRepository extends ServingRepository {
  private readonly db: Kysely<CoreTables & ServingTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db.withTables<ServingTables>();
  }

  async record(event: ServingEventRecord): Promise<void> {
    await this.db.insertInto('serving_events').values(servingEventRow(event)).execute();
  }

  async latestDecision(): Promise<ServingEventRecord | null> {
    const row = await this.db
      .selectFrom('serving_events')
      .selectAll()
      .where('action', 'in', DECISIONS)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return rowOrNull(row, toServingEvent);
  }

  async latestDecisionFor(modelVersionId: string): Promise<ServingEventRecord | null> {
    const row = await this.db
      .selectFrom('serving_events')
      .selectAll()
      .where('model_version_id', '=', modelVersionId)
      .where('action', 'in', DECISIONS)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return rowOrNull(row, toServingEvent);
  }

  async policyDecided(federationId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('serving_events')
      .select('seq')
      .where('federation_id', '=', federationId)
      .where('actor', '=', 'POLICY')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  list(page: PageRequest): Promise<Page<ServingEventRecord>> {
    return pageOf(
      this.db.selectFrom('serving_events'),
      page,
      (query) => query.selectAll().orderBy('seq', 'desc'),
      toServingEvent,
    );
  }
}
