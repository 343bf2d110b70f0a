/**
 * Rényi differential privacy of the sampled Gaussian mechanism, and its conversion to (ε, δ).
 *
 * The mechanism: each record (a site, for client-level DP; a case, for DP-SGD) is included independently with
 * probability q (Poisson sampling), the included contributions are clipped to L2 norm C and summed, and
 * N(0, σ²C²) is added to each coordinate; σ is the noise multiplier. Its RDP of order α is
 * ε(α) = log(A_α)/(α − 1) with A_α = E_{z∼μ0}[((1 − q) + q·μ1(z)/μ0(z))^α], μ0 = N(0, σ²), μ1 = N(1, σ²)
 * (Mironov, Talwar & Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530,
 * 2019, §3). For integer α the binomial expansion is finite (§3.2):
 *   A_α = Σ_{k=0..α} C(α,k) (1−q)^{α−k} q^k exp((k² − k)/(2σ²)).
 * For fractional α the integral is split at z0 = σ² log(1/q − 1) + 1/2, where q·μ1 = (1 − q)·μ0, and each half
 * is expanded with the generalised binomial series (§3.3):
 *   A_α = Σ_k C(α,k) (1−q)^{α−k} q^k e^{(k²−k)/(2σ²)} ½erfc((k − z0)/(√2σ))
 *       + Σ_k C(α,k) (1−q)^k q^{α−k} e^{((α−k)²−(α−k))/(2σ²)} ½erfc((z0 − (α−k))/(√2σ)).
 * Both are summed in log space with the signs of the generalised binomial coefficients kept apart.
 *
 * RDP composes by addition over steps and rounds. Two conversions to (ε, δ)-DP are offered: the classic one of
 * Mironov ("Rényi Differential Privacy", CSF 2017, Prop. 3), ε = ε(α) + log(1/δ)/(α − 1), which the moments
 * accountant of Abadi et al. (CCS 2016) amounts to, and the tighter one of Canonne, Kamath & Steinke ("The
 * Discrete Gaussian for Differential Privacy", NeurIPS 2020, Prop. 12; also Asoodeh et al. 2020),
 * ε = ε(α) + log((α − 1)/α) − (log δ + log α)/(α − 1), used by default. Either is minimised over the orders.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { logErfc } from './log-erfc';

/** The orders α the accountant tracks: dense near 1 (small ε), sparse far out (large ε, small σ). */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10), // 1.1 … 10.9
  ...Array.from({ length: 52 }, (_, i) => 12 + i), // 12 … 63
  128,
  256,
  512,
]);

export type RdpConversion = 'improved' | 'classic';

/** RDP of one application of the sampled Gaussian mechanism at order α > 1. */
export function sampledGaussianRdp(samplingRate: number, noiseMultiplier: number, order: number): number {
  assertMechanism(samplingRate, noiseMultiplier);
  if (!(Number.isFinite(order) && order > 1)) {
    throw new InvalidArgumentError(`RDP order must be a finite number > 1, got ${order}`);
  }
  if (samplingRate === 0) return 0;
  if (noiseMultiplier === 0) return Number.POSITIVE_INFINITY;
  if (samplingRate === 1) return order / (2 * noiseMultiplier * noiseMultiplier);
  const logA = Number.isInteger(order)
    ? logAIntegerOrder(samplingRate, noiseMultiplier, order)
    : logAFractionalOrder(samplingRate, noiseMultiplier, order);
  return logA / (order - 1);
}

/** RDP at each order after `steps` applications (composition adds). */
export function composedRdp(
  samplingRate: number,
  noiseMultiplier: number,
  steps: number,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): Float64Array {
  if (!(Number.isInteger(steps) && steps >= 0)) {
    throw new InvalidArgumentError(`steps must be an integer ≥ 0, got ${steps}`);
  }
  return Float64Array.from(orders, (order) =>
    steps === 0 ? 0 : steps * sampledGaussianRdp(samplingRate, noiseMultiplier, order),
  );
}

/** (ε, δ)-DP from RDP curves: the smallest ε over the orders, and the order that gave it. */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
  conversion: RdpConversion = 'improved',
): { epsilon: number; order: number } {
  if (!(delta > 0 && delta < 1)) throw new InvalidArgumentError(`delta must be in (0, 1), got ${delta}`);
  if (orders.length !== rdp.length || orders.length === 0) {
    throw new InvalidArgumentError(`rdp has ${rdp.length} values for ${orders.length} orders`);
  }
  let best = { epsilon: Number.POSITIVE_INFINITY, order: Number.NaN };
  for (let i = 0; i < orders.length; i++) {
    const a = orders[i];
    const r = rdp[i];
    if (!Number.isFinite(r)) continue;
    const epsilon =
      conversion === 'classic'
        ? r + Math.log(1 / delta) / (a - 1)
        : r + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (epsilon < best.epsilon) best = { epsilon: Math.max(0, epsilon), order: a };
  }
  return best;
}

function assertMechanism(samplingRate: number, noiseMultiplier: number): void {
  if (!(samplingRate >= 0 && samplingRate <= 1)) {
    throw new InvalidArgumentError(`sampling rate q must be in [0, 1], got ${samplingRate}`);
  }
  if (!(Number.isFinite(noiseMultiplier) && noiseMultiplier >= 0)) {
    throw new InvalidArgumentError(`noise multiplier must be a finite number ≥ 0, got ${noiseMultiplier}`);
  }
}

function logAIntegerOrder(q: number, sigma: number, alpha: number): number {
  const terms: number[] = [];
  let logBinomial = 0; // log C(α, 0)
  for (let k = 0; k <= alpha; k++) {
    terms.push(logBinomial + (alpha - k) * Math.log1p(-q) + k * Math.log(q) + (k * k - k) / (2 * sigma * sigma));
    logBinomial += Math.log((alpha - k) / (k + 1));
  }
  return logSumExp(terms);
}

const SERIES_TOLERANCE = -30; // stop once a term is e^-30 of the running sum
const MAX_SERIES_TERMS = 1_000_000;

function logAFractionalOrder(q: number, sigma: number, alpha: number): number {
  const s2 = sigma * sigma;
  const z0 = s2 * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const sum = new SignedLogSum();
  let logAbsBinomial = 0;
  let binomialSign = 1;
  for (let k = 0; k < MAX_SERIES_TERMS; k++) {
    const j = alpha - k;
    const first =
      logAbsBinomial +
      k * logQ +
      j * log1mQ +
      (k * k - k) / (2 * s2) +
      Math.log(0.5) +
      logErfc((k - z0) / (Math.SQRT2 * sigma));
    const second =
      logAbsBinomial +
      j * logQ +
      k * log1mQ +
      (j * j - j) / (2 * s2) +
      Math.log(0.5) +
      logErfc((z0 - j) / (Math.SQRT2 * sigma));
    sum.add(binomialSign, first);
    sum.add(binomialSign, second);
    if (k > alpha && Math.max(first, second) < sum.logMagnitude() + SERIES_TOLERANCE) return sum.log();
    // C(α, k+1) = C(α, k)·(α − k)/(k + 1); its sign flips each time α − k < 0.
    const ratio = (alpha - k) / (k + 1);
    logAbsBinomial += Math.log(Math.abs(ratio));
    if (ratio < 0) binomialSign = -binomialSign;
  }
  throw new InvalidArgumentError(`RDP series for q=${q}, σ=${sigma}, α=${alpha} did not converge`);
}

/** log Σ exp(x_i). */
function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values);
  if (!Number.isFinite(top)) return top;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - top);
  return top + Math.log(sum);
}

/** A sum of signed terms given as (sign, log|term|), kept as separate positive and negative log-sums. */
class SignedLogSum {
  private positive = Number.NEGATIVE_INFINITY;
  private negative = Number.NEGATIVE_INFINITY;

  add(sign: number, logAbs: number): void {
    if (sign > 0) this.positive = logAdd(this.positive, logAbs);
    else this.negative = logAdd(this.negative, logAbs);
  }

  logMagnitude(): number {
    return Math.max(this.positive, this.negative);
  }

  log(): number {
    if (!(this.positive > this.negative)) {
      throw new InvalidArgumentError('RDP series lost its precision (negative or zero sum)');
    }
    return this.positive + Math.log1p(-Math.exp(this.negative - this.positive));
  }
}

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const top = Math.max(a, b);
  return top + Math.log1p(Math.exp(-Math.abs(a - b)));
}
