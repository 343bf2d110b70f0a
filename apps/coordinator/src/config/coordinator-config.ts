/**
 * The coordinator's configuration: one typed object, validated once at boot. `configFromEnvironment` reads the
 * FEDSTROKE_* variables; `resolveCoordinatorConfig` fills defaults and checks every constraint, so tests and the
 * simulate command that build the object in code get the same checks and the same messages as `main.ts`.
 */
import { LOG_LEVELS, type LogLevel } from '@fedstroke/common';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './config.error';
import { emptyAsUnset, integerInRange, oneOf, optionalBoolean, optionalInteger, required } from './config-values';
import {
  assertPlainHttpHost,
  resolveTlsConfig,
  type TlsConfig,
  type TlsConfigInput,
  tlsInputFromEnvironment,
} from './tls-config';
import {
  type InferenceConfig,
  type InferenceConfigInput,
  inferenceInputFromEnvironment,
  resolveInferenceConfig,
} from './inference-config';
import {
  resolveServingConfig,
  type ServingConfig,
  type ServingConfigInput,
  servingInputFromEnvironment,
} from './serving-config';

export { LOG_LEVELS, type LogLevel };

/** SQLite: one file. PostgreSQL: a server by URL and how many connections the coordinator may hold open. */
export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number };

/** What happens to accepted updates: deleted once their round has ended (its aggregate committed), or kept. */
export type UpdateRetention = 'until-round-ends' | 'keep';
export const UPDATE_RETENTIONS: readonly UpdateRetention[] = ['until-round-ends', 'keep'];

export interface CoordinatorConfig {
  /** TCP port; 0 picks an ephemeral one (tests). */
  port: number;
  host: string;
  /** Root for the SQLite file, model versions and uploaded updates. */
  dataDir: string;
  database: DatabaseConfig;
  /** Where `fedstroke artifacts` wrote `<config>/manifest.json` and `checkpoint.safetensors`. */
  artifactsDir: string;
  adminToken: string;
  readonlyToken?: string;
  inferenceToken?: string;
  /** Bytes accepted beyond parameterCount * 4 on an upload (room for a container header). */
  uploadSlackBytes: number;
  /** Uploads (updates and studies) one caller may have in flight; one more is refused 429. */
  uploadsPerCaller: number;
  /** Uploads received at once by the coordinator; one more is refused 503. */
  uploadsInFlight: number;
  /** /readyz fails when the data directory has less free space than this. */
  storageMinFreeBytes: number;
  updateRetention: UpdateRetention;
  /** Longest a site's `nextTask` long poll may wait. */
  longPollMaxSeconds: number;
  logLevel: LogLevel;
  /** Clinical inference (`segmentStudy`): queue, limits, retention; see inference-config.ts. */
  inference: InferenceConfig;
  /** Which model inference serves without a promotion: see serving-config.ts. */
  serving: ServingConfig;
  graphql: GraphqlConfig;
  /** HTTPS and site client certificates (tls-config.ts); null: plain HTTP on loopback, for development. */
  tls: TlsConfig | null;
}

export interface GraphqlConfig {
  /** Whether introspection answers without a token (with one, ADMIN, READONLY and INFERENCE always may). */
  anonymousIntrospection: boolean;
  /** The estimated cost an operation may have (graphql/query-cost.ts); a costlier one is refused before it runs. */
  maxQueryCost: number;
}

/** The default query cost limit: about 30% above the heaviest operation the dashboard sends. */
export const DEFAULT_MAX_QUERY_COST = 250_000;

/** What callers may pass: everything but the admin token and data directory has a default. */
export type CoordinatorConfigInput = Partial<
  Omit<CoordinatorConfig, 'database' | 'inference' | 'serving' | 'graphql' | 'tls'>
> & {
  adminToken: string;
  dataDir: string;
  /** `sqlite:///abs/file.sqlite`, `file:relative.sqlite` or `postgres://…`; default: `<dataDir>/coordinator.sqlite`. */
  databaseUrl?: string;
  /** Connections in the PostgreSQL pool (default 10); ignored for SQLite. */
  databasePoolSize?: number;
  /** Any inference setting left out takes its default. */
  inference?: InferenceConfigInput;
  /** Any serving setting left out takes its default. */
  serving?: ServingConfigInput;
  /** Default: anonymous introspection off, the default cost limit. */
  graphql?: Partial<GraphqlConfig>;
  /** Files for HTTPS and site certificates; left out: plain HTTP, on loopback only. */
  tls?: TlsConfigInput;
};

const MIN_TOKEN_LENGTH = 16;

export function resolveCoordinatorConfig(input: CoordinatorConfigInput): CoordinatorConfig {
  const dataDir = required('FEDSTROKE_DATA_DIR', input.dataDir);
  const tls = resolveTlsConfig(input.tls);
  // Without TLS the default is loopback: plain HTTP must not be reachable from the network by accident.
  const host = required('FEDSTROKE_HOST', input.host ?? (tls ? '0.0.0.0' : '127.0.0.1'));
  if (tls === null) assertPlainHttpHost(host);
  const config: CoordinatorConfig = {
    port: integerInRange('FEDSTROKE_PORT', input.port ?? 4000, 0, 65535),
    host,
    dataDir: resolve(dataDir),
    database: parseDatabaseUrl(input.databaseUrl, resolve(dataDir), input.databasePoolSize ?? 10),
    artifactsDir: resolve(input.artifactsDir ?? 'onnx-models'),
    adminToken: token('FEDSTROKE_ADMIN_TOKEN', input.adminToken),
    readonlyToken:
      input.readonlyToken === undefined ? undefined : token('FEDSTROKE_READONLY_TOKEN', input.readonlyToken),
    inferenceToken:
      input.inferenceToken === undefined ? undefined : token('FEDSTROKE_INFERENCE_TOKEN', input.inferenceToken),
    uploadSlackBytes: integerInRange('FEDSTROKE_UPLOAD_SLACK_BYTES', input.uploadSlackBytes ?? 1 << 20, 0, 1 << 30),
    uploadsPerCaller: integerInRange('FEDSTROKE_UPLOADS_PER_CALLER', input.uploadsPerCaller ?? 4, 1, 10000),
    uploadsInFlight: integerInRange('FEDSTROKE_UPLOADS_IN_FLIGHT', input.uploadsInFlight ?? 32, 1, 10000),
    storageMinFreeBytes: integerInRange(
      'FEDSTROKE_STORAGE_MIN_FREE_BYTES',
      input.storageMinFreeBytes ?? 64 * 1024 * 1024,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    updateRetention: oneOf(
      'FEDSTROKE_UPDATE_RETENTION',
      input.updateRetention ?? 'until-round-ends',
      UPDATE_RETENTIONS,
    ),
    longPollMaxSeconds: integerInRange('FEDSTROKE_LONG_POLL_MAX_SECONDS', input.longPollMaxSeconds ?? 30, 0, 600),
    logLevel: oneOf('FEDSTROKE_LOG_LEVEL', input.logLevel ?? 'info', LOG_LEVELS),
    inference: resolveInferenceConfig(input.inference),
    serving: resolveServingConfig(input.serving),
    graphql: {
      anonymousIntrospection: input.graphql?.anonymousIntrospection ?? false,
      maxQueryCost: integerInRange(
        'FEDSTROKE_GRAPHQL_MAX_COST',
        input.graphql?.maxQueryCost ?? DEFAULT_MAX_QUERY_COST,
        100,
        1_000_000_000,
      ),
    },
    tls,
  };
  const roleTokens = [config.adminToken, config.readonlyToken, config.inferenceToken].filter((t) => t !== undefined);
  if (new Set(roleTokens).size !== roleTokens.length) {
    throw new ConfigError(
      'FEDSTROKE_ADMIN_TOKEN',
      'FEDSTROKE_ADMIN_TOKEN, FEDSTROKE_READONLY_TOKEN and FEDSTROKE_INFERENCE_TOKEN must all differ (a shared token would grant the stronger role)',
    );
  }
  return config;
}

/** Reads FEDSTROKE_* variables; unset optional variables keep their defaults. */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): CoordinatorConfig {
  const adminToken = env.FEDSTROKE_ADMIN_TOKEN;
  if (adminToken === undefined || adminToken === '') {
    throw new ConfigError('FEDSTROKE_ADMIN_TOKEN', `is required (at least ${MIN_TOKEN_LENGTH} characters)`);
  }
  return resolveCoordinatorConfig({
    adminToken,
    dataDir: env.FEDSTROKE_DATA_DIR ?? join('data', 'coordinator'),
    port: optionalInteger('FEDSTROKE_PORT', env.FEDSTROKE_PORT),
    host: env.FEDSTROKE_HOST,
    databaseUrl: emptyAsUnset(env.FEDSTROKE_DATABASE_URL),
    databasePoolSize: optionalInteger('FEDSTROKE_DATABASE_POOL_SIZE', env.FEDSTROKE_DATABASE_POOL_SIZE),
    artifactsDir: emptyAsUnset(env.FEDSTROKE_ARTIFACTS_DIR),
    readonlyToken: emptyAsUnset(env.FEDSTROKE_READONLY_TOKEN),
    inferenceToken: emptyAsUnset(env.FEDSTROKE_INFERENCE_TOKEN),
    uploadSlackBytes: optionalInteger('FEDSTROKE_UPLOAD_SLACK_BYTES', env.FEDSTROKE_UPLOAD_SLACK_BYTES),
    uploadsPerCaller: optionalInteger('FEDSTROKE_UPLOADS_PER_CALLER', env.FEDSTROKE_UPLOADS_PER_CALLER),
    uploadsInFlight: optionalInteger('FEDSTROKE_UPLOADS_IN_FLIGHT', env.FEDSTROKE_UPLOADS_IN_FLIGHT),
    storageMinFreeBytes: optionalInteger('FEDSTROKE_STORAGE_MIN_FREE_BYTES', env.FEDSTROKE_STORAGE_MIN_FREE_BYTES),
    updateRetention: emptyAsUnset(env.FEDSTROKE_UPDATE_RETENTION) as UpdateRetention | undefined,
    longPollMaxSeconds: optionalInteger('FEDSTROKE_LONG_POLL_MAX_SECONDS', env.FEDSTROKE_LONG_POLL_MAX_SECONDS),
    logLevel: emptyAsUnset(env.FEDSTROKE_LOG_LEVEL) as LogLevel | undefined,
    inference: inferenceInputFromEnvironment(env),
    serving: servingInputFromEnvironment(env),
    graphql: {
      // Off outside development: the schema is a map of the API for anyone who can reach the port.
      anonymousIntrospection:
        optionalBoolean('FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION', env.FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION) ??
        env.NODE_ENV === 'development',
      maxQueryCost: optionalInteger('FEDSTROKE_GRAPHQL_MAX_COST', env.FEDSTROKE_GRAPHQL_MAX_COST),
    },
    tls: tlsInputFromEnvironment(env),
  });
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string, poolSize: number): DatabaseConfig {
  if (url === undefined) return { kind: 'sqlite', file: join(dataDir, 'coordinator.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { kind: 'postgres', url, poolSize: integerInRange('FEDSTROKE_DATABASE_POOL_SIZE', poolSize, 1, 100) };
  }
  const sqlite = /^(?:sqlite:\/\/|file:)(.+)$/.exec(url);
  if (sqlite) {
    const file = sqlite[1];
    return { kind: 'sqlite', file: isAbsolute(file) ? file : resolve(dataDir, file) };
  }
  throw new ConfigError(
    'FEDSTROKE_DATABASE_URL',
    `must start with sqlite://, file: or postgres:// (got "${url.replace(/\/\/[^@]*@/, '//***@')}")`,
  );
}

function token(variable: string, value: string): string {
  if (value.length < MIN_TOKEN_LENGTH || /\s/.test(value)) {
    throw new ConfigError(variable, `must be at least ${MIN_TOKEN_LENGTH} characters with no whitespace`);
  }
  return value;
}
