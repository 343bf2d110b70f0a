/**
 * log(erfc(x)) for every real x, without underflow far in the tail (erfc(30) ≈ 2.6e−393 is below the smallest
 * double, its log is ≈ −903.6). Uses the Chebyshev fit of Press, Teukolsky, Vetterling & Flannery (Numerical
 * Recipes, 2nd ed., §6.2, `erfcc`): erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2), with fractional error below
 * 1.2e−7 for all z ≥ 0, which is written here in log form so it holds in the tail too. The accountant's ε is a
 * minimum over orders of sums of such terms, so its own relative error stays of that order (the spec checks ε
 * against an independent quadrature).
 */
const COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** log erfc(z) for z ≥ 0. */
function logErfcNonNegative(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = COEFFICIENTS.length - 1; i >= 0; i--) poly = poly * t + COEFFICIENTS[i];
  return Math.log(t) - z * z + poly;
}

export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 0) return logErfcNonNegative(x);
  // erfc(−z) = 2 − erfc(z), with erfc(z) ≤ 1 here, so no cancellation.
  return Math.log(2 - Math.exp(logErfcNonNegative(-x)));
}
