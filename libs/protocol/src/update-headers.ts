/**
 * The metadata that travels with an update body, written by sites (`updateRequestHeaders`) and parsed strictly by
 * the coordinator (`parseUpdateHeaders`): a missing or malformed header is named in the reason.
 */
import { MAX_METRICS_HEADER_BYTES, UPDATE_HEADERS } from './headers';
import { isSha256Hex } from './sha256';
import { parseUpdateParts, type UpdatePart } from './update-parts';

export interface UpdateMetadata {
  /** sha256 of the body. */
  sha256: string;
  baseModelVersionId: string;
  layoutSha256: string;
  numSamples: number;
  metrics: Record<string, number>;
  /** What the body holds, in order (update-parts.ts); ["weights"] unless the site says otherwise. */
  parts: UpdatePart[];
}

export type ParsedUpdateHeaders = { ok: true; value: UpdateMetadata } | { ok: false; reason: string };

type HeaderBag = Record<string, string | string[] | undefined>;

/** `parts` defaults to ["weights"] (no header sent, as every site sent before SCAFFOLD). */
export function updateRequestHeaders(
  metadata: Omit<UpdateMetadata, 'parts'> & { parts?: readonly UpdatePart[] },
): Record<string, string> {
  const parts = (metadata.parts ?? ['weights']).join(',');
  return {
    ...(parts !== 'weights' && { [UPDATE_HEADERS.parts]: parts }),
    'content-type': 'application/octet-stream',
    [UPDATE_HEADERS.sha256]: metadata.sha256,
    [UPDATE_HEADERS.baseModelVersion]: metadata.baseModelVersionId,
    [UPDATE_HEADERS.layoutSha256]: metadata.layoutSha256,
    [UPDATE_HEADERS.numSamples]: String(metadata.numSamples),
    [UPDATE_HEADERS.metrics]: JSON.stringify(metadata.metrics),
  };
}

/** `headers` as Node's IncomingMessage has them (lower-case names). */
export function parseUpdateHeaders(headers: HeaderBag): ParsedUpdateHeaders {
  const get = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const sha256 = get(UPDATE_HEADERS.sha256)?.toLowerCase();
  if (!sha256 || !isSha256Hex(sha256))
    return fail(`${UPDATE_HEADERS.sha256} must be the body's sha256 as 64 hex characters`);
  const baseModelVersionId = get(UPDATE_HEADERS.baseModelVersion);
  if (!baseModelVersionId)
    return fail(`${UPDATE_HEADERS.baseModelVersion} must name the model version the update was trained from`);
  const layoutSha256 = get(UPDATE_HEADERS.layoutSha256)?.toLowerCase();
  if (!layoutSha256 || !isSha256Hex(layoutSha256)) {
    return fail(`${UPDATE_HEADERS.layoutSha256} must be the manifest's parameterLayoutSha256 (64 hex characters)`);
  }
  const samples = get(UPDATE_HEADERS.numSamples);
  if (!samples || !/^\d{1,15}$/.test(samples) || Number(samples) < 1) {
    return fail(`${UPDATE_HEADERS.numSamples} must be a positive integer (got ${JSON.stringify(samples ?? null)})`);
  }
  const metrics = parseMetrics(get(UPDATE_HEADERS.metrics));
  if (typeof metrics === 'string') return fail(metrics);
  const parts = parseUpdateParts(get(UPDATE_HEADERS.parts));
  if (typeof parts === 'string') return fail(parts);
  return {
    ok: true,
    value: { sha256, baseModelVersionId, layoutSha256, numSamples: Number(samples), metrics, parts },
  };
}

function parseMetrics(raw: string | undefined): Record<string, number> | string {
  if (raw === undefined || raw === '') return {};
  if (raw.length > MAX_METRICS_HEADER_BYTES)
    return `${UPDATE_HEADERS.metrics} exceeds ${MAX_METRICS_HEADER_BYTES} bytes`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return `${UPDATE_HEADERS.metrics} must be a JSON object of numbers`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return `${UPDATE_HEADERS.metrics} must be a JSON object of numbers`;
  }
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || !/^[A-Za-z0-9_.:-]{1,64}$/.test(name)) {
      return `${UPDATE_HEADERS.metrics}: "${name}" must be a short name with a finite number value`;
    }
    metrics[name] = value;
  }
  return metrics;
}

const fail = (reason: string): ParsedUpdateHeaders => ({ ok: false, reason });
