/**
 * The bound on an update's ||w − w_global||₂ that applies when the federation sets no `maxUpdateNorm`.
 *
 * Rule: UPDATE_NORM_MULTIPLE (10) × a reference norm, where the reference is
 *   - the median of the per-round median update norms of the last UPDATE_NORM_HISTORY_ROUNDS (5) completed rounds, or
 *   - in a federation's first round (no history yet), the global model's own norm ||w_global||₂.
 * Why: honest sites of one federation move the model by similar amounts (same model, same local steps, same
 * learning-rate schedule); their norms differ by a small factor (data size, heterogeneity) and change slowly from round
 * to round (the schedule decays, a warm-up grows them by at most a few times per round). A median over the recent rounds
 * ignores one site, or one round, that was far off, so a single outlier cannot raise the bound for the next one; ten
 * times it leaves honest updates ample room while refusing a site that moves the model an order of magnitude further
 * than its peers (a 3e38-everywhere update exceeds it by ~37 orders). In the first round there is no history: a round
 * that moves a model ten times its own length replaces it rather than trains it.
 */
import { median } from '../aggregate/norms';

export const UPDATE_NORM_MULTIPLE = 10;
export const UPDATE_NORM_HISTORY_ROUNDS = 5;
/** A model whose norm is zero (all-zero weights) still gets a bound: this RMS per parameter. */
const ZERO_MODEL_RMS = 1e-3;

export interface UpdateNormBound {
  bound: number;
  /** How the bound was derived, for the rejection message and the round record. */
  rule: string;
}

export interface UpdateNormHistory {
  /** ||w_global||₂ of the model the round published. */
  globalNorm: number;
  parameterCount: number;
  /** Median accepted update norm of each recent completed round (most recent last; only the last 5 count). */
  recentRoundMedians: readonly number[];
}

export function defaultUpdateNormBound(history: UpdateNormHistory): UpdateNormBound {
  const recent = history.recentRoundMedians
    .filter((n) => Number.isFinite(n) && n > 0)
    .slice(-UPDATE_NORM_HISTORY_ROUNDS);
  if (recent.length > 0) {
    const reference = median(recent);
    return {
      bound: UPDATE_NORM_MULTIPLE * reference,
      rule:
        `default: ${UPDATE_NORM_MULTIPLE} × ${reference.toPrecision(4)}, the median update norm of the last ` +
        `${recent.length} completed round(s)`,
    };
  }
  const floor = ZERO_MODEL_RMS * Math.sqrt(history.parameterCount);
  const reference = Math.max(history.globalNorm, floor);
  return {
    bound: UPDATE_NORM_MULTIPLE * reference,
    rule: `default: ${UPDATE_NORM_MULTIPLE} × ${reference.toPrecision(4)}, the global model's norm (no completed round yet)`,
  };
}
