/**
 * The best simple threshold rule, to keep the synthetic task honest: per case, z-score DWI and ADC within the brain
 * (as the model's input is), call a voxel lesion when DWI z ≥ a (and ADC z ≤ b), and pick the a (and b) that give
 * the highest mean per-case Dice over the whole set. Tuned on the very cases it is scored on, so an upper bound for
 * such a rule: a set on which it comes near the model's Dice needs no model; one on which a rule reaches nothing is
 * hardly stroke MRI. Counting is done once per case in a 2-D histogram of (DWI z, ADC z) with cumulative sums, so
 * every threshold pair costs O(bins), not O(voxels).
 */

export interface RuleCase {
  dwi: ArrayLike<number>;
  adc: ArrayLike<number>;
  /** Ground-truth lesion mask, non-zero = lesion. */
  label: ArrayLike<number>;
}

export interface ThresholdRule {
  /** Lesion where DWI z ≥ dwiZ ... */
  dwiZ: number;
  /** ... and ADC z ≤ adcZ (null: no ADC condition). */
  adcZ: number | null;
  meanDice: number;
  perCaseDice: number[];
}

export interface ThresholdRuleSearch {
  dwiOnly: ThresholdRule;
  dwiAndAdc: ThresholdRule;
}

const STEP = 0.1;
const DWI_STEPS = 81; // DWI z thresholds 0.0 .. 8.0
const ADC_LOW = -3;
const ADC_STEPS = 51; // ADC z thresholds -3.0 .. 2.0; column ADC_STEPS is "no ADC condition"

/** Mean and standard deviation over the brain (non-zero DWI), in float64. */
function brainMoments(values: ArrayLike<number>, dwi: ArrayLike<number>): [number, number] {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (dwi[i] === 0) continue;
    sum += values[i];
    n++;
  }
  const mean = sum / Math.max(n, 1);
  let squares = 0;
  for (let i = 0; i < values.length; i++) if (dwi[i] !== 0) squares += (values[i] - mean) ** 2;
  return [mean, Math.max(Math.sqrt(squares / Math.max(n, 1)), 1e-8)];
}

/** One case's voxels passing each (DWI threshold, ADC threshold) pair: lesion and background counts. */
export interface RuleCounts {
  lesion: Float64Array;
  background: Float64Array;
  lesionTotal: number;
}

/**
 * Counts a case once (so a large set need not be held in memory): suffix sums over the DWI bin and prefix sums
 * over the ADC bin of the case's 2-D histogram.
 */
export function countRuleCase(c: RuleCase): RuleCounts {
  const width = ADC_STEPS + 1;
  const lesion = new Float64Array(DWI_STEPS * width);
  const background = new Float64Array(DWI_STEPS * width);
  const [dwiMean, dwiSd] = brainMoments(c.dwi, c.dwi);
  const [adcMean, adcSd] = brainMoments(c.adc, c.dwi);
  let lesionTotal = 0;
  for (let i = 0; i < c.dwi.length; i++) {
    if (c.dwi[i] === 0) continue;
    const isLesion = c.label[i] !== 0;
    if (isLesion) lesionTotal++;
    const dwiBin = Math.min(DWI_STEPS - 1, Math.floor((c.dwi[i] - dwiMean) / dwiSd / STEP + 1e-9));
    if (dwiBin < 0) continue; // below every DWI threshold
    // Passes ADC threshold m when z ≤ ADC_LOW + m·STEP, i.e. m ≥ adcBin.
    const adcBin = Math.max(0, Math.min(ADC_STEPS, Math.ceil(((c.adc[i] - adcMean) / adcSd - ADC_LOW) / STEP - 1e-9)));
    (isLesion ? lesion : background)[dwiBin * width + adcBin]++;
  }
  for (const counts of [lesion, background]) {
    for (let k = 0; k < DWI_STEPS; k++)
      for (let m = 1; m < width; m++) counts[k * width + m] += counts[k * width + m - 1];
    for (let k = DWI_STEPS - 2; k >= 0; k--)
      for (let m = 0; m < width; m++) counts[k * width + m] += counts[(k + 1) * width + m];
  }
  return { lesion, background, lesionTotal };
}

export function bestThresholdRule(counted: readonly RuleCounts[]): ThresholdRuleSearch {
  if (counted.length === 0) throw new RangeError('bestThresholdRule: no cases');
  const width = ADC_STEPS + 1;
  const diceAt = (k: number, m: number) =>
    counted.map(({ lesion, background, lesionTotal }) => {
      const tp = lesion[k * width + m];
      const denominator = tp + background[k * width + m] + lesionTotal;
      return denominator === 0 ? 1 : (2 * tp) / denominator;
    });
  const best = (columns: number[]): ThresholdRule => {
    let top: ThresholdRule | null = null;
    for (let k = 0; k < DWI_STEPS; k++)
      for (const m of columns) {
        const perCaseDice = diceAt(k, m);
        const meanDice = perCaseDice.reduce((a, b) => a + b, 0) / perCaseDice.length;
        if (top === null || meanDice > top.meanDice)
          top = {
            dwiZ: Number((k * STEP).toFixed(1)),
            adcZ: m === ADC_STEPS ? null : Number((ADC_LOW + m * STEP).toFixed(1)),
            meanDice,
            perCaseDice,
          };
      }
    return top as ThresholdRule;
  };
  return {
    dwiOnly: best([ADC_STEPS]),
    dwiAndAdc: best(Array.from({ length: width }, (_, m) => m)),
  };
}
