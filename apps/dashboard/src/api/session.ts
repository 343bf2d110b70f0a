/** The signed-in state every view reads: the API client for the pasted token and the role the coordinator gave it. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role } from '../graphql/generated';
import type { ApiClient } from './api-client';

export interface Session {
  api: ApiClient;
  role: Role;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in dashboard');
  return session;
}

/** What each role may see and do here (the coordinator enforces the same on every request). */
export const canAdminister = (role: Role): boolean => role === 'ADMIN';
export const canSeeFederations = (role: Role): boolean => role === 'ADMIN' || role === 'READONLY';
export const canSeeInference = (role: Role): boolean => role === 'ADMIN' || role === 'INFERENCE';
/** Model weights (GET /models/:id) go to the admin and inference roles, not to read-only dashboards. */
export const canDownloadModels = (role: Role): boolean => role === 'ADMIN' || role === 'INFERENCE';

export const ROLE_LABELS: Record<Role, { name: string; means: string }> = {
  ADMIN: { name: 'admin', means: 'you can see everything, control federations and register or revoke sites' },
  READONLY: { name: 'read-only', means: 'you can see federations, rounds, sites and models, and change nothing' },
  INFERENCE: { name: 'inference', means: 'you can see segmentation jobs and their results' },
  SITE: { name: 'site', means: 'this token belongs to a hospital agent' },
};
