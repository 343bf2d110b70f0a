import { type SelectQueryBuilder, sql } from 'kysely';
import type { Page, PageRequest } from '../records';

/**
 * One page of what `matching` (a FROM and WHERE, nothing selected yet) finds, in the order `ordered` selects, with
 * the count of everything it finds. Every listing pages this way.
 */
export async function pageOf<DB, TB extends keyof DB, Row, T>(
  matching: SelectQueryBuilder<DB, TB, object>,
  request: PageRequest,
  ordered: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const rows = await ordered(matching).limit(request.limit).offset(request.offset).execute();
  const count = (await matching.select(sql<number>`COUNT(*)`.as('n')).executeTakeFirstOrThrow()) as { n: number };
  return { items: rows.map((row) => map(row)), totalCount: count.n };
}
