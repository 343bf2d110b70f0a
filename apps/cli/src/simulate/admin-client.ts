/**
 * The simulation drives the coordinator the way an operator or a dashboard would: through its GraphQL API with the
 * admin token (the operations of admin.graphql, typed from the schema: register sites, create and start the
 * federation, read rounds) and GET /models/:id for the final global model.
 */
import type { Dispatcher } from 'undici';
import { FedstrokeError } from '@fedstroke/common';
import {
  GRAPHQL_PATH,
  type GraphqlDocument,
  type GraphqlResponseBody,
  graphqlRequestBody,
  joinUrl,
  MODEL_HEADERS,
  modelDownloadPath,
  readFloat32Body,
} from '@fedstroke/protocol';
import {
  type CreateFederationInput,
  CreateFederationDocument,
  FederationDocument,
  type FederationQuery,
  RegisterSiteDocument,
  RoundsDocument,
  type RoundsQuery,
  StartFederationDocument,
} from './admin-operations.generated';

export class CoordinatorApiError extends FedstrokeError {
  constructor(operation: string, message: string) {
    super('COORDINATOR_API', `${operation}: ${message}`);
  }
}

export type FederationInput = CreateFederationInput;
export type RoundView = RoundsQuery['rounds']['items'][number];
export type FederationView = FederationQuery['federation'];

export class AdminClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    /** Trusts the coordinator's CA under HTTPS (run-pki.ts); undefined: plain fetch. */
    private readonly dispatcher?: Dispatcher,
  ) {}

  async registerSite(name: string): Promise<{ id: string; name: string; token: string }> {
    const data = await this.request('registerSite', RegisterSiteDocument, { name });
    return { ...data.registerSite.site, token: data.registerSite.token };
  }

  async createFederation(input: FederationInput): Promise<string> {
    const data = await this.request('createFederation', CreateFederationDocument, { input });
    return data.createFederation.id;
  }

  async startFederation(id: string): Promise<void> {
    await this.request('startFederation', StartFederationDocument, { id });
  }

  async federation(id: string): Promise<FederationView> {
    return (await this.request('federation', FederationDocument, { id })).federation;
  }

  async rounds(federationId: string): Promise<RoundView[]> {
    const rounds: RoundView[] = [];
    for (let offset = 0; ; offset += 100) {
      const data = await this.request('rounds', RoundsDocument, { id: federationId, offset });
      rounds.push(...data.rounds.items);
      if (!data.rounds.hasMore) return rounds;
    }
  }

  /** The raw float32 weights of a model version, read into one buffer and checked against the sha256 header. */
  async downloadModel(versionId: string): Promise<Float32Array> {
    const response = await fetch(joinUrl(this.url, modelDownloadPath(versionId)), {
      headers: { authorization: `Bearer ${this.token}` },
      ...(this.dispatcher && { dispatcher: this.dispatcher }),
    });
    if (!response.ok)
      throw new CoordinatorApiError('downloadModel', `HTTP ${response.status}: ${await response.text()}`);
    const declared = response.headers.get(MODEL_HEADERS.sha256);
    const parameterCount = Number(response.headers.get(MODEL_HEADERS.parameterCount));
    if (!declared || !Number.isInteger(parameterCount) || parameterCount < 1) {
      throw new CoordinatorApiError(
        'downloadModel',
        `model ${versionId}: the answer lacks its ${MODEL_HEADERS.sha256} or ${MODEL_HEADERS.parameterCount} header`,
      );
    }
    try {
      const body = await readFloat32Body(response.body, {
        source: `model ${versionId}`,
        parameterCount,
        sha256: declared,
      });
      return body.weights;
    } catch (error) {
      throw new CoordinatorApiError('downloadModel', (error as Error).message);
    }
  }

  async request<TResult, TVariables>(
    name: string,
    document: GraphqlDocument<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    let response: Response;
    try {
      response = await fetch(joinUrl(this.url, GRAPHQL_PATH), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: graphqlRequestBody(document, variables),
        ...(this.dispatcher && { dispatcher: this.dispatcher }),
      });
    } catch (error) {
      // fetch's own message is only "fetch failed": the socket's reason is in its cause.
      const cause = (error as { cause?: { message?: string; code?: string } }).cause;
      const why = cause ? `${(error as Error).message}: ${cause.code ?? cause.message}` : (error as Error).message;
      throw new CoordinatorApiError(name, `cannot reach ${this.url} (${why})`);
    }
    const payload = (await response.json().catch(() => ({}))) as GraphqlResponseBody<TResult>;
    if (payload.errors?.length) throw new CoordinatorApiError(name, payload.errors.map((e) => e.message).join('; '));
    if (!payload.data) throw new CoordinatorApiError(name, `HTTP ${response.status} without data`);
    return payload.data;
  }
}

/** The ready-to-paste query the README and the simulate output show for following a federation's rounds. */
export function roundStatusCurl(
  url: string,
  federationId: string,
  tokenVariable = 'FEDSTROKE_ADMIN_TOKEN',
  caFile?: string,
): string {
  const query = `{ federation(id: "${federationId}") { status currentRound { index status counts { assigned accepted rejected } metrics { name value } } } }`;
  return `curl -s ${caFile ? `--cacert ${caFile} ` : ''}${url}/graphql -H "authorization: Bearer $${tokenVariable}" -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
}
