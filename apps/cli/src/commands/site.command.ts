import { InvalidArgumentError } from '@fedstroke/common';
import {
  parsePatch,
  resolveSiteConfig,
  SiteAgent,
  siteConfigFromEnvironment,
  SiteLogger,
  type SiteAgentConfigInput,
} from '@fedstroke/site';
import type { Command } from 'commander';
import { stopsGracefully } from '../stop-signals';

interface SiteFlags {
  coordinator?: string;
  data?: string;
  artifacts?: string;
  state?: string;
  federation?: string;
  threads?: string;
  provider?: string;
  batch?: string;
  patch?: string;
  seed?: string;
  validateGlobal?: boolean;
  curveModel?: string;
  validateEvery?: string;
  resetOptimizer?: boolean;
  checkpointEvery?: string;
  logLevel?: string;
}

/**
 * `fedstroke site`: one hospital's agent. The token comes from FEDSTROKE_SITE_TOKEN only (argv is visible to every
 * user of the machine); everything else from FEDSTROKE_* variables or these flags. Exits 0 when the federation
 * named by --federation has ended or on SIGTERM/SIGINT (after checkpointing the round in progress).
 */
export function registerSiteCommand(program: Command): void {
  program
    .command('site')
    .description(
      "Run a hospital site agent: connects out to the coordinator, trains on this site's own data folder and " +
        'uploads weights (never images). Token in FEDSTROKE_SITE_TOKEN.',
    )
    .option('--coordinator <url>', 'coordinator URL (FEDSTROKE_COORDINATOR_URL)')
    .option('--data <dir>', "this site's ISLES'22-layout folder (FEDSTROKE_SITE_DATA)")
    .option('--artifacts <dir>', 'root of the artifact folders (FEDSTROKE_ARTIFACTS_DIR, default onnx-models)')
    .option('--state <dir>', 'resumable round state (FEDSTROKE_SITE_STATE_DIR, default .fedstroke/site-state)')
    .option('--federation <id>', 'serve only this federation and exit when it ends (FEDSTROKE_FEDERATION_ID)')
    .option('--threads <n>', 'ONNX Runtime intra-op threads (FEDSTROKE_SITE_THREADS, default 1)')
    .option('--provider <name>', 'execution provider: cpu, cuda, webgpu (FEDSTROKE_SITE_PROVIDER)')
    .option('--batch <n>', 'patches per local step (FEDSTROKE_SITE_BATCH, default 2)')
    .option('--patch <size>', 'patch edge P or DxHxW (FEDSTROKE_SITE_PATCH, default 32x48x48)')
    .option('--seed <n>', 'seed of patch sampling, varied per round (FEDSTROKE_SITE_SEED)')
    .option('--validate-global', 'also validate the received global model before training')
    .option(
      '--curve-model <which>',
      'what the every-n-rounds validation scores: local (the trained model), global (the received global model; ' +
        'the local one in the last round) or both (FEDSTROKE_SITE_CURVE_MODEL, default local)',
    )
    .option(
      '--validate-every <rounds>',
      'validate the trained model every n rounds and in the last one (FEDSTROKE_SITE_VALIDATE_EVERY, default 1)',
    )
    .option('--reset-optimizer', "start every round with fresh Adam moments (default: keep the site's moments)")
    .option('--checkpoint-every <n>', 'resumable checkpoint every n local steps (default 10)')
    .option('--log-level <level>', 'debug, info, warn, error or silent (FEDSTROKE_LOG_LEVEL)')
    .action(async (flags: SiteFlags) => {
      const config = resolveSiteConfig(mergeFlags(siteConfigFromEnvironment(process.env), flags));
      await new SiteAgent(config, new SiteLogger(config.logLevel)).run(stopsGracefully());
    });
}

function mergeFlags(env: SiteAgentConfigInput, flags: SiteFlags): SiteAgentConfigInput {
  const integer = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`${flag} "${text}": expected an integer`);
    return value;
  };
  const merged: SiteAgentConfigInput = { ...env };
  const set = <K extends keyof SiteAgentConfigInput>(key: K, value: SiteAgentConfigInput[K] | undefined) => {
    if (value !== undefined) merged[key] = value;
  };
  set('coordinatorUrl', flags.coordinator);
  set('dataDir', flags.data);
  set('artifactsRoot', flags.artifacts);
  set('stateDir', flags.state);
  set('federationId', flags.federation);
  set('threads', integer('--threads', flags.threads));
  set('provider', flags.provider);
  set('batchSize', integer('--batch', flags.batch));
  set('patchSize', flags.patch === undefined ? undefined : parsePatch('--patch', flags.patch));
  set('seed', integer('--seed', flags.seed));
  set('validateGlobal', flags.validateGlobal);
  set('curveModel', flags.curveModel as SiteAgentConfigInput['curveModel']);
  set('validateEveryRounds', integer('--validate-every', flags.validateEvery));
  set('keepOptimizerState', flags.resetOptimizer ? false : undefined);
  set('checkpointEvery', integer('--checkpoint-every', flags.checkpointEvery));
  set('logLevel', flags.logLevel as SiteAgentConfigInput['logLevel']);
  return merged;
}
