import { sql as initial } from './0001-initial.migration';
import { sql as inference } from './0002-inference.migration';
import type { Migration } from '../../migration';

export type { Migration };

/** Applied in order, each in its own transaction, recorded in schema_migrations. Append; never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'inference', sql: inference },
];
