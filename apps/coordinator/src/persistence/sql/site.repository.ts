import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { takesRowLocks } from '../engines/engine-differences';
import { rowOrNull, siteRow, toSite } from '../record-rows';
import type { Page, PageRequest, ParticipationRecord, SiteRecord } from '../records';
import { SiteRepository } from '../repositories';
import type { CoreTables, SitesTable } from '../tables';
import { dropOpenAssignments } from './open-assignments';
import { pageOf } from './page-of';

export class SqlSiteRepository extends SiteRepository {
  private readonly db: Kysely<CoreTables>;
  private readonly rowLocks: boolean;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
    this.rowLocks = takesRowLocks(handle.engine);
  }

  async create(site: SiteRecord): Promise<void> {
    await this.db.insertInto('sites').values(siteRow(site)).execute();
  }

  async get(id: string): Promise<SiteRecord | null> {
    return this.findBy('id', id);
  }

  async getByName(name: string): Promise<SiteRecord | null> {
    return this.findBy('name', name);
  }

  async findByTokenHash(tokenSha256: string): Promise<SiteRecord | null> {
    return this.findBy('token_sha256', tokenSha256);
  }

  async list(request: PageRequest): Promise<Page<SiteRecord>> {
    return pageOf(
      this.db.selectFrom('sites'),
      request,
      (q) => q.selectAll().orderBy('created_at').orderBy('id'),
      toSite,
    );
  }

  async revoke(
    id: string,
    at: number,
    dropReason: string,
  ): Promise<{ site: SiteRecord; dropped: ParticipationRecord[] } | null> {
    return this.db.transaction().execute(async (trx) => {
      // The open rounds are locked before the status changes, for the order `assign` relies on.
      const dropped = await dropOpenAssignments(trx, this.rowLocks, { siteId: id }, at, dropReason);
      const row = await trx
        .updateTable('sites')
        .set((eb) => ({ status: 'REVOKED', revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : { site: toSite(row), dropped };
    });
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sites').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  private async findBy(column: 'id' | 'name' | 'token_sha256', value: string): Promise<SiteRecord | null> {
    const row: SitesTable | undefined = await this.db
      .selectFrom('sites')
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return rowOrNull(row, toSite);
  }
}
