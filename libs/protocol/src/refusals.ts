/**
 * Why the coordinator refused a transfer, as a stable code with its HTTP status, sent as JSON so that clients
 * branch on `code`, never on the wording of a message.
 *
 * Two families: refusals of the update itself (recorded on the participation; sending the same bytes again cannot
 * help) and refusals of the moment (the coordinator's storage or upload slots; nothing is recorded, and the client
 * tries again after Retry-After).
 */
import type { RejectionCode as ValidationRejectionCode } from '@fedstroke/federation';

/** Every update validation outcome of libs/federation, plus the checks the upload path makes before it. */
const UPDATE_REJECTIONS = {
  STALE_ROUND: 422,
  WRONG_BASE_MODEL: 422,
  LAYOUT_MISMATCH: 422,
  LENGTH_MISMATCH: 422,
  TOO_FEW_SAMPLES: 422,
  NON_FINITE_METRIC: 422,
  NON_FINITE: 422,
  NORM_EXCEEDED: 422,
  SHA256_MISMATCH: 422,
  BAD_HEADERS: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  /** The site has no assignment in that round. */
  NOT_ASSIGNED: 409,
  /** The round closed (quorum, deadline) before the update was in. */
  LATE_UPDATE: 409,
  /** An update of this participation was accepted already (e.g. an earlier attempt whose answer was lost). */
  ALREADY_ACCEPTED: 409,
  /** The participation already ended another way (rejected, failed, dropped). */
  ALREADY_REPORTED: 409,
  /** A masked input outside its secure-aggregation step, or from a site that did not share its keys. */
  NOT_IN_SECURE_ROUND: 409,
} as const satisfies Record<ValidationRejectionCode, number> & Record<string, number>;

/** Refusals of the moment: the same request may succeed later. */
const TRANSIENT_REFUSALS = {
  /** The coordinator's storage is full (ENOSPC, EDQUOT, EFBIG); the partial file was removed. */
  STORAGE_FULL: 507,
  /** The coordinator's storage cannot be written now (read-only, out of file descriptors, I/O error). */
  STORAGE_UNAVAILABLE: 503,
  /** This caller has as many uploads in flight as it may. */
  TOO_MANY_UPLOADS: 429,
  /** The coordinator has as many uploads in flight as it takes. */
  UPLOADS_BUSY: 503,
} as const;

export const REFUSAL_STATUS = { ...UPDATE_REJECTIONS, ...TRANSIENT_REFUSALS } as const;

export type UpdateRejectionCode = keyof typeof UPDATE_REJECTIONS;
export type TransientRefusalCode = keyof typeof TRANSIENT_REFUSALS;
export type RefusalCode = keyof typeof REFUSAL_STATUS;

export function isTransientRefusal(code: string): code is TransientRefusalCode {
  return Object.hasOwn(TRANSIENT_REFUSALS, code);
}

/**
 * The JSON body of every refusal of the binary endpoints. `code` is a RefusalCode on the update path and the
 * error's own code on inference uploads (NIFTI_TRUNCATED, STUDY_TOO_LARGE, …).
 */
export interface RefusalBody {
  statusCode: number;
  code: string;
  message: string;
  /** Update rejections: 'REJECTED', with the participation it was recorded on. */
  status?: 'REJECTED';
  participationId?: string;
  /** Update rejections: the reason as recorded on the participation (same text as `message`). */
  reason?: string;
  /** Transient refusals: the same figure as the Retry-After header. */
  retryAfterSeconds?: number;
}

/** A refusal body read back by a client; null when `json` is not one (a proxy's HTML page, an empty body). */
export function parseRefusalBody(json: unknown): RefusalBody | null {
  if (typeof json !== 'object' || json === null) return null;
  const body = json as Record<string, unknown>;
  if (typeof body.code !== 'string' || typeof body.statusCode !== 'number') return null;
  const message = [body.message ?? body.reason ?? ''].flat().join('; ');
  return {
    statusCode: body.statusCode,
    code: body.code,
    message,
    ...(body.status === 'REJECTED' && { status: 'REJECTED' as const }),
    ...(typeof body.participationId === 'string' && { participationId: body.participationId }),
    ...(typeof body.reason === 'string' && { reason: body.reason }),
    ...(typeof body.retryAfterSeconds === 'number' && { retryAfterSeconds: body.retryAfterSeconds }),
  };
}

/** A Retry-After header as seconds (delta-seconds form only, which is all the coordinator sends); null if absent. */
export function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value || !/^\d{1,9}$/.test(value.trim())) return null;
  return Number(value.trim());
}
