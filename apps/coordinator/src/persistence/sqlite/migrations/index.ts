import { sql as initial } from './0001-initial.migration';
import { sql as inference } from './0002-inference.migration';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order, each in its own transaction, recorded in schema_migrations. Append; never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'inference', sql: inference },
];
