/**
 * ε after a number of rounds or steps, and the rounds a budget allows, for the two mechanisms the federation
 * runs: client-level DP-FedAvg (one sampled Gaussian per round, q = a site's chance to take part) and sample-level
 * DP-SGD (one per local step, q = B/N at that site). Both compose by adding RDP (rdp.ts).
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { composedRdp, DEFAULT_RDP_ORDERS, rdpToEpsilon } from './rdp';

export interface GaussianAccount {
  noiseMultiplier: number;
  samplingRate: number;
  delta: number;
}

/** ε at δ after `applications` of the mechanism (rounds, or local steps). */
export function epsilonAfter(applications: number, account: GaussianAccount): number {
  if (applications === 0) return 0;
  return rdpToEpsilon(
    DEFAULT_RDP_ORDERS,
    composedRdp(account.samplingRate, account.noiseMultiplier, applications),
    account.delta,
  ).epsilon;
}

/**
 * The most applications whose ε stays within `targetEpsilon` (0 when even one exceeds it), searched up to
 * `limit`; ε grows with the count, so a binary search finds it.
 */
export function applicationsWithinBudget(targetEpsilon: number, account: GaussianAccount, limit: number): number {
  if (!(Number.isFinite(targetEpsilon) && targetEpsilon > 0)) {
    throw new InvalidArgumentError(`targetEpsilon must be a finite number > 0, got ${targetEpsilon}`);
  }
  let low = 0;
  let high = limit;
  if (epsilonAfter(high, account) <= targetEpsilon) return high;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (epsilonAfter(middle, account) <= targetEpsilon) low = middle;
    else high = middle;
  }
  return low;
}
