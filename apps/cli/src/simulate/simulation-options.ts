import type { SpatialDims } from '@fedstroke/training';
import type { Strategy } from './admin-operations.generated';

/** Everything one `fedstroke simulate` run is parameterised by (flags map onto it one to one). */
export interface SimulationOptions {
  /** An ISLES'22 tree; default: the embedded synthetic three-center set (generated when absent). */
  data?: string;
  /**
   * Which cases form which site and the test set (a split JSON as `train --split` takes and every run writes);
   * default: the data's site-map.json, else a seeded three-site split.
   */
  splitFile?: string;
  runId?: string;
  runsRoot: string;
  /** Where each site's own folder is made (site-1, site-2, ...). */
  sitesRoot: string;
  artifactsRoot: string;
  config: string;
  strategy: Strategy;
  proximalMu?: number;
  /** Server step size on the mean delta (FedAvg/FedProx) or η (FedAdam/FedYogi). */
  serverLearningRate?: number;
  /** FedAvgM server momentum β (FedAvg/FedProx). */
  serverMomentum?: number;
  rounds: number;
  localSteps: number;
  batchSize: number;
  patchSize: SpatialDims;
  learningRate: number;
  warmupSteps: number;
  /** Sites validate their trained model every this many rounds (and in the last): the learning curve's spacing. */
  validateEveryRounds: number;
  /** A round that has not heard from every site by then closes with whatever arrived (at least sites − 1). */
  deadlineSeconds: number;
  seed: number;
  /** ONNX Runtime threads of each site agent. */
  siteThreads: number;
  /** Execution provider of the site agents' training and of the federated model's evaluation (baselines: cpu). */
  provider: string;
  /** ONNX Runtime threads of the federated model's evaluation in this process (baselines run in their own). */
  evalThreads: number;
  /** Coordinator port; default 4000 when free, else any free port. */
  port?: number;
  /** Which baselines train beside the federation: none, all (centralized and each local-only), or centralized. */
  baselines: 'none' | 'all' | 'centralized';
  /** FedBN-style local InstanceNorm parameters (the federation's strategyParams.localNorms). */
  localNorms: boolean;
  /** Detection settings chosen on validation: the federation by its sites, each baseline on its own split. */
  selectDetection: boolean;
  serve: boolean;
  /** Mutual TLS with a throwaway CA per run (default); false: plain HTTP on loopback, for development. */
  tls: boolean;
  /** Secure aggregation (sites clip to clipNorm and mask; the coordinator sees only the sum), and DP. */
  privacy: SimulationPrivacy;
  silent: boolean;
  /** Synthetic default set: where, and its size (tests make small ones). */
  synthDir: string;
  synthCases?: number;
  synthShape?: [number, number, number];
}

/**
 * The default profile, sized to finish within 15 minutes on two CPU cores with the federated model learning
 * (measured figures in the report of the run and the README): the `bench` U-Net, three sites training in parallel.
 */
export const SIMULATE_DEFAULTS = {
  config: 'bench',
  // FedProx (at libs/federation's DEFAULT_PROXIMAL_MU, 0.01) beat FedAvg on four seeds of five (+0.022 test Dice on
  // the mean) and took the gap to centralized from −0.032 ± 0.032 to −0.009 ± 0.042
  // (docs/experiments/learning-quality.md, sixth session).
  strategy: 'FEDPROX',
  // Many short rounds: at 0.01 the sites' Adam steps drift apart within a round and their average is worse than
  // any of them, so the same 360 steps per site went from test Dice 0.578 (15 × 25, with server momentum) to 0.698
  // (45 × 8) and 0.706 (72 × 5) on the default set; centralized with the same budget reached 0.756.
  rounds: 72,
  localSteps: 5,
  batchSize: 2,
  patch: '32x48x48',
  // 0.01 measured better than 0.003 for the federation (test Dice 0.519 vs 0.447, val 0.632 vs 0.553 at 15 × 25).
  learningRate: 0.01,
  warmupSteps: 10,
  // Whole-volume validation of 5 cases costs about as much as a 5-step round's training.
  validateEveryRounds: 4,
  deadlineSeconds: 900,
  seed: 0,
  siteThreads: 1,
  evalThreads: 2,
  provider: 'cpu',
  runsRoot: 'runs',
  sitesRoot: 'data/sites',
  artifactsRoot: 'onnx-models',
  synthDir: 'data/synth-default',
  preferredPort: 4000,
} as const;

export interface SimulationPrivacy {
  secureAggregation: boolean;
  /** The L2 bound sites clip their update to (secure aggregation, and client-level DP's C). */
  clipNorm: number;
  /** Client-level DP-FedAvg's noise multiplier z; null: off. */
  dpNoiseMultiplier: number | null;
  /** Sample-level DP-SGD at each site: σ, per-case clip norm and expected batch; null: off. */
  dpSgd: { noiseMultiplier: number; clipNorm: number; expectedBatchSize: number } | null;
  delta: number;
  targetEpsilon: number | null;
}

export const NO_PRIVACY: SimulationPrivacy = {
  secureAggregation: false,
  clipNorm: 1,
  dpNoiseMultiplier: null,
  dpSgd: null,
  delta: 1e-5,
  targetEpsilon: null,
};
