import { access } from 'node:fs/promises';
import { InvalidArgumentError } from '@fedstroke/common';
import { DEFAULT_PROXIMAL_MU } from '@fedstroke/federation';
import { readSplit } from '@fedstroke/isles';
import { EXECUTION_PROVIDERS, parseProvider } from '@fedstroke/runtime';
import { integerFlag, nonNegativeNumberFlag, patchFlag } from './flag-parsers';
import type { Command } from 'commander';
import { portIsFree } from '../simulate/prepare-inputs';
import { runSimulation } from '../simulate/run-simulation';
import type { Strategy } from '../simulate/admin-operations.generated';
import { SIMULATE_DEFAULTS, type SimulationOptions, type SimulationPrivacy } from '../simulate/simulation-options';
import { stopsGracefully, untilStopped } from '../stop-signals';

interface SimulateFlags {
  data?: string;
  split?: string;
  config: string;
  strategy: string;
  mu?: string;
  serverLr?: string;
  serverMomentum?: string;
  rounds: string;
  localSteps: string;
  batch: string;
  patch: string;
  lr: string;
  warmup: string;
  validateEvery: string;
  deadline: string;
  seed: string;
  siteThreads: string;
  evalThreads: string;
  provider: string;
  port?: string;
  runId?: string;
  runs: string;
  sites: string;
  artifacts: string;
  baselines?: boolean | string;
  localNorms?: boolean;
  selectDetection?: boolean;
  serve?: boolean;
  tls: boolean;
  quiet?: boolean;
  secureAggregation?: boolean;
  clipNorm: string;
  dpNoise?: string;
  dpSgdNoise?: string;
  dpSgdClip: string;
  dpSgdBatch: string;
  dpDelta: string;
  targetEpsilon?: string;
}

/**
 * Every value of the schema's `Strategy` enum, in the order --help lists them. Keyed by the generated type, so a
 * strategy added to (or removed from) the coordinator's schema fails to compile here until this lists it.
 */
const STRATEGY_ORDER = {
  FEDAVG: true,
  FEDPROX: true,
  FEDADAM: true,
  FEDYOGI: true,
  MEDIAN: true,
  TRIMMED_MEAN: true,
  SCAFFOLD: true,
} as const satisfies Record<Strategy, true>;
const STRATEGIES = Object.keys(STRATEGY_ORDER) as Strategy[];
const BASELINE_SETS = ['all', 'centralized'] as const;

/** `fedstroke simulate` (= `npm start`): the reference experiment end to end on one machine. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run the reference experiment: a coordinator and three site agents as separate processes (each site sees only ' +
        'its own folder) train the U-Net with federated averaging; the final global model is evaluated on every ' +
        "site's validation split and on the independent test set; writes runs/<id>/report.html and summary.json. " +
        "Default data: the synthetic three-center set (generated if absent); --data runs on an ISLES'22 tree.",
    )
    .option('--data <dir>', "ISLES'22-layout dataset (default: the synthetic set in data/synth-default)")
    .option(
      '--split <file>',
      'split JSON fixing which cases form each site and the test set, as train --split takes and every run writes ' +
        '(default: site-map.json of the data if present, else a seeded 3-site split)',
    )
    .option('--config <name>', 'model config (artifacts generated if absent)', SIMULATE_DEFAULTS.config)
    .option('--strategy <name>', `aggregation: ${STRATEGIES.join(', ')}`, SIMULATE_DEFAULTS.strategy)
    .option('--mu <value>', `FedProx proximal weight μ (with --strategy FEDPROX; default ${DEFAULT_PROXIMAL_MU})`)
    .option(
      '--server-lr <value>',
      'server step size on the mean update (FEDAVG/FEDPROX, default 1) or η (FEDADAM/FEDYOGI, default 0.01)',
    )
    .option('--server-momentum <value>', 'server momentum β on the mean update, FedAvgM (FEDAVG/FEDPROX, default 0)')
    .option('--rounds <n>', 'federation rounds', String(SIMULATE_DEFAULTS.rounds))
    .option('--local-steps <n>', 'optimizer steps per site per round', String(SIMULATE_DEFAULTS.localSteps))
    .option('--batch <n>', 'patches per step', String(SIMULATE_DEFAULTS.batchSize))
    .option(
      '--patch <size>',
      "patch edge P or DxHxW (also the window of the sites' validation Dice; the report scores segment's 64³ window)",
      SIMULATE_DEFAULTS.patch,
    )
    .option(
      '--lr <value>',
      'learning rate (poly decay over the whole federation)',
      String(SIMULATE_DEFAULTS.learningRate),
    )
    .option('--warmup <n>', 'linear warm-up steps at the start', String(SIMULATE_DEFAULTS.warmupSteps))
    .option(
      '--validate-every <rounds>',
      'sites validate every n rounds and in the last (the learning curve)',
      String(SIMULATE_DEFAULTS.validateEveryRounds),
    )
    .option('--deadline <seconds>', 'round deadline', String(SIMULATE_DEFAULTS.deadlineSeconds))
    .option('--seed <n>', 'seed of patch sampling and augmentation', String(SIMULATE_DEFAULTS.seed))
    .option('--site-threads <n>', 'ONNX Runtime threads per site agent', String(SIMULATE_DEFAULTS.siteThreads))
    .option(
      '--eval-threads <n>',
      'ONNX Runtime threads for evaluating the federated model (baselines run one process per core, FEDSTROKE_BASELINE_LANES to change)',
      String(SIMULATE_DEFAULTS.evalThreads),
    )
    .option(
      '--provider <name>',
      `execution provider of the sites and the evaluation: ${EXECUTION_PROVIDERS.join(', ')} (falls back to cpu with one line)`,
      SIMULATE_DEFAULTS.provider,
    )
    .option('--port <n>', 'coordinator port (default 4000 when free, else any free port)')
    .option('--run-id <id>', 'run folder name under --runs (default sim-<timestamp>)')
    .option('--runs <dir>', 'where run folders go', SIMULATE_DEFAULTS.runsRoot)
    .option('--sites <dir>', "where each site's own data folder is made", SIMULATE_DEFAULTS.sitesRoot)
    .option('--artifacts <dir>', 'root of the artifact folders', SIMULATE_DEFAULTS.artifactsRoot)
    .option(
      '--baselines [which]',
      'also train centralized and local-only models on the same step budget ("centralized": that one only)',
    )
    .option(
      '--local-norms',
      "FedBN-style: each site keeps its InstanceNorm affine parameters; each site's personalised model is evaluated too",
    )
    .option(
      '--select-detection',
      "choose the threshold and minimum lesion size on the sites' validation splits (each approach on its own)",
    )
    .option(
      '--serve',
      'keep the coordinator serving GraphQL and the dashboard after the run (Ctrl-C or SIGTERM stops it)',
    )
    .option('--no-tls', 'plain HTTP on loopback instead of mutual TLS with a throwaway CA (development only)')
    .option(
      '--secure-aggregation',
      'sites mask their clipped updates (SecAgg, t = ⌊n/2⌋+1 of n): the coordinator sees only their sum',
    )
    .option('--clip-norm <C>', 'L2 bound each site clips its update to (secure aggregation, DP-FedAvg)', '1')
    .option('--dp-noise <z>', 'client-level DP-FedAvg: Gaussian noise multiplier z on the clipped sum')
    .option(
      '--dp-sgd-noise <sigma>',
      'sample-level DP-SGD at each site: noise multiplier on the clipped per-case gradients',
    )
    .option('--dp-sgd-clip <C>', 'DP-SGD per-case gradient clip norm', '1')
    .option('--dp-sgd-batch <B>', 'DP-SGD expected (Poisson) batch size', '2')
    .option('--dp-delta <delta>', 'δ at which ε is reported', '1e-5')
    .option('--target-epsilon <eps>', 'privacy budget: the federation ends before a round that would pass it')
    .option('--quiet', 'no progress bars')
    .action(async (flags: SimulateFlags) => {
      const options = toOptions(flags);
      await checkBeforeWork(options);
      const say = (line: string) => process.stderr.write(`${line}\n`);
      const result = await runSimulation(options, say);
      process.stdout.write(
        `${JSON.stringify({ runDir: result.runDir, federation: result.report.federation.status, wallTimeSeconds: Math.round(result.report.wallTimeSeconds) })}\n`,
      );
      if (options.serve) {
        say(
          `serving ${result.report.federation.graphqlUrl} and the dashboard ${result.federation.dashboardUrl}; Ctrl-C or SIGTERM stops it`,
        );
        stopsGracefully();
        await untilStopped();
        await result.federation.coordinator.stop();
      }
      if (result.report.federation.status !== 'COMPLETED') process.exitCode = 1;
    });
}

function toOptions(flags: SimulateFlags): SimulationOptions {
  const strategy = STRATEGIES.find((name) => name === flags.strategy.toUpperCase());
  if (!strategy)
    throw new InvalidArgumentError(`--strategy "${flags.strategy}": expected one of ${STRATEGIES.join(', ')}`);
  return {
    data: flags.data,
    splitFile: flags.split,
    runId: flags.runId,
    runsRoot: flags.runs,
    sitesRoot: flags.sites,
    artifactsRoot: flags.artifacts,
    config: flags.config,
    strategy,
    proximalMu: proximalMuFlag(flags.mu, strategy),
    serverLearningRate:
      flags.serverLr === undefined ? undefined : nonNegativeNumberFlag('--server-lr', flags.serverLr, false),
    serverMomentum: flags.serverMomentum === undefined ? undefined : momentumFlag(flags.serverMomentum),
    rounds: integerFlag('--rounds', flags.rounds, 1),
    localSteps: integerFlag('--local-steps', flags.localSteps, 1),
    batchSize: integerFlag('--batch', flags.batch, 1),
    patchSize: patchFlag(flags.patch),
    learningRate: nonNegativeNumberFlag('--lr', flags.lr, false),
    warmupSteps: integerFlag('--warmup', flags.warmup, 0),
    validateEveryRounds: integerFlag('--validate-every', flags.validateEvery, 1),
    deadlineSeconds: integerFlag('--deadline', flags.deadline, 10),
    seed: integerFlag('--seed', flags.seed, 0),
    siteThreads: integerFlag('--site-threads', flags.siteThreads, 1),
    evalThreads: integerFlag('--eval-threads', flags.evalThreads, 1),
    provider: parseProvider(flags.provider),
    port: flags.port === undefined ? undefined : integerFlag('--port', flags.port, 0),
    baselines: baselinesFlag(flags.baselines),
    localNorms: Boolean(flags.localNorms),
    selectDetection: Boolean(flags.selectDetection),
    serve: Boolean(flags.serve),
    tls: flags.tls !== false,
    privacy: privacyFlags(flags),
    silent: Boolean(flags.quiet),
    synthDir: SIMULATE_DEFAULTS.synthDir,
  };
}

/** What can be checked before data are generated or a process starts: the files named, the port asked for. */
async function checkBeforeWork(options: SimulationOptions): Promise<void> {
  if (options.data !== undefined && !(await exists(options.data))) {
    throw new InvalidArgumentError(`--data ${options.data}: no such folder`);
  }
  // Shape and disjoint sets now; that its cases exist is checked once the dataset is found.
  if (options.splitFile !== undefined) await readSplit(options.splitFile);
  if (options.port !== undefined && options.port !== 0 && !(await portIsFree(options.port))) {
    throw new InvalidArgumentError(
      `--port ${options.port}: port ${options.port} is in use on 127.0.0.1 (another coordinator or program listens ` +
        'there); stop it or choose another port (--port 0: any free port)',
    );
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * μ as given; FedProx without --mu gets the default μ, written out so that the run's summary records it. Refused
 * here, before any work, for a strategy without one (the coordinator would refuse it too, once it has started).
 */
function proximalMuFlag(value: string | undefined, strategy: Strategy): number | undefined {
  if (value === undefined) return strategy === 'FEDPROX' ? DEFAULT_PROXIMAL_MU : undefined;
  if (strategy !== 'FEDPROX')
    throw new InvalidArgumentError(`--mu ${value}: only FEDPROX has a proximal weight, not --strategy ${strategy}`);
  return nonNegativeNumberFlag('--mu', value, true);
}

function baselinesFlag(value: boolean | string | undefined): SimulationOptions['baselines'] {
  if (value === undefined || value === false) return 'none';
  if (value === true) return 'all';
  const which = BASELINE_SETS.find((name) => name === value);
  if (!which) throw new InvalidArgumentError(`--baselines "${value}": expected nothing, ${BASELINE_SETS.join(' or ')}`);
  return which;
}

function privacyFlags(flags: SimulateFlags): SimulationPrivacy {
  const positive = (name: string, value: string) => nonNegativeNumberFlag(name, value, false);
  return {
    secureAggregation: Boolean(flags.secureAggregation),
    clipNorm: positive('--clip-norm', flags.clipNorm),
    dpNoiseMultiplier: flags.dpNoise === undefined ? null : positive('--dp-noise', flags.dpNoise),
    dpSgd:
      flags.dpSgdNoise === undefined
        ? null
        : {
            noiseMultiplier: positive('--dp-sgd-noise', flags.dpSgdNoise),
            clipNorm: positive('--dp-sgd-clip', flags.dpSgdClip),
            expectedBatchSize: integerFlag('--dp-sgd-batch', flags.dpSgdBatch, 1),
          },
    delta: positive('--dp-delta', flags.dpDelta),
    targetEpsilon: flags.targetEpsilon === undefined ? null : positive('--target-epsilon', flags.targetEpsilon),
  };
}

function momentumFlag(value: string): number {
  const momentum = nonNegativeNumberFlag('--server-momentum', value, true);
  if (momentum >= 1) throw new InvalidArgumentError(`--server-momentum ${value}: expected a value in [0, 1)`);
  return momentum;
}
