/** One schema step. Kept as TS modules (not .sql files) so the SWC build ships them in dist/. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
