/**
 * Everything the agent says to the coordinator, all outbound: GraphQL for control (currentSite, nextTask,
 * reportFailure) and binary HTTP for weights (GET the global model, POST the update). Each call makes one attempt
 * and classifies its failure (CoordinatorCallError.retryable); retrying is the caller's policy (withRetry).
 */
import { createHash } from 'node:crypto';
import { CoordinatorCallError, isRetryableStatus, ModelIntegrityError } from './transport-errors';
import { SITE_TASK_FIELDS, type SiteTask, type TrainingTask } from './site-task';

/** Upload header names (apps/coordinator/src/transfer/upload-headers.ts). */
export const UPDATE_HEADER_NAMES = {
  sha256: 'x-fedstroke-sha256',
  baseModelVersion: 'x-fedstroke-base-model-version',
  layoutSha256: 'x-fedstroke-layout-sha256',
  numSamples: 'x-fedstroke-num-samples',
  metrics: 'x-fedstroke-metrics',
} as const;

export interface SiteIdentity {
  id: string;
  name: string;
  status: string;
}

/** What became of an upload that the coordinator answered. */
export type UploadOutcome =
  | { kind: 'ACCEPTED'; participationId: string }
  /** An earlier attempt of this same update had landed (the answer was lost): nothing more to do. */
  | { kind: 'ALREADY_ACCEPTED'; reason: string }
  /** The round closed first (deadline or quorum): the update is recorded as late and not aggregated. */
  | { kind: 'LATE'; reason: string }
  /** Refused by validation (recorded by the coordinator with this reason). */
  | { kind: 'REJECTED'; status: number; reason: string };

export interface UpdatePayload {
  weights: Float32Array;
  numSamples: number;
  metrics: Record<string, number>;
}

const GRAPHQL_TIMEOUT_MS = 30_000;
const TRANSFER_TIMEOUT_MS = 300_000;

export class CoordinatorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async currentSite(signal?: AbortSignal): Promise<SiteIdentity> {
    const data = await this.graphql<{ currentSite: SiteIdentity }>(
      'currentSite',
      '{ currentSite { id name status } }',
      {},
      GRAPHQL_TIMEOUT_MS,
      signal,
    );
    return data.currentSite;
  }

  async nextTask(federationId: string | undefined, waitSeconds: number, signal?: AbortSignal): Promise<SiteTask> {
    const data = await this.graphql<{ nextTask: SiteTask }>(
      'nextTask',
      `mutation ($federationId: ID, $wait: Int!) { nextTask(federationId: $federationId, waitSeconds: $wait) { ${SITE_TASK_FIELDS} } }`,
      { federationId: federationId ?? null, wait: waitSeconds },
      GRAPHQL_TIMEOUT_MS + waitSeconds * 1000,
      signal,
    );
    return data.nextTask;
  }

  async reportFailure(roundId: string, reason: string, signal?: AbortSignal): Promise<void> {
    await this.graphql(
      'reportFailure',
      'mutation ($roundId: ID!, $reason: String!) { reportFailure(roundId: $roundId, reason: $reason) { id status } }',
      { roundId, reason: reason.slice(0, 1000) },
      GRAPHQL_TIMEOUT_MS,
      signal,
    );
  }

  /** The round's global model, checked against the task's parameter count and sha256 before it is returned. */
  async downloadModel(task: TrainingTask, signal?: AbortSignal): Promise<Float32Array> {
    const response = await this.send(
      'downloadModel',
      task.modelDownloadPath,
      { method: 'GET' },
      TRANSFER_TIMEOUT_MS,
      signal,
    );
    if (!response.ok) throw await this.httpError('downloadModel', response);
    const bytes = new Uint8Array(await this.readBody('downloadModel', response));
    const expectedBytes = task.parameterCount * 4;
    if (bytes.byteLength !== expectedBytes)
      throw new ModelIntegrityError(
        `model ${task.baseModelVersionId}: received ${bytes.byteLength} bytes, expected ${expectedBytes} (${task.parameterCount} float32 parameters)`,
      );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== task.baseModelSha256)
      throw new ModelIntegrityError(
        `model ${task.baseModelVersionId}: body sha256 ${sha256} differs from the task's ${task.baseModelSha256}`,
      );
    // Copy into an aligned buffer of its own (the fetch buffer may be shared or unaligned).
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  async uploadUpdate(task: TrainingTask, update: UpdatePayload, signal?: AbortSignal): Promise<UploadOutcome> {
    const body = new Uint8Array(update.weights.buffer, update.weights.byteOffset, update.weights.byteLength);
    const response = await this.send(
      'uploadUpdate',
      task.updateUploadPath,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          [UPDATE_HEADER_NAMES.sha256]: createHash('sha256').update(body).digest('hex'),
          [UPDATE_HEADER_NAMES.baseModelVersion]: task.baseModelVersionId,
          [UPDATE_HEADER_NAMES.layoutSha256]: task.parameterLayoutSha256,
          [UPDATE_HEADER_NAMES.numSamples]: String(update.numSamples),
          [UPDATE_HEADER_NAMES.metrics]: JSON.stringify(update.metrics),
        },
        body,
      },
      TRANSFER_TIMEOUT_MS,
      signal,
    );
    const answer = (await response.json().catch(() => ({}))) as {
      participationId?: string;
      reason?: string;
      message?: string;
    };
    const reason = answer.reason ?? answer.message ?? `HTTP ${response.status}`;
    if (response.status === 202 || response.status === 200)
      return { kind: 'ACCEPTED', participationId: answer.participationId ?? task.participationId };
    if (isRetryableStatus(response.status) || response.status === 401 || response.status === 403)
      throw new CoordinatorCallError('uploadUpdate', isRetryableStatus(response.status), reason, response.status);
    if (response.status === 409 && /already ACCEPTED/.test(reason)) return { kind: 'ALREADY_ACCEPTED', reason };
    if (response.status === 409 && /^late update/.test(reason)) return { kind: 'LATE', reason };
    return { kind: 'REJECTED', status: response.status, reason };
  }

  private async graphql<T>(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<T> {
    const response = await this.send(
      operation,
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
      timeoutMs,
      signal,
    );
    let payload: {
      data?: T | null;
      errors?: Array<{ message: string; extensions?: { code?: string; status?: number } }>;
    };
    try {
      payload = (await response.json()) as typeof payload;
    } catch (cause) {
      throw new CoordinatorCallError(
        operation,
        isRetryableStatus(response.status),
        `HTTP ${response.status} with a body that is not JSON`,
        response.status,
        undefined,
        { cause },
      );
    }
    const error = payload.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      const status = error.extensions?.status ?? response.status;
      // A server-side fault (e.g. the database mid-restart) may pass; a refusal will not.
      const retryable = code === 'INTERNAL_SERVER_ERROR' || isRetryableStatus(status);
      throw new CoordinatorCallError(
        operation,
        retryable,
        `${code ?? 'GRAPHQL_ERROR'}: ${error.message}`,
        status,
        code,
      );
    }
    if (!response.ok || !payload.data)
      throw new CoordinatorCallError(
        operation,
        isRetryableStatus(response.status),
        `HTTP ${response.status} without data`,
        response.status,
      );
    return payload.data;
  }

  /** One HTTP exchange with the bearer token; network failures and timeouts become retryable errors. */
  private async send(
    operation: string,
    path: string,
    init: RequestInit,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new CoordinatorCallError(
        operation,
        true,
        `cannot reach ${this.baseUrl} (${describe(cause)})`,
        undefined,
        undefined,
        { cause },
      );
    }
  }

  private async readBody(operation: string, response: Response): Promise<ArrayBuffer> {
    try {
      return await response.arrayBuffer();
    } catch (cause) {
      throw new CoordinatorCallError(
        operation,
        true,
        `connection lost while reading the body (${describe(cause)})`,
        undefined,
        undefined,
        { cause },
      );
    }
  }

  private async httpError(operation: string, response: Response): Promise<CoordinatorCallError> {
    const text = await response.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (parsed.message !== undefined) message = [parsed.message].flat().join('; ');
    } catch {
      // Not JSON: keep the text.
    }
    return new CoordinatorCallError(
      operation,
      isRetryableStatus(response.status),
      `HTTP ${response.status}: ${message}`,
      response.status,
    );
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
