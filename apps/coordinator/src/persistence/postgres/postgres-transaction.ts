/**
 * Transactions on node-postgres: BEGIN, the work and COMMIT must run on one pooled client (a Pool sends each query
 * to whichever connection is free), and any error rolls back. A client whose ROLLBACK failed has a broken
 * connection and is destroyed rather than returned to the pool.
 */
import type { Pool, PoolClient } from 'pg';

const broken = new WeakSet<PoolClient>();

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await transaction(client, work);
  } finally {
    client.release(broken.has(client));
  }
}

/** One transaction on a client the caller holds (the migrator keeps its advisory-lock session for all of them). */
export async function transaction<T>(client: PoolClient, work: (client: PoolClient) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => broken.add(client));
    throw error;
  }
}
