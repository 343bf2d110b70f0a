/**
 * The serving audit: every decision about which model inference serves, in order. PROMOTE makes a model version the
 * serving model, WITHDRAW leaves none, DECLINE records why the policy did not promote a completed federation's model.
 * The serving model is the one named by the latest PROMOTE, unless a WITHDRAW came after it.
 */
export const SERVING_ACTIONS = ['PROMOTE', 'WITHDRAW', 'DECLINE'] as const;
export type ServingAction = (typeof SERVING_ACTIONS)[number];

/** ADMIN: the promoteModelVersion / withdrawServingModel mutations. POLICY: the completed-federation policy. */
export const SERVING_ACTORS = ['ADMIN', 'POLICY'] as const;
export type ServingActor = (typeof SERVING_ACTORS)[number];

export interface ServingEventRecord {
  id: string;
  at: number;
  action: ServingAction;
  actor: ServingActor;
  /** The name the administrator gave (`by`), when one was given. */
  actorName: string | null;
  /** First 16 hex digits of the admin token's sha256 (which token, after a rotation); null for the policy. */
  tokenFingerprint: string | null;
  modelVersionId: string | null;
  modelSha256: string | null;
  federationId: string | null;
  reason: string;
}
