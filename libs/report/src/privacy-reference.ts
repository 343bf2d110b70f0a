/**
 * The same federation without differential privacy, beside a DP run: what the noise cost in utility at each round
 * of the same budget. Taken from two runs' summaries (the DP run and a run of the same profile with DP off), so the
 * report can draw both on the privacy-utility curve and state both final test Dice.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { SimulationReport } from './run-report';

export interface PrivacyReference {
  /** The run without DP. */
  runId: string;
  /** Its sample-weighted validation Dice after each validated round (round index → Dice). */
  rounds: Array<{ index: number; valDice: number }>;
  /** Its final federated model on the same independent test set. */
  testDice: { mean: number; sd: number } | null;
}

/** Profile fields two runs must share for their rounds to be compared one for one. */
const SAME_PROFILE = ['modelConfig', 'strategy', 'rounds', 'localSteps', 'sites', 'batchSize', 'learningRate'] as const;

/**
 * The reference `plain` gives `withDp`; refuses (naming the field) two runs that differ in what a round means, a
 * `withDp` run without DP, and a `plain` run with it.
 */
export function privacyReferenceOf(withDp: SimulationReport, plain: SimulationReport): PrivacyReference {
  if (!withDp.profile.privacy?.differentialPrivacy) {
    throw new InvalidArgumentError(`run ${withDp.runId} has no differential privacy: there is nothing to compare`);
  }
  if (plain.profile.privacy?.differentialPrivacy) {
    throw new InvalidArgumentError(
      `reference run ${plain.runId} has differential privacy on: the reference must be the same federation without DP`,
    );
  }
  for (const field of SAME_PROFILE) {
    if (withDp.profile[field] !== plain.profile[field]) {
      throw new InvalidArgumentError(
        `reference run ${plain.runId} differs in ${field} (${String(plain.profile[field])}, the DP run ` +
          `${withDp.runId} has ${String(withDp.profile[field])}): compare runs of the same profile`,
      );
    }
  }
  if (withDp.data.testCases !== plain.data.testCases) {
    throw new InvalidArgumentError(
      `reference run ${plain.runId} was tested on ${plain.data.testCases} cases, the DP run on ${withDp.data.testCases}`,
    );
  }
  const federated = plain.approaches.find((a) => a.kind === 'federated');
  return {
    runId: plain.runId,
    rounds: plain.rounds
      .filter((r) => typeof r.metrics.valDice === 'number')
      .map((r) => ({ index: r.index, valDice: r.metrics.valDice })),
    testDice: federated ? { mean: federated.test.summary.dice.mean, sd: federated.test.summary.dice.sd } : null,
  };
}
