/**
 * The site agent's configuration: one typed object validated once at start. `siteConfigFromEnvironment` reads the
 * FEDSTROKE_* variables (the way a hospital deploys it); `resolveSiteConfig` fills defaults and checks every
 * constraint, so the CLI flags and the tests get the same checks and messages.
 *
 * The agent sees only its own data folder: nothing here can point it at another site's cases.
 */
import { resolve } from 'node:path';
import { configChecks, emptyAsUnset, LOG_LEVELS, type LogLevel } from '@fedstroke/common';
import { EXECUTION_PROVIDERS } from '@fedstroke/runtime';
import { SiteConfigError } from './site-config.error';
import { resolveSiteTls, type SiteTlsConfig, type SiteTlsInput, siteTlsFromEnvironment } from './site-tls';

export type SiteLogLevel = LogLevel;

/** The shared configuration checks, refusing with the agent's SiteConfigError. */
const check = configChecks((setting, constraint) => new SiteConfigError(setting, constraint));

export interface SiteAgentConfig {
  /** http(s)://host:port of the coordinator (no trailing slash). */
  coordinatorUrl: string;
  /** The site token from registerSite (sent as a bearer token; never logged). */
  token: string;
  /** This hospital's ISLES'22-layout folder (its own cases only). */
  dataDir: string;
  /** Root of the artifact folders (<root>/<modelConfigName>/manifest.json). */
  artifactsRoot: string;
  /** Where the agent keeps per-round progress (checkpoints, finished updates) to resume after a restart. */
  stateDir: string;
  /** Serve only this federation and exit once it has ended; default: serve every federation, forever. */
  federationId?: string;
  /** ONNX Runtime intra-op threads. */
  threads: number;
  /** cpu, cuda or webgpu: the session runs that provider's lowering of the artifacts, falling back to cpu with one line. */
  provider: string;
  /** Local training: patches per step, patch edge [D, H, W], seed (varied per round by the agent). */
  batchSize: number;
  patchSize: [number, number, number];
  seed: number;
  /**
   * Linear warm-up steps at the start of the federation (first round only). The rest of the learning-rate schedule
   * comes from the task (round index, round count, local steps), so it is the same on every site.
   */
  warmupSteps: number;
  /** Also validate the global model received, before training (one more validation pass per round). */
  validateGlobal: boolean;
  /**
   * Which model the every-n-rounds validation scores. local (default): the trained local model (valDice).
   * global: the global model received when round 1 + k·n opens (valDiceGlobal: the aggregate of the round before,
   * the model a federation's learning curve is about), and the local model only in the last round (the valDice a
   * serving policy reads): no more validation passes than local. both: local and global, each on its cadence (one
   * more validation pass every n rounds).
   */
  curveModel: CurveModel;
  /**
   * Validate the trained local model every this many rounds, and always in the federation's last round. Whole-volume
   * validation costs about as much as 4 training steps per case, so with short rounds validating every round can
   * take as long as the training itself.
   */
  validateEveryRounds: number;
  /**
   * Keep this site's Adam moments from one round to the next (default). Fresh moments make the first steps of every
   * round sign-like steps of the full learning rate, which undoes part of what the federation learned.
   */
  keepOptimizerState: boolean;
  /** Write a resumable checkpoint every this many local steps (0: only at the end of the round). */
  checkpointEvery: number;
  /** Long-poll wait per nextTask call. */
  longPollSeconds: number;
  /** Retry back-off: first delay, ceiling, and how long to keep trying an unreachable coordinator. */
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpAfterSeconds: number;
  logLevel: SiteLogLevel;
  /** The site certificate and the CA it trusts (site-tls.ts); null: plain http to a coordinator on this machine. */
  tls: SiteTlsConfig | null;
}

export type SiteAgentConfigInput = Partial<Omit<SiteAgentConfig, 'tls'>> &
  Pick<SiteAgentConfig, 'coordinatorUrl' | 'token' | 'dataDir'> & { tls?: SiteTlsInput };

export const SITE_DEFAULTS = {
  artifactsRoot: 'onnx-models',
  stateDir: '.fedstroke/site-state',
  threads: 1,
  provider: 'cpu',
  batchSize: 2,
  patchSize: [32, 48, 48] as [number, number, number],
  seed: 0,
  warmupSteps: 10,
  validateGlobal: false,
  curveModel: 'local' as CurveModel,
  validateEveryRounds: 1,
  keepOptimizerState: true,
  checkpointEvery: 10,
  longPollSeconds: 25,
  retryBaseMs: 250,
  retryMaxMs: 10_000,
  giveUpAfterSeconds: 900,
  logLevel: 'info' as SiteLogLevel,
};

/** The numeric settings, each checked as an integer within its bounds. */
type IntegerSetting = {
  [K in keyof SiteAgentConfig]-?: SiteAgentConfig[K] extends number ? K : never;
}[keyof SiteAgentConfig];

export function resolveSiteConfig(input: SiteAgentConfigInput): SiteAgentConfig {
  const url = check.httpUrl('FEDSTROKE_COORDINATOR_URL', input.coordinatorUrl, 'http://coordinator:4000');
  /** An integer setting: the input's value or the default, within [min, max]. */
  const integer = (key: IntegerSetting, variable: string, min: number, max: number): number =>
    check.integerInRange(variable, input[key] ?? SITE_DEFAULTS[key], min, max);
  const config: SiteAgentConfig = {
    coordinatorUrl: url,
    tls: resolveSiteTls(url, input.tls),
    token: token(input.token),
    dataDir: resolve(check.required('FEDSTROKE_SITE_DATA', input.dataDir)),
    artifactsRoot: resolve(input.artifactsRoot ?? SITE_DEFAULTS.artifactsRoot),
    stateDir: resolve(input.stateDir ?? SITE_DEFAULTS.stateDir),
    federationId: input.federationId === '' ? undefined : input.federationId,
    threads: integer('threads', 'FEDSTROKE_SITE_THREADS', 1, 64),
    provider: check.oneOf('FEDSTROKE_SITE_PROVIDER', input.provider ?? SITE_DEFAULTS.provider, EXECUTION_PROVIDERS),
    batchSize: integer('batchSize', 'FEDSTROKE_SITE_BATCH', 1, 64),
    patchSize: patch(input.patchSize ?? SITE_DEFAULTS.patchSize),
    seed: integer('seed', 'FEDSTROKE_SITE_SEED', 0, 2 ** 31 - 1),
    warmupSteps: integer('warmupSteps', 'FEDSTROKE_SITE_WARMUP', 0, 1_000_000),
    validateGlobal: input.validateGlobal ?? SITE_DEFAULTS.validateGlobal,
    validateEveryRounds: integer('validateEveryRounds', 'FEDSTROKE_SITE_VALIDATE_EVERY', 1, 1_000_000),
    curveModel: check.oneOf('FEDSTROKE_SITE_CURVE_MODEL', input.curveModel ?? SITE_DEFAULTS.curveModel, CURVE_MODELS),
    keepOptimizerState: input.keepOptimizerState ?? SITE_DEFAULTS.keepOptimizerState,
    checkpointEvery: integer('checkpointEvery', 'FEDSTROKE_SITE_CHECKPOINT_EVERY', 0, 1_000_000),
    longPollSeconds: integer('longPollSeconds', 'FEDSTROKE_SITE_LONG_POLL_SECONDS', 0, 600),
    retryBaseMs: integer('retryBaseMs', 'FEDSTROKE_SITE_RETRY_BASE_MS', 1, 60_000),
    retryMaxMs: integer('retryMaxMs', 'FEDSTROKE_SITE_RETRY_MAX_MS', 1, 600_000),
    giveUpAfterSeconds: integer('giveUpAfterSeconds', 'FEDSTROKE_SITE_GIVE_UP_AFTER_SECONDS', 1, 7 * 24 * 3600),
    logLevel: check.oneOf('FEDSTROKE_LOG_LEVEL', input.logLevel ?? SITE_DEFAULTS.logLevel, LOG_LEVELS),
  };
  if (config.retryMaxMs < config.retryBaseMs)
    throw new SiteConfigError(
      'FEDSTROKE_SITE_RETRY_MAX_MS',
      `(${config.retryMaxMs}) must be ≥ FEDSTROKE_SITE_RETRY_BASE_MS (${config.retryBaseMs})`,
    );
  return config;
}

/** Reads the FEDSTROKE_* variables; unset optional ones keep their defaults. */
export function siteConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env): SiteAgentConfigInput {
  const number = (name: string) => check.optionalInteger(name, env[name]);
  const text = (name: string) => emptyAsUnset(env[name]);
  const resetOptimizer = check.optionalBoolean('FEDSTROKE_SITE_RESET_OPTIMIZER', env.FEDSTROKE_SITE_RESET_OPTIMIZER);
  return {
    coordinatorUrl: env.FEDSTROKE_COORDINATOR_URL ?? '',
    token: env.FEDSTROKE_SITE_TOKEN ?? '',
    dataDir: env.FEDSTROKE_SITE_DATA ?? '',
    artifactsRoot: text('FEDSTROKE_ARTIFACTS_DIR'),
    stateDir: text('FEDSTROKE_SITE_STATE_DIR'),
    federationId: text('FEDSTROKE_FEDERATION_ID'),
    threads: number('FEDSTROKE_SITE_THREADS'),
    provider: text('FEDSTROKE_SITE_PROVIDER'),
    batchSize: number('FEDSTROKE_SITE_BATCH'),
    patchSize: env.FEDSTROKE_SITE_PATCH ? parsePatch('FEDSTROKE_SITE_PATCH', env.FEDSTROKE_SITE_PATCH) : undefined,
    seed: number('FEDSTROKE_SITE_SEED'),
    warmupSteps: number('FEDSTROKE_SITE_WARMUP'),
    validateGlobal: check.optionalBoolean('FEDSTROKE_SITE_VALIDATE_GLOBAL', env.FEDSTROKE_SITE_VALIDATE_GLOBAL),
    curveModel: text('FEDSTROKE_SITE_CURVE_MODEL') as CurveModel | undefined,
    validateEveryRounds: number('FEDSTROKE_SITE_VALIDATE_EVERY'),
    keepOptimizerState: resetOptimizer === undefined ? undefined : !resetOptimizer,
    checkpointEvery: number('FEDSTROKE_SITE_CHECKPOINT_EVERY'),
    longPollSeconds: number('FEDSTROKE_SITE_LONG_POLL_SECONDS'),
    retryBaseMs: number('FEDSTROKE_SITE_RETRY_BASE_MS'),
    retryMaxMs: number('FEDSTROKE_SITE_RETRY_MAX_MS'),
    giveUpAfterSeconds: number('FEDSTROKE_SITE_GIVE_UP_AFTER_SECONDS'),
    logLevel: text('FEDSTROKE_LOG_LEVEL') as SiteLogLevel | undefined,
    tls: siteTlsFromEnvironment(env),
  };
}

/** "48" (cube) or "DxHxW". */
export function parsePatch(setting: string, text: string): [number, number, number] {
  const parts = text.split('x').map((p) => Number(p));
  const dims = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
  if (dims.length !== 3 || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
    throw new SiteConfigError(setting, `"${text}": expected one edge (e.g. 48) or DxHxW (e.g. 32x48x48)`);
  return dims as [number, number, number];
}

function token(value: string): string {
  if (value.length < 16 || /\s/.test(value))
    throw new SiteConfigError(
      'FEDSTROKE_SITE_TOKEN',
      'must be the site token from registerSite (16+ characters, no whitespace)',
    );
  return value;
}

function patch(dims: readonly number[]): [number, number, number] {
  if (dims.length !== 3 || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
    throw new SiteConfigError('FEDSTROKE_SITE_PATCH', `must be three positive integers (got [${dims.join(', ')}])`);
  return [dims[0], dims[1], dims[2]];
}

export const CURVE_MODELS = ['local', 'global', 'both'] as const;
export type CurveModel = (typeof CURVE_MODELS)[number];
