import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initPki } from '@fedstroke/pki';
import { ConfigError } from './config.error';
import { configFromEnvironment, resolveCoordinatorConfig } from './coordinator-config';

const ADMIN = 'admin-token-0123456789';

describe('coordinator config', () => {
  it('fills defaults and puts the SQLite file under the data directory', () => {
    const config = configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATA_DIR: '/srv/fed' });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      dataDir: '/srv/fed',
      database: { kind: 'sqlite', file: '/srv/fed/coordinator.sqlite' },
      artifactsDir: resolve('onnx-models'),
      uploadSlackBytes: 1 << 20,
      uploadsPerCaller: 4,
      uploadsInFlight: 32,
      storageMinFreeBytes: 64 * 1024 * 1024,
      updateRetention: 'until-round-ends',
      longPollMaxSeconds: 30,
      logLevel: 'info',
      inference: {
        concurrency: 1,
        queueCapacity: 4,
        jobTimeoutMs: 120_000,
        retentionMs: 24 * 3_600_000,
        maxUploadBytes: 512 * 1024 * 1024,
        maxVoxels: 64 * 1024 * 1024,
        threads: 2,
        modelCacheSize: 2,
      },
    });
    expect(config.readonlyToken).toBeUndefined();
    expect(config.inference.root).toBeUndefined();
    expect(config.serving).toEqual({ policy: 'completed-federation', metric: 'valDice', minValue: 0.5 });
    expect(config.graphql).toEqual({ anonymousIntrospection: false, maxQueryCost: 250_000 });
  });

  it('reads the serving policy and refuses a bad one, naming the variable', () => {
    const env = { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATA_DIR: '/srv/fed' };
    const config = configFromEnvironment({
      ...env,
      FEDSTROKE_SERVING_POLICY: 'manual',
      FEDSTROKE_SERVING_METRIC: 'valDiceGlobal',
      FEDSTROKE_SERVING_MIN_METRIC: '0.65',
    });
    expect(config.serving).toEqual({ policy: 'manual', metric: 'valDiceGlobal', minValue: 0.65 });
    expect(() => configFromEnvironment({ ...env, FEDSTROKE_SERVING_POLICY: 'newest' })).toThrow(
      'FEDSTROKE_SERVING_POLICY must be one of completed-federation, manual (got "newest")',
    );
    expect(() => configFromEnvironment({ ...env, FEDSTROKE_SERVING_MIN_METRIC: 'high' })).toThrow(
      /FEDSTROKE_SERVING_MIN_METRIC must be a number \(got "high"\)/,
    );
  });

  it('answers introspection anonymously only in development or when told to, and reads the cost limit', () => {
    const env = { FEDSTROKE_ADMIN_TOKEN: ADMIN };
    const graphql = (extra: Record<string, string>) => configFromEnvironment({ ...env, ...extra }).graphql;
    expect(graphql({ NODE_ENV: 'production' }).anonymousIntrospection).toBe(false);
    expect(graphql({ NODE_ENV: 'development' }).anonymousIntrospection).toBe(true);
    expect(graphql({ FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION: 'true' }).anonymousIntrospection).toBe(true);
    expect(
      graphql({ NODE_ENV: 'development', FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION: 'false' }).anonymousIntrospection,
    ).toBe(false);
    expect(graphql({ FEDSTROKE_GRAPHQL_MAX_COST: '5000' }).maxQueryCost).toBe(5000);
    expect(() => graphql({ FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION: 'maybe' })).toThrow(
      'FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION must be true or false (also 1/0, yes/no; got "maybe")',
    );
    expect(() => graphql({ FEDSTROKE_GRAPHQL_MAX_COST: '10' })).toThrow(
      'FEDSTROKE_GRAPHQL_MAX_COST must be an integer in [100, 1000000000] (got 10)',
    );
  });

  it('reads every variable', () => {
    const config = configFromEnvironment({
      FEDSTROKE_ADMIN_TOKEN: ADMIN,
      FEDSTROKE_READONLY_TOKEN: 'readonly-token-0123456789',
      FEDSTROKE_INFERENCE_TOKEN: 'inference-token-0123456789',
      FEDSTROKE_DATA_DIR: '/srv/fed',
      FEDSTROKE_PORT: '8080',
      FEDSTROKE_DATABASE_URL: 'sqlite://db/main.sqlite',
      FEDSTROKE_ARTIFACTS_DIR: '/models',
      FEDSTROKE_UPLOAD_SLACK_BYTES: '4096',
      FEDSTROKE_UPLOADS_PER_CALLER: '2',
      FEDSTROKE_UPLOADS_IN_FLIGHT: '8',
      FEDSTROKE_STORAGE_MIN_FREE_BYTES: '0',
      FEDSTROKE_UPDATE_RETENTION: 'keep',
      FEDSTROKE_LONG_POLL_MAX_SECONDS: '5',
      FEDSTROKE_LOG_LEVEL: 'warn',
      FEDSTROKE_INFERENCE_ROOT: '/srv/studies/../studies',
      FEDSTROKE_INFERENCE_CONCURRENCY: '3',
      FEDSTROKE_INFERENCE_QUEUE_SIZE: '0',
      FEDSTROKE_INFERENCE_TIMEOUT_MS: '5000',
      FEDSTROKE_INFERENCE_RETENTION_MS: '60000',
      FEDSTROKE_INFERENCE_MAX_UPLOAD_BYTES: '2048',
      FEDSTROKE_INFERENCE_MAX_VOXELS: '1000',
      FEDSTROKE_INFERENCE_THREADS: '4',
      FEDSTROKE_INFERENCE_MODEL_CACHE: '1',
      FEDSTROKE_INFERENCE_PROVIDER: 'webgpu',
    });
    expect(config.inference).toEqual({
      root: '/srv/studies',
      concurrency: 3,
      queueCapacity: 0,
      jobTimeoutMs: 5000,
      retentionMs: 60000,
      maxUploadBytes: 2048,
      maxVoxels: 1000,
      threads: 4,
      modelCacheSize: 1,
      provider: 'webgpu',
    });
    expect(config).toMatchObject({
      port: 8080,
      database: { kind: 'sqlite', file: join('/srv/fed', 'db/main.sqlite') },
      artifactsDir: '/models',
      uploadSlackBytes: 4096,
      uploadsPerCaller: 2,
      uploadsInFlight: 8,
      storageMinFreeBytes: 0,
      updateRetention: 'keep',
      longPollMaxSeconds: 5,
      logLevel: 'warn',
    });
    expect(
      configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATABASE_URL: 'postgres://u:p@h/db' }).database,
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@h/db',
      poolSize: 10,
    });
    expect(
      configFromEnvironment({
        FEDSTROKE_ADMIN_TOKEN: ADMIN,
        FEDSTROKE_DATABASE_URL: 'postgresql://u:p@h/db',
        FEDSTROKE_DATABASE_POOL_SIZE: '4',
      }).database,
    ).toEqual({ kind: 'postgres', url: 'postgresql://u:p@h/db', poolSize: 4 });
  });

  it.each([
    [{}, /^FEDSTROKE_ADMIN_TOKEN is required/],
    [{ FEDSTROKE_ADMIN_TOKEN: 'short' }, /^FEDSTROKE_ADMIN_TOKEN must be at least 16 characters/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_PORT: 'http' }, /^FEDSTROKE_PORT must be an integer \(got "http"\)/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_PORT: '70000' }, /^FEDSTROKE_PORT must be an integer in \[0, 65535\]/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_LOG_LEVEL: 'loud' }, /^FEDSTROKE_LOG_LEVEL must be one of debug, info/],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATABASE_URL: 'mysql://x:secret@h/db' },
      /^FEDSTROKE_DATABASE_URL must start with sqlite:\/\/, file: or postgres:\/\/ \(got "mysql:\/\/\*\*\*@h\/db"\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATABASE_URL: 'postgres://h/db', FEDSTROKE_DATABASE_POOL_SIZE: '0' },
      /^FEDSTROKE_DATABASE_POOL_SIZE must be an integer in \[1, 100\] \(got 0\)/,
    ],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_READONLY_TOKEN: ADMIN }, /must all differ/],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_UPDATE_RETENTION: 'never' },
      /^FEDSTROKE_UPDATE_RETENTION must be one of until-round-ends, keep \(got "never"\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_UPLOADS_PER_CALLER: '0' },
      /^FEDSTROKE_UPLOADS_PER_CALLER must be an integer in \[1, 10000\] \(got 0\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_ROOT: 'studies' },
      /^FEDSTROKE_INFERENCE_ROOT must be an absolute path \(got "studies"\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_PROVIDER: 'tpu' },
      /^FEDSTROKE_INFERENCE_PROVIDER must be one of cpu, cuda, webgpu \(got "tpu"\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_THREADS: 'many' },
      /^FEDSTROKE_INFERENCE_THREADS must be an integer \(got "many"\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_CONCURRENCY: '0' },
      /^FEDSTROKE_INFERENCE_CONCURRENCY must be an integer in \[1, 64\] \(got 0\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_QUEUE_SIZE: '-1' },
      /^FEDSTROKE_INFERENCE_QUEUE_SIZE must be an integer in \[0, 10000\] \(got -1\)/,
    ],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_INFERENCE_MAX_UPLOAD_BYTES: '100' },
      /^FEDSTROKE_INFERENCE_MAX_UPLOAD_BYTES must be an integer in \[1024, 2147483647\]/,
    ],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => configFromEnvironment(env)).toThrow(ConfigError);
    expect(() => configFromEnvironment(env)).toThrow(message);
  });

  it('applies the same checks to a config built in code', () => {
    expect(() => resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: ' ' })).toThrow(
      /^FEDSTROKE_DATA_DIR is required \(got an empty value\)/,
    );
    expect(() => resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: '/d', longPollMaxSeconds: -1 })).toThrow(
      /^FEDSTROKE_LONG_POLL_MAX_SECONDS must be an integer in \[0, 600\]/,
    );
    expect(() =>
      resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: '/d', inference: { jobTimeoutMs: 1.5 } }),
    ).toThrow(/^FEDSTROKE_INFERENCE_TIMEOUT_MS must be an integer in \[1, 86400000\] \(got 1.5\)/);
    expect(
      resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: '/d', inference: { threads: 1, root: '/data/x' } })
        .inference,
    ).toMatchObject({ threads: 1, root: '/data/x', concurrency: 1 });
  });
});

describe('coordinator TLS config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'coordinator-tls-')), 'pki');
    await initPki(dir, { serverHosts: ['localhost'] });
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('FEDSTROKE_PKI_DIR fills in the four files, listens on every interface and requires site certificates', () => {
    const config = configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_PKI_DIR: dir });
    expect(config.host).toBe('0.0.0.0');
    expect(config.tls).toMatchObject({
      certFile: join(dir, 'server.crt'),
      keyFile: join(dir, 'server.key'),
      clientCaFile: join(dir, 'ca.crt'),
      crlFile: join(dir, 'crl.pem'),
      requireSiteCertificates: true,
    });
  });

  it.each([
    [{ FEDSTROKE_TLS_CERT: 'x' }, /^FEDSTROKE_TLS_KEY is required for TLS/],
    [
      { FEDSTROKE_TLS_CERT: '/nope.crt', FEDSTROKE_TLS_KEY: '/nope.key', FEDSTROKE_REQUIRE_SITE_CERTIFICATES: 'false' },
      /^FEDSTROKE_TLS_CERT cannot be read: \/nope\.crt \(ENOENT\)/,
    ],
    [
      { FEDSTROKE_REQUIRE_SITE_CERTIFICATES: 'maybe', FEDSTROKE_TLS_CERT: 'x' },
      /^FEDSTROKE_REQUIRE_SITE_CERTIFICATES must be true or false/,
    ],
  ])('names what is wrong: %j', (variables, message) => {
    expect(() => configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, ...variables })).toThrow(message);
  });

  it('site certificates need the CA that signed them; a key that does not match the certificate is refused', () => {
    expect(() =>
      configFromEnvironment({
        FEDSTROKE_ADMIN_TOKEN: ADMIN,
        FEDSTROKE_TLS_CERT: join(dir, 'server.crt'),
        FEDSTROKE_TLS_KEY: join(dir, 'server.key'),
      }),
    ).toThrow(/^FEDSTROKE_TLS_CLIENT_CA is required while site certificates are required/);
    expect(() =>
      configFromEnvironment({
        FEDSTROKE_ADMIN_TOKEN: ADMIN,
        FEDSTROKE_PKI_DIR: dir,
        FEDSTROKE_TLS_KEY: join(dir, 'ca.key'),
      }),
    ).toThrow(/^FEDSTROKE_TLS_CERT and FEDSTROKE_TLS_KEY do not form a usable TLS identity/);
  });
});
