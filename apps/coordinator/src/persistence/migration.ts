/**
 * One schema step, written once for both engines with Kysely's schema builder: a file `migrations/NNNN-name.ts`
 * exporting `up(db, types)`. `types` are the running engine's column types (engines/engine-differences.ts). A step
 * never imports the record constants: their later values are not what the step created. Kept as TS modules (not
 * .sql files) so the SWC build ships them in dist/.
 */
import { type Expression, type Kysely, sql } from 'kysely';
import type { ColumnTypes } from './engines/engine-differences';

export interface SchemaMigration {
  up(db: Kysely<unknown>, types: ColumnTypes): Promise<void>;
}

/** A CHECK that `column` holds one of `values`, inlined as literals (DDL takes no parameters). */
export function oneOf(column: string, values: readonly string[]): Expression<unknown> {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}
