/**
 * Everything the agent says to the coordinator, all outbound: GraphQL for control (the operations of
 * coordinator.graphql, typed from the schema) and binary HTTP for weights (GET the global model, POST the update),
 * in the wire format of @fedstroke/protocol. Each call makes one attempt and classifies its failure
 * (CoordinatorCallError.retryable, from the status and the refusal's code, never from its wording); retrying is the
 * caller's policy (withRetry).
 */
import type { Dispatcher } from 'undici';
import {
  type Float32BodyExpectation,
  float32ToBytes,
  joinUpdateBody,
  MODEL_HEADERS,
  GRAPHQL_PATH,
  type GraphqlDocument,
  type GraphqlResponseBody,
  graphqlRequestBody,
  isTransientRefusal,
  joinUrl,
  parseRefusalBody,
  parseRetryAfter,
  readFloat32Body,
  RETRY_AFTER_HEADER,
  sha256Hex,
  updateRequestHeaders,
  WireFormatError,
} from '@fedstroke/protocol';
import {
  AdvertiseKeysDocument,
  CurrentSiteDocument,
  type CurrentSiteQuery,
  NextTaskDocument,
  ReportFailureDocument,
  type SealedShareInput,
  type SecureAggregationKeysInput,
  type SecureAggregationStep,
  SecureRoundDocument,
  type SecureRoundViewFragment,
  SubmitSharesDocument,
  SubmitUnmaskDocument,
  type UnmaskResponseInput,
} from './coordinator-operations.generated';
import type { SiteTask, TrainingTask } from './site-task';
import { CoordinatorCallError, isRetryableStatus, ModelIntegrityError } from './transport-errors';

export type SiteIdentity = CurrentSiteQuery['currentSite'];

/** What became of an upload that the coordinator answered. */
export type UploadOutcome =
  | { kind: 'ACCEPTED'; participationId: string }
  /** An earlier attempt of this same update had landed (the answer was lost): nothing more to do. */
  | { kind: 'ALREADY_ACCEPTED'; reason: string }
  /** The round closed first (deadline or quorum): the update is recorded as late and not aggregated. */
  | { kind: 'LATE'; reason: string }
  /** Refused by validation (recorded by the coordinator with this code and reason). */
  | { kind: 'REJECTED'; status: number; code: string; reason: string };

export interface UpdatePayload {
  weights: Float32Array;
  numSamples: number;
  metrics: Record<string, number>;
  /** SCAFFOLD: Δc_i, sent after the weights in the same body (update parts "weights,control-delta"). */
  controlDelta?: Float32Array;
}

const GRAPHQL_TIMEOUT_MS = 30_000;
const TRANSFER_TIMEOUT_MS = 300_000;

export class CoordinatorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    /** The connection pool with the site certificate (tls-dispatcher.ts); undefined: plain fetch. */
    private readonly dispatcher?: Dispatcher,
  ) {}

  async currentSite(signal?: AbortSignal): Promise<SiteIdentity> {
    const data = await this.graphql('currentSite', CurrentSiteDocument, {}, GRAPHQL_TIMEOUT_MS, signal);
    return data.currentSite;
  }

  async nextTask(federationId: string | undefined, waitSeconds: number, signal?: AbortSignal): Promise<SiteTask> {
    const data = await this.graphql(
      'nextTask',
      NextTaskDocument,
      { federationId: federationId ?? null, wait: waitSeconds },
      GRAPHQL_TIMEOUT_MS + waitSeconds * 1000,
      signal,
    );
    return data.nextTask;
  }

  async reportFailure(roundId: string, reason: string, signal?: AbortSignal): Promise<void> {
    const variables = { roundId, reason: reason.slice(0, 1000) };
    await this.graphql('reportFailure', ReportFailureDocument, variables, GRAPHQL_TIMEOUT_MS, signal);
  }

  /**
   * The round's global model, read straight into its own buffer while hashing, and checked against the task's
   * parameter count and sha256 before it is returned.
   */
  async downloadModel(task: TrainingTask, signal?: AbortSignal): Promise<Float32Array> {
    return this.downloadFloat32('downloadModel', task.modelDownloadPath, signal, () => ({
      source: `model ${task.baseModelVersionId}`,
      parameterCount: task.parameterCount,
      sha256: task.baseModelSha256,
    }));
  }

  /**
   * SCAFFOLD: the server control variate c of the task's round (after the round that made its base model), read
   * like a model: length and the sha256 the coordinator states in its header checked.
   */
  async downloadControlVariate(task: TrainingTask, signal?: AbortSignal): Promise<Float32Array> {
    const path = task.controlVariatePath;
    if (!path)
      throw new ModelIntegrityError(`round ${task.roundIndex} of ${task.federationName} has no control variate`);
    return this.downloadFloat32('downloadControlVariate', path, signal, (response) => ({
      source: `control variate of model ${task.baseModelVersionId}`,
      parameterCount: task.parameterCount,
      sha256: response.headers.get(MODEL_HEADERS.sha256),
    }));
  }

  /** One raw float32 body, read straight into its buffer; a wrong body is a ModelIntegrityError, a cut one retryable. */
  private async downloadFloat32(
    operation: string,
    path: string,
    signal: AbortSignal | undefined,
    expect: (response: Response) => Float32BodyExpectation,
  ): Promise<Float32Array> {
    const response = await this.send(operation, path, { method: 'GET' }, TRANSFER_TIMEOUT_MS, signal);
    if (!response.ok) throw await this.httpError(operation, response);
    try {
      return (await readFloat32Body(response.body, expect(response))).weights;
    } catch (cause) {
      if (cause instanceof WireFormatError) throw new ModelIntegrityError(cause.message, { cause });
      if (signal?.aborted) throw cause;
      throw new CoordinatorCallError(operation, true, `connection lost while reading the body (${describe(cause)})`, {
        cause,
      });
    }
  }

  async uploadUpdate(task: TrainingTask, update: UpdatePayload, signal?: AbortSignal): Promise<UploadOutcome> {
    // One body, one sha256: Δc_i travels after the weights (@fedstroke/protocol update-parts.ts).
    const body = float32ToBytes(
      joinUpdateBody(update.controlDelta ? [update.weights, update.controlDelta] : [update.weights]),
    );
    return this.uploadBody(task, body, update, signal);
  }

  /** A secure round's masked input: uint32 words (little-endian), through the same upload path and contract. */
  async uploadMaskedInput(
    task: TrainingTask,
    words: Uint32Array,
    report: Omit<UpdatePayload, 'weights'>,
    signal?: AbortSignal,
  ): Promise<UploadOutcome> {
    return this.uploadBody(task, new Uint8Array(words.buffer, words.byteOffset, words.byteLength), report, signal);
  }

  /** The secure round as the coordinator shows it to this site, once it reaches `step` (long poll `waitSeconds`). */
  async secureRound(
    roundId: string,
    step: SecureAggregationStep,
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<SecureRoundViewFragment> {
    const variables = { roundId, step, wait: waitSeconds };
    const data = await this.graphql(
      'secureAggregation',
      SecureRoundDocument,
      variables,
      GRAPHQL_TIMEOUT_MS + waitSeconds * 1000,
      signal,
    );
    return data.secureAggregation;
  }

  async advertiseKeys(
    roundId: string,
    keys: SecureAggregationKeysInput,
    signal?: AbortSignal,
  ): Promise<SecureRoundViewFragment> {
    const data = await this.graphql(
      'advertiseKeys',
      AdvertiseKeysDocument,
      { roundId, keys },
      GRAPHQL_TIMEOUT_MS,
      signal,
    );
    return data.advertiseKeys;
  }

  async submitShares(
    roundId: string,
    shares: SealedShareInput[],
    signal?: AbortSignal,
  ): Promise<SecureRoundViewFragment> {
    const data = await this.graphql(
      'submitShares',
      SubmitSharesDocument,
      { roundId, shares },
      GRAPHQL_TIMEOUT_MS,
      signal,
    );
    return data.submitShares;
  }

  async submitUnmask(
    roundId: string,
    response: UnmaskResponseInput,
    signal?: AbortSignal,
  ): Promise<SecureRoundViewFragment> {
    const data = await this.graphql(
      'submitUnmask',
      SubmitUnmaskDocument,
      { roundId, response },
      GRAPHQL_TIMEOUT_MS,
      signal,
    );
    return data.submitUnmask;
  }

  private async uploadBody(
    task: TrainingTask,
    body: Uint8Array,
    update: Omit<UpdatePayload, 'weights'>,
    signal?: AbortSignal,
  ): Promise<UploadOutcome> {
    const headers = updateRequestHeaders({
      sha256: sha256Hex(body),
      baseModelVersionId: task.baseModelVersionId,
      layoutSha256: task.parameterLayoutSha256,
      numSamples: update.numSamples,
      metrics: update.metrics,
      parts: update.controlDelta ? ['weights', 'control-delta'] : ['weights'],
    });
    const response = await this.send(
      'uploadUpdate',
      task.updateUploadPath,
      { method: 'POST', headers, body },
      TRANSFER_TIMEOUT_MS,
      signal,
    );
    const json: unknown = await response.json().catch(() => null);
    if (response.status === 202 || response.status === 200) {
      const participationId = (json as { participationId?: unknown } | null)?.participationId;
      return {
        kind: 'ACCEPTED',
        participationId: typeof participationId === 'string' ? participationId : task.participationId,
      };
    }
    const refusal = parseRefusalBody(json);
    const reason = refusal?.reason ?? refusal?.message ?? `HTTP ${response.status}`;
    const code = refusal?.code;
    if (
      isRetryableStatus(response.status) ||
      (code !== undefined && isTransientRefusal(code)) ||
      response.status === 401 ||
      response.status === 403
    ) {
      const retryable = response.status !== 401 && response.status !== 403;
      throw new CoordinatorCallError('uploadUpdate', retryable, reason, {
        status: response.status,
        refusalCode: code,
        retryAfterMs: retryAfterMs(response, refusal?.retryAfterSeconds),
      });
    }
    if (code === 'ALREADY_ACCEPTED') return { kind: 'ALREADY_ACCEPTED', reason };
    if (code === 'LATE_UPDATE') return { kind: 'LATE', reason };
    return { kind: 'REJECTED', status: response.status, code: code ?? `HTTP_${response.status}`, reason };
  }

  private async graphql<TResult, TVariables>(
    name: string,
    document: GraphqlDocument<TResult, TVariables>,
    variables: TVariables,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<TResult> {
    const response = await this.send(
      name,
      GRAPHQL_PATH,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: graphqlRequestBody(document, variables),
      },
      timeoutMs,
      signal,
    );
    let payload: GraphqlResponseBody<TResult>;
    try {
      payload = (await response.json()) as GraphqlResponseBody<TResult>;
    } catch (cause) {
      throw new CoordinatorCallError(
        name,
        isRetryableStatus(response.status),
        `HTTP ${response.status} with a body that is not JSON`,
        { status: response.status, cause },
      );
    }
    const error = payload.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      const status = error.extensions?.status ?? response.status;
      // A server-side fault (e.g. the database mid-restart) may pass; a refusal will not.
      const retryable = code === 'INTERNAL_SERVER_ERROR' || isRetryableStatus(status);
      throw new CoordinatorCallError(name, retryable, `${code ?? 'GRAPHQL_ERROR'}: ${error.message}`, {
        status,
        graphqlCode: code,
      });
    }
    if (!response.ok || !payload.data)
      throw new CoordinatorCallError(name, isRetryableStatus(response.status), `HTTP ${response.status} without data`, {
        status: response.status,
      });
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
      return await fetch(joinUrl(this.baseUrl, path), {
        ...init,
        ...(this.dispatcher && { dispatcher: this.dispatcher }),
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new CoordinatorCallError(operation, true, `cannot reach ${this.baseUrl} (${describe(cause)})`, { cause });
    }
  }

  private async httpError(operation: string, response: Response): Promise<CoordinatorCallError> {
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page): keep the text.
    }
    const refusal = parseRefusalBody(json);
    const message =
      refusal?.message ?? [(json as { message?: unknown } | null)?.message ?? text.slice(0, 500)].flat().join('; ');
    return new CoordinatorCallError(
      operation,
      isRetryableStatus(response.status),
      `HTTP ${response.status}: ${message}`,
      {
        status: response.status,
        refusalCode: refusal?.code,
        retryAfterMs: retryAfterMs(response, refusal?.retryAfterSeconds),
      },
    );
  }
}

function retryAfterMs(response: Response, fromBody: number | undefined): number | undefined {
  const seconds = parseRetryAfter(response.headers.get(RETRY_AFTER_HEADER)) ?? fromBody;
  return seconds === undefined ? undefined : seconds * 1000;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
