/**
 * What the GraphQL endpoint refuses before anything runs, over HTTP and over a real WebSocket alike: a query over its
 * cost limit (the red-team query: 800 aliases of a nested query over 50 federations, read-only token), subscriptions
 * sent over HTTP, anonymous introspection; and that a heavy query it does allow never stops /healthz answering.
 * Errors carry the same extensions.code on both transports.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { aliasFlood } from './support/alias-flood';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  createFederation,
  gql,
  INFERENCE_TOKEN,
  READONLY_TOKEN,
  registerSites,
  type SiteHandle,
  subscriptionClient,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld();
let site: SiteHandle;

const FEDERATIONS = 50;
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  [site] = await registerSites(world.url, ['limits-site']);
  for (let i = 0; i < FEDERATIONS; i++) {
    await createFederation(world.url, {
      name: `fed-${i}`,
      siteIds: [site.id],
      rounds: 1,
      sitesPerRound: 1,
      deadlineSeconds: 60,
    });
  }
}, 120_000);

interface GqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}
interface GqlBody {
  data?: Record<string, unknown>;
  errors?: GqlError[];
}

const errorLines = () => world.logs.filter((line) => JSON.parse(line).level === 'error');

async function post(token: string | null, body: unknown): Promise<{ status: number; json: GqlBody }> {
  const response = await fetch(`${world.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as GqlBody };
}

describe('GraphQL limits over HTTP', () => {
  it('refuses the 800-alias query over 50 federations before executing it, with a typed error', async () => {
    const before = errorLines().length;
    const { status, json } = await post(READONLY_TOKEN, { query: aliasFlood(800) });
    expect(status).toBe(400);
    // No `data` at all: execution never started.
    expect(json).not.toHaveProperty('data');
    expect(json.errors).toHaveLength(1);
    expect(json.errors?.[0].extensions).toEqual({
      code: 'QUERY_TOO_COSTLY',
      cost: expect.any(Number),
      limit: 250_000,
    });
    expect(json.errors?.[0].message).toMatch(/^the query's estimated cost \d+ exceeds the limit of 250000/);
    expect(errorLines().length).toBe(before);
  });

  it('keeps /healthz answering while a heavy query it allows runs', async () => {
    // 6 aliases over all 50 federations with their rounds, participants and models: about a thousand database reads
    // (19 fit under the limit, but take a minute on a loaded machine). Before the reads yielded, /healthz got no
    // answer until the query had finished.
    const queryStarted = performance.now();
    let queryMs = 0;
    const heavy = post(READONLY_TOKEN, { query: aliasFlood(6) });
    let finished = false;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const latencies: number[] = [];
    void heavy.finally(() => {
      finished = true;
      queryMs = performance.now() - queryStarted;
    });
    while (!finished) {
      const started = performance.now();
      const health = await fetch(`${world.url}/healthz`);
      expect(health.status).toBe(200);
      if (!finished) latencies.push(performance.now() - started);
    }
    delay.disable();
    const { status, json } = await heavy;
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(Object.keys(json.data ?? {})).toHaveLength(6);
    expect((json.data?.a0 as { items: unknown[] }).items).toHaveLength(FEDERATIONS);
    // Bounds relative to the query's own duration, not in seconds (the machine may be shared and loaded): /healthz
    // answered repeatedly while the query ran, none waited for a third of it, nor did the event loop stall that long.
    // Before the reads yielded, one /healthz waited for the whole query.
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...latencies)).toBeLessThan(queryMs / 3);
    expect(delay.max / 1e6).toBeLessThan(queryMs / 3);
  });

  it('answers a subscription sent over HTTP with a typed error and no error log line', async () => {
    const before = errorLines().length;
    const query = `subscription { roundProgress(federationId: "${NO_SUCH_ID}") { event } }`;
    for (const token of [null, READONLY_TOKEN]) {
      const { status, json } = await post(token, { query });
      expect(status).toBe(400);
      expect(json.errors?.[0].extensions?.code).toBe('SUBSCRIPTION_OVER_HTTP');
      expect(json.errors?.[0].message).toMatch(/subscriptions are served over graphql-ws, not HTTP: open a WebSocket/);
    }
    expect(errorLines().length).toBe(before);
  });

  it('answers variables that do not fit the schema as bad user input (400), not as a server error', async () => {
    const before = errorLines().length;
    const missing = await post(ADMIN_TOKEN, {
      query: 'mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }',
      variables: { input: { name: 'no-rounds', modelConfigName: 'tiny', siteIds: [site.id], sitesPerRound: 1 } },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/Field "rounds" of required type "Int!" was not provided/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const wrongType = await post(READONLY_TOKEN, {
      query: 'query ($limit: Int) { federations(limit: $limit) { totalCount } }',
      variables: { limit: 'ten' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errorLines().length).toBe(before);
  });

  it('answers introspection only to tokens that may read the schema', async () => {
    const introspect = { query: '{ __schema { queryType { name } } }' };
    const anonymous = await post(null, introspect);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.json.errors?.[0].message).toMatch(
      /^introspection needs a token \(ADMIN, READONLY, INFERENCE\): anonymous introspection is off \(FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION=true/,
    );
    // Through a fragment, and `__type`, are introspection too.
    const viaFragment = await post(null, {
      query: 'query { ...q } fragment q on Query { __type(name: "Query") { name } }',
    });
    expect(viaFragment.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bySite = await post(site.token, introspect);
    expect(bySite.status).toBe(403);
    expect(bySite.json.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const token of [ADMIN_TOKEN, READONLY_TOKEN, INFERENCE_TOKEN]) {
      expect((await post(token, introspect)).json.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
    // __typename is not introspection.
    expect((await post(null, { query: '{ __typename }' })).json.data).toEqual({ __typename: 'Query' });
  });

  it('answers anonymous introspection when the setting is on', async () => {
    const open = await bootCoordinator(
      { dataDir: `${world.workspace.dataDir}-open`, artifactsDir: world.workspace.artifactsDir },
      [],
      {
        graphql: { anonymousIntrospection: true },
      },
    );
    try {
      const result = await gql(open.url, null, '{ __schema { queryType { name } } }');
      expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.close();
    }
  });
});

describe('GraphQL errors over graphql-ws', () => {
  /** The error payload (an `error` message) or the errors of the first `next` message of one operation. */
  function firstErrors(token: string, query: string): Promise<GqlError[]> {
    const client = subscriptionClient(world.url, token);
    return new Promise<GqlError[]>((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: (value) => resolve((value.errors ?? []) as GqlError[]),
          error: (error) => (Array.isArray(error) ? resolve(error) : reject(error)),
          complete: () => resolve([]),
        },
      );
    }).finally(() => client.dispose());
  }

  it('carries the same extensions.code as HTTP', async () => {
    const notFound = await firstErrors(
      READONLY_TOKEN,
      `subscription { roundProgress(federationId: "${NO_SUCH_ID}") { event } }`,
    );
    expect(notFound[0]).toMatchObject({
      message: `federation ${NO_SUCH_ID} does not exist`,
      extensions: { code: 'NOT_FOUND' },
    });
    const forbidden = await firstErrors(
      READONLY_TOKEN,
      `subscription { inferenceJobUpdated(id: "${NO_SUCH_ID}") { id } }`,
    );
    expect(forbidden[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(forbidden[0].message).toMatch(/a READONLY token may not call inferenceJobUpdated/);
    const query = await firstErrors(READONLY_TOKEN, `{ federation(id: "${NO_SUCH_ID}") { id } }`);
    expect(query[0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const invalid = await firstErrors(READONLY_TOKEN, '{ nope }');
    expect(invalid[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(invalid[0].message).toMatch(/Cannot query field "nope" on type "Query"/);
    const unparsable = await firstErrors(READONLY_TOKEN, '{ federation(');
    expect(unparsable[0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    const costly = await firstErrors(READONLY_TOKEN, aliasFlood(800));
    expect(costly[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 250_000 });

    // The same refusals over HTTP, for comparison.
    expect(
      (await post(READONLY_TOKEN, { query: `{ federation(id: "${NO_SUCH_ID}") { id } }` })).json.errors?.[0].extensions
        ?.code,
    ).toBe('NOT_FOUND');
    expect((await post(READONLY_TOKEN, { query: '{ nope }' })).json.errors?.[0].extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(errorLines()).toEqual([]);
  });
});
