import type { Pool } from 'pg';
import { page, type Row, rowOrNull, siteValues, toSite } from '../record-rows';
import type { Page, PageRequest, SiteRecord } from '../records';
import { SiteRepository } from '../repositories';

export class PostgresSiteRepository extends SiteRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async create(site: SiteRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO sites (id, name, status, token_sha256, created_at, revoked_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      siteValues(site),
    );
  }

  async get(id: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE id = $1', id);
  }

  async getByName(name: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE name = $1', name);
  }

  async findByTokenHash(tokenSha256: string): Promise<SiteRecord | null> {
    return this.one('SELECT * FROM sites WHERE token_sha256 = $1', tokenSha256);
  }

  async list(request: PageRequest): Promise<Page<SiteRecord>> {
    const rows = await this.pool.query('SELECT * FROM sites ORDER BY created_at, id LIMIT $1 OFFSET $2', [
      request.limit,
      request.offset,
    ]);
    const total = await this.pool.query('SELECT COUNT(*) AS n FROM sites');
    return page(rows.rows as Row[], total.rows[0].n, toSite);
  }

  async revoke(id: string, at: number): Promise<SiteRecord | null> {
    const result = await this.pool.query(
      `UPDATE sites SET status = 'REVOKED', revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *`,
      [id, at],
    );
    return rowOrNull(result.rows[0], toSite);
  }

  async touch(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE sites SET last_seen_at = $2 WHERE id = $1', [id, at]);
  }

  private async one(sql: string, arg: string): Promise<SiteRecord | null> {
    return rowOrNull((await this.pool.query(sql, [arg])).rows[0], toSite);
  }
}
