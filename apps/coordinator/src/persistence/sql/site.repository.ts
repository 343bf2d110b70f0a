import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { rowOrNull, siteRow, toSite } from '../record-rows';
import type { Page, PageRequest, SiteRecord } from '../records';
import { SiteRepository } from '../repositories';
import type { CoreTables, SitesTable } from '../tables';
import { pageOf } from './page-of';

export class SqlSiteRepository extends SiteRepository {
  private readonly db: Kysely<CoreTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
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

  async revoke(id: string, at: number): Promise<SiteRecord | null> {
    const row = await this.db
      .updateTable('sites')
      .set((eb) => ({ status: 'REVOKED', revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return rowOrNull(row, toSite);
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
