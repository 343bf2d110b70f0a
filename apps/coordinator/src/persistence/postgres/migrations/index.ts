import type { Migration } from '../../migration';
import { sql as initial } from './0001-initial.migration';
import { sql as inference } from './0002-inference.migration';

/**
 * The PostgreSQL twin of sqlite/migrations: the same versions and names, so a schema_migrations table reads the
 * same on either backend. Append; never edit a shipped one.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'inference', sql: inference },
];
