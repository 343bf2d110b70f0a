import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { applyMigrations, openSqliteDatabase } from './sqlite-database';

describe('SQLite database', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fedstroke-sqlite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in WAL mode, applies every migration once and records it', () => {
    const file = join(dir, 'nested', 'c.sqlite');
    const db = openSqliteDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{
      version: number;
    }>;
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%migrations'`).all();
    expect(tables).toEqual([{ name: 'schema_migrations' }]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'inference_jobs'`).get()).toBeDefined();
    expect(applyMigrations(db, file, MIGRATIONS)).toEqual([]);
    db.close();
    const reopened = openSqliteDatabase(file);
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      MIGRATIONS.length,
    );
    reopened.close();
  });

  it('rolls a failing migration back entirely and names it', () => {
    const file = join(dir, 'c.sqlite');
    const db = openSqliteDatabase(file);
    const broken = [
      ...MIGRATIONS,
      { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;' },
    ];
    expect(() => applyMigrations(db, file, broken)).toThrow(
      /migration 99 \(broken\) failed on .*c\.sqlite: no such table: nowhere/,
    );
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`).get()).toBeUndefined();
    db.close();
  });

  it('refuses a database written by a newer coordinator', () => {
    const file = join(dir, 'c.sqlite');
    const db = openSqliteDatabase(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (42, ?, 0)').run('future');
    expect(() => applyMigrations(db, file, MIGRATIONS)).toThrow(
      /has migrations \[42\] that this coordinator does not know/,
    );
    db.close();
  });
});
