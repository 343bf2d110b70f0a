/**
 * Helpers for the coordinator end-to-end tests: a fake 1000-parameter artifacts folder (the coordinator only reads
 * the manifest's parameterCount / layout hash and the checkpoint), a booted coordinator on an ephemeral port with
 * its SQLite file in a temp dir, a fetch-based GraphQL client, a graphql-ws client and the binary upload call.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { INFERENCE_UPLOAD_HEADERS, INFERENCE_UPLOADS_PATH, UPDATE_HEADERS } from '@fedstroke/protocol';
import { encodeSafetensors } from '@fedstroke/runtime';
import { type CoordinatorApp, type CoordinatorConfigInput, createCoordinatorApp } from '@fedstroke/coordinator';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const READONLY_TOKEN = 'readonly-token-0123456789abcdef';
export const INFERENCE_TOKEN = 'inference-token-0123456789abcdef';
export const MODEL_NAME = 'tiny';
export const PARAMETER_COUNT = 1000;
export const LAYOUT_SHA256 = createHash('sha256')
  .update(JSON.stringify([['w', [PARAMETER_COUNT]]]))
  .digest('hex');

export interface Workspace {
  root: string;
  dataDir: string;
  artifactsDir: string;
  initialWeights: Float32Array;
  cleanup(): void;
}

/** A temp folder with `artifacts/tiny/{manifest.json,checkpoint.safetensors}` and an empty data dir. */
export function makeWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'fedstroke-coordinator-'));
  const artifactsDir = join(root, 'artifacts');
  const folder = join(artifactsDir, MODEL_NAME);
  mkdirSync(folder, { recursive: true });
  const initialWeights = Float32Array.from({ length: PARAMETER_COUNT }, (_, i) => 2 * Math.sin(i));
  writeFileSync(
    join(folder, 'manifest.json'),
    JSON.stringify({
      format: 'fedstroke-artifacts/1',
      config: { name: MODEL_NAME },
      parameters: [{ name: 'w', shape: [PARAMETER_COUNT], offset: 0, size: PARAMETER_COUNT }],
      parameterCount: PARAMETER_COUNT,
      parameterLayoutSha256: LAYOUT_SHA256,
    }),
  );
  writeFileSync(
    join(folder, 'checkpoint.safetensors'),
    encodeSafetensors([{ name: 'w', shape: [PARAMETER_COUNT], data: initialWeights }]),
  );
  return {
    root,
    dataDir: join(root, 'data'),
    artifactsDir,
    initialWeights,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Boots a coordinator on the workspace with the test tokens; `overrides` replaces any other config field. */
export function bootCoordinator(
  workspace: Pick<Workspace, 'dataDir' | 'artifactsDir'>,
  logs: string[] = [],
  overrides: Partial<CoordinatorConfigInput> = {},
): Promise<CoordinatorApp> {
  return createCoordinatorApp(
    {
      adminToken: ADMIN_TOKEN,
      readonlyToken: READONLY_TOKEN,
      inferenceToken: INFERENCE_TOKEN,
      dataDir: workspace.dataDir,
      artifactsDir: workspace.artifactsDir,
      port: 0,
      host: '127.0.0.1',
      longPollMaxSeconds: 2,
      logLevel: 'info',
      ...overrides,
    },
    { logWrite: (line) => logs.push(line) },
  );
}

export interface CoordinatorWorldOptions {
  /** `'file'` (the default): one coordinator for the file or describe block; `'test'`: a fresh one for each test. */
  per?: 'file' | 'test';
  /** Config over bootCoordinator's, or made from the workspace (e.g. a PKI created inside it) before the boot. */
  config?:
    | Partial<CoordinatorConfigInput>
    | ((workspace: Workspace) => Partial<CoordinatorConfigInput> | Promise<Partial<CoordinatorConfigInput>>);
}

/** What a spec reads from startCoordinatorWorld: valid inside tests and hooks registered after the call. */
export interface CoordinatorWorld {
  readonly workspace: Workspace;
  readonly coordinator: CoordinatorApp;
  readonly url: string;
  /** The coordinator's JSON log lines since this world's workspace was made, kept across restarts. */
  readonly logs: string[];
  /**
   * Closes the coordinator and boots a new one on the same data directory and config, as an operator restart would;
   * `whileDown` runs in between (e.g. to age the database as time passing while it is down would).
   */
  restart(whileDown?: (workspace: Workspace) => void | Promise<void>): Promise<void>;
}

/**
 * Registers the hooks every in-process coordinator spec opens with: a fresh workspace and a coordinator booted on it
 * before the file's (or the test's) first use, closed and removed after. Call it at the top of a file or inside a
 * describe; hooks registered after it see the booted coordinator.
 */
export function startCoordinatorWorld(options: CoordinatorWorldOptions = {}): CoordinatorWorld {
  let workspace: Workspace | undefined;
  let coordinator: CoordinatorApp | undefined;
  let config: Partial<CoordinatorConfigInput> = {};
  const logs: string[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the coordinator world has no ${what} outside its tests and hooks`);
    return value;
  };
  const setUp = async () => {
    logs.length = 0;
    workspace = makeWorkspace();
    config = typeof options.config === 'function' ? await options.config(workspace) : (options.config ?? {});
    coordinator = await bootCoordinator(workspace, logs, config);
  };
  const tearDown = async () => {
    await coordinator?.close();
    workspace?.cleanup();
    coordinator = undefined;
    workspace = undefined;
  };
  if (options.per === 'test') {
    beforeEach(setUp);
    afterEach(tearDown);
  } else {
    beforeAll(setUp);
    afterAll(tearDown);
  }
  return {
    get workspace() {
      return started(workspace, 'workspace');
    },
    get coordinator() {
      return started(coordinator, 'coordinator');
    },
    get url() {
      return started(coordinator, 'coordinator').url;
    },
    logs,
    async restart(whileDown) {
      const at = started(workspace, 'workspace');
      await started(coordinator, 'coordinator').close();
      coordinator = undefined;
      await whileDown?.(at);
      coordinator = await bootCoordinator(at, logs, config);
    },
  };
}

export interface GraphqlResult<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphqlResult<T>, 'status'>) };
}

/** Like gql but fails the test on any GraphQL error. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await gql<T>(url, token, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export const CREATE_FEDERATION = `mutation ($input: CreateFederationInput!) {
  createFederation(input: $input) { id name status config { quorum sitesPerRound model { parameterCount parameterLayoutSha256 } } }
}`;
export const REGISTER_SITE = `mutation ($name: String!) { registerSite(input: { name: $name }) { token site { id name status } } }`;
export const NEXT_TASK = `mutation ($federationId: ID, $wait: Int) {
  nextTask(federationId: $federationId, waitSeconds: $wait) {
    kind retryAfterSeconds federationStatus reason
    training { participationId federationId roundId roundIndex totalRounds baseModelVersionId baseModelSha256 modelDownloadPath
      updateUploadPath parameterCount parameterLayoutSha256 localSteps learningRate proximalMu deadlineAt maxUpdateBytes }
  }
}`;
export const ROUND_STATUS = `query ($id: ID!) {
  federation(id: $id) {
    id status
    currentRound { id index status failureReason counts { assigned accepted rejected failed dropped total }
      metrics { name value } aggregation { name value }
      participants { siteId status numSamples rejectionReason bytesReceived metrics { name value } } }
    latestModelVersion { id roundIndex sha256 sizeBytes }
  }
}`;

export interface TrainingTask {
  participationId: string;
  federationId: string;
  roundId: string;
  roundIndex: number;
  totalRounds: number;
  localSteps: number;
  baseModelVersionId: string;
  baseModelSha256: string;
  modelDownloadPath: string;
  updateUploadPath: string;
  parameterCount: number;
  parameterLayoutSha256: string;
  maxUpdateBytes: number;
}

export interface SiteHandle {
  id: string;
  name: string;
  token: string;
}

export async function registerSites(url: string, names: string[]): Promise<SiteHandle[]> {
  const sites: SiteHandle[] = [];
  for (const name of names) {
    const data = await gqlOk<{ registerSite: { token: string; site: { id: string; name: string } } }>(
      url,
      ADMIN_TOKEN,
      REGISTER_SITE,
      { name },
    );
    sites.push({ id: data.registerSite.site.id, name, token: data.registerSite.token });
  }
  return sites;
}

export async function createFederation(url: string, input: Record<string, unknown>): Promise<string> {
  const data = await gqlOk<{ createFederation: { id: string } }>(url, ADMIN_TOKEN, CREATE_FEDERATION, {
    input: { modelConfigName: MODEL_NAME, localSteps: 5, learningRate: 0.001, ...input },
  });
  return data.createFederation.id;
}

export const START_FEDERATION = 'mutation ($id: ID!) { startFederation(id: $id) { status } }';

/** Registers the sites, creates a federation of them all (each round asks every member) and starts it. */
export async function startFederation(
  url: string,
  siteNames: string[],
  input: Record<string, unknown>,
): Promise<{ sites: SiteHandle[]; federationId: string }> {
  const sites = await registerSites(url, siteNames);
  const federationId = await createFederation(url, {
    sitesPerRound: siteNames.length,
    siteIds: sites.map((s) => s.id),
    ...input,
  });
  await gqlOk(url, ADMIN_TOKEN, START_FEDERATION, { id: federationId });
  return { sites, federationId };
}

/** The part of ROUND_STATUS that tests of a federation's progress read. */
export interface FederationView {
  federation: {
    status: string;
    currentRound: { id: string; index: number; status: string; counts: Record<string, number> };
    latestModelVersion: { id: string; roundIndex: number; sha256: string; sizeBytes: number };
  };
}

export function viewFederation(url: string, federationId: string): Promise<FederationView> {
  return gqlOk<FederationView>(url, READONLY_TOKEN, ROUND_STATUS, { id: federationId });
}

/** Polls the federation until `reached` holds, and returns the view that showed it. */
export function waitForFederation(
  url: string,
  federationId: string,
  reached: (federation: FederationView['federation']) => boolean,
): Promise<FederationView> {
  return eventually(async () => {
    const view = await viewFederation(url, federationId);
    return reached(view.federation) ? view : undefined;
  });
}

export async function takeTask(url: string, site: SiteHandle, federationId?: string, wait = 0): Promise<TrainingTask> {
  const data = await gqlOk<{ nextTask: { kind: string; training: TrainingTask | null } }>(url, site.token, NEXT_TASK, {
    federationId,
    wait,
  });
  if (data.nextTask.kind !== 'TRAIN' || !data.nextTask.training) {
    throw new Error(`expected a TRAIN task for ${site.name}, got ${JSON.stringify(data.nextTask)}`);
  }
  return data.nextTask.training;
}

export async function downloadModel(
  url: string,
  token: string,
  path: string,
): Promise<{ weights: Float32Array; response: Response }> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { weights: new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2), response };
}

export interface UploadOptions {
  numSamples?: number;
  metrics?: Record<string, number>;
  sha256?: string;
  baseModelVersionId?: string;
  token?: string | null;
  /** Further request headers (e.g. the update parts of a SCAFFOLD body). */
  headers?: Record<string, string>;
}

export async function uploadUpdate(
  url: string,
  site: SiteHandle,
  task: TrainingTask,
  body: Uint8Array | Float32Array,
  options: UploadOptions = {},
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const bytes = body instanceof Float32Array ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : body;
  const token = options.token === undefined ? site.token : options.token;
  const response = await fetch(`${url}${task.updateUploadPath}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token !== null && { authorization: `Bearer ${token}` }),
      [UPDATE_HEADERS.sha256]: options.sha256 ?? createHash('sha256').update(bytes).digest('hex'),
      [UPDATE_HEADERS.baseModelVersion]: options.baseModelVersionId ?? task.baseModelVersionId,
      [UPDATE_HEADERS.layoutSha256]: task.parameterLayoutSha256,
      [UPDATE_HEADERS.numSamples]: String(options.numSamples ?? 10),
      [UPDATE_HEADERS.metrics]: JSON.stringify(options.metrics ?? { loss: 0.5 }),
      ...options.headers,
    },
    body: bytes,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

export interface UploadReply {
  status: number;
  retryAfter: string | null;
  body: { uploadId?: string; sha256?: string; sizeBytes?: number; shape?: number[]; code?: string; message?: string };
}

/** POST /inference/uploads with the bytes as the body. */
export async function uploadBytes(
  url: string,
  token: string | null,
  bytes: Uint8Array,
  name?: string,
): Promise<UploadReply> {
  const response = await fetch(`${url}${INFERENCE_UPLOADS_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(name && { [INFERENCE_UPLOAD_HEADERS.fileName]: name }),
    },
    body: bytes,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as UploadReply['body'],
  };
}

export function subscriptionClient(url: string, token: string | null): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10000, stepMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export const constant = (value: number) => new Float32Array(PARAMETER_COUNT).fill(value);

/** Mean and standard deviation of `actual − expected` over the coordinates (the noise a DP round left in a model). */
export function residualMeanStd(actual: ArrayLike<number>, expected: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (let j = 0; j < expected.length; j++) {
    const d = actual[j] - expected[j];
    sum += d;
    squares += d * d;
  }
  const mean = sum / expected.length;
  return { mean, std: Math.sqrt(squares / expected.length - mean * mean) };
}
