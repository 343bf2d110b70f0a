/**
 * The simulation drives the coordinator the way an operator or a dashboard would: through its GraphQL API with the
 * admin token (register sites, create and start the federation, read rounds) and GET /models/:id for the final
 * global model.
 */
import { createHash } from 'node:crypto';
import { FedstrokeError } from '@fedstroke/common';

export class CoordinatorApiError extends FedstrokeError {
  constructor(operation: string, message: string) {
    super('COORDINATOR_API', `${operation}: ${message}`);
  }
}

export interface FederationInput {
  name: string;
  modelConfigName: string;
  rounds: number;
  sitesPerRound: number;
  quorum: number;
  minUpdatesAtDeadline: number;
  deadlineSeconds: number;
  localSteps: number;
  learningRate: number;
  strategy: string;
  strategyParams?: Record<string, number>;
}

export interface RoundView {
  id: string;
  index: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  failureReason: string | null;
  metrics: Array<{ name: string; value: number }>;
  participants: Array<{
    siteId: string;
    status: string;
    numSamples: number | null;
    rejectionReason: string | null;
    metrics: Array<{ name: string; value: number }>;
  }>;
}

export interface FederationView {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  latestModelVersion: { id: string; roundIndex: number; sha256: string; sizeBytes: number } | null;
}

export class AdminClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async registerSite(name: string): Promise<{ id: string; name: string; token: string }> {
    const data = await this.request<{ registerSite: { token: string; site: { id: string; name: string } } }>(
      'registerSite',
      'mutation ($name: String!) { registerSite(input: { name: $name }) { token site { id name } } }',
      { name },
    );
    return { ...data.registerSite.site, token: data.registerSite.token };
  }

  async createFederation(input: FederationInput): Promise<string> {
    const data = await this.request<{ createFederation: { id: string } }>(
      'createFederation',
      'mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }',
      { input },
    );
    return data.createFederation.id;
  }

  async startFederation(id: string): Promise<void> {
    await this.request('startFederation', 'mutation ($id: ID!) { startFederation(id: $id) { status } }', { id });
  }

  async federation(id: string): Promise<FederationView> {
    const data = await this.request<{ federation: FederationView }>(
      'federation',
      `query ($id: ID!) { federation(id: $id) { id name status statusReason latestModelVersion { id roundIndex sha256 sizeBytes } } }`,
      { id },
    );
    return data.federation;
  }

  async rounds(federationId: string): Promise<RoundView[]> {
    const rounds: RoundView[] = [];
    for (let offset = 0; ; offset += 100) {
      const data = await this.request<{ rounds: { items: RoundView[]; hasMore: boolean } }>(
        'rounds',
        `query ($id: ID!, $offset: Int!) { rounds(federationId: $id, limit: 100, offset: $offset) { hasMore items {
          id index status startedAt endedAt failureReason metrics { name value }
          participants { siteId status numSamples rejectionReason metrics { name value } } } } }`,
        { id: federationId, offset },
      );
      rounds.push(...data.rounds.items);
      if (!data.rounds.hasMore) return rounds;
    }
  }

  /** The raw float32 weights of a model version, checked against the sha256 header. */
  async downloadModel(versionId: string): Promise<Float32Array> {
    const response = await fetch(`${this.url}/models/${versionId}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok)
      throw new CoordinatorApiError('downloadModel', `HTTP ${response.status}: ${await response.text()}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const declared = response.headers.get('x-fedstroke-sha256');
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (declared !== actual)
      throw new CoordinatorApiError(
        'downloadModel',
        `model ${versionId}: body sha256 ${actual} differs from the header's ${declared}`,
      );
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  async request<T = Record<string, unknown>>(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new CoordinatorApiError(operation, `cannot reach ${this.url} (${(error as Error).message})`);
    }
    const payload = (await response.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string }> };
    if (payload.errors?.length)
      throw new CoordinatorApiError(operation, payload.errors.map((e) => e.message).join('; '));
    if (!payload.data) throw new CoordinatorApiError(operation, `HTTP ${response.status} without data`);
    return payload.data;
  }
}

/** The ready-to-paste query the README and the simulate output show for following a federation's rounds. */
export function roundStatusCurl(url: string, federationId: string, tokenVariable = 'FEDSTROKE_ADMIN_TOKEN'): string {
  const query = `{ federation(id: "${federationId}") { status currentRound { index status counts { assigned accepted rejected } metrics { name value } } } }`;
  return `curl -s ${url}/graphql -H "authorization: Bearer $${tokenVariable}" -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
}
