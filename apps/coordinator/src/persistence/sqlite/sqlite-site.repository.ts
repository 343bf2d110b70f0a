import { SiteRepository } from '../repositories';
import type { Page, PageRequest, SiteRecord } from '../records';
import type { SqliteHandle } from './sqlite-database';
import { page, type Row, rowOrNull, siteValues, toSite } from '../record-rows';

export class SqliteSiteRepository extends SiteRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async create(site: SiteRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO sites (id, name, status, token_sha256, created_at, revoked_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...siteValues(site));
  }

  async get(id: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE id = ?', id);
  }

  async getByName(name: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE name = ?', name);
  }

  async findByTokenHash(tokenSha256: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE token_sha256 = ?', tokenSha256);
  }

  async list(request: PageRequest): Promise<Page<SiteRecord>> {
    const rows = this.db
      .prepare('SELECT * FROM sites ORDER BY created_at, id LIMIT @limit OFFSET @offset')
      .all(request);
    const total = this.db.prepare('SELECT COUNT(*) AS n FROM sites').get() as { n: number };
    return page(rows as Row[], total.n, toSite);
  }

  async revoke(id: string, at: number): Promise<SiteRecord | null> {
    this.db
      .prepare(`UPDATE sites SET status = 'REVOKED', revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`)
      .run(at, id);
    return this.get(id);
  }

  async touch(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE sites SET last_seen_at = ? WHERE id = ?').run(at, id);
  }

  private one(sql: string, arg: string): SiteRecord | null {
    return rowOrNull(this.db.prepare(sql).get(arg), toSite);
  }
}
