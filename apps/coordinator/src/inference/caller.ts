import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { Caller } from './persistence/inference-records';

/**
 * Who is calling, for the audit trail: the role and the first 16 hex digits of the bearer token's sha256 — enough to
 * tell tokens apart after a rotation, useless to an attacker.
 */
export function callerOf(principal: Principal, authorization: unknown): Caller {
  const token = typeof authorization === 'string' ? authorization.replace(/^Bearer\s+/i, '').trim() : '';
  const fingerprint = createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
  return {
    role: principal.role === 'SITE' ? `SITE:${principal.siteId}` : principal.role,
    tokenFingerprint: fingerprint,
  };
}
