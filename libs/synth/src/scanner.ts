import type { Random } from '@fedstroke/common';
import type { StoredDatatype } from './centers';
import type { Grid } from './grids';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { exp, log, max, min, pow, round, sqrt } = Math;

export interface Acquisition {
  /** Scanner units per relative unit (white matter = 1). */
  scale: number;
  /** Transfer exponent applied to the relative signal (1 keeps it linear). */
  gamma: number;
  /** Rician noise standard deviation in relative units. */
  noise: number;
  /** Standard deviation of the log bias-field coefficients; 0 for none. */
  biasStrength: number;
  datatype: StoredDatatype;
}

export interface DiffusionAcquisition {
  /** The stored DWI (b=b image), as for any magnitude image. */
  dwi: Acquisition;
  /** Rician noise of the b=0 image, in the DWI's relative units. */
  b0Noise: number;
  /** b-value in units of 1000 s/mm². */
  b: number;
  /** Stored ADC units per 10^-3 mm²/s (1, or 1000 for 10^-6 mm²/s), the stored range (10^-3 mm²/s), datatype. */
  adcUnit: number;
  adcRange: [number, number];
  adcDatatype: StoredDatatype;
}

/**
 * A smooth multiplicative coil-sensitivity field over the brain voxels: a quadratic polynomial in the log domain
 * over the field of view (1 everywhere for strength 0). Both images of one diffusion series share it.
 */
function biasField(brain: Uint8Array, grid: Grid, strength: number, random: Random): Float32Array {
  const [nx, ny, nz] = grid.shape;
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8] = Array.from({ length: 9 }, () => strength * random.normal());
  const field = new Float32Array(brain.length);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    const w = nz > 1 ? (2 * k) / (nz - 1) - 1 : 0;
    for (let j = 0; j < ny; j++) {
      const v = ny > 1 ? (2 * j) / (ny - 1) - 1 : 0;
      for (let i = 0; i < nx; i++, index++) {
        if (!brain[index]) continue;
        const u = nx > 1 ? (2 * i) / (nx - 1) - 1 : 0;
        field[index] = exp(
          c0 * u + c1 * v + c2 * w + c3 * u * u + c4 * v * v + c5 * w * w + c6 * u * v + c7 * u * w + c8 * v * w,
        );
      }
    }
  }
  return field;
}

function rician(signal: number, sigma: number, random: Random): number {
  const real = signal + sigma * random.normal();
  const imaginary = sigma * random.normal();
  return sqrt(real * real + imaginary * imaginary);
}

/** Relative signal → stored value: transfer exponent, scale, int16 rounding; brain voxels are never 0. */
function store(signal: number, a: Acquisition): number {
  let stored = (a.gamma === 1 ? signal : pow(signal, a.gamma)) * a.scale;
  if (a.datatype === 'int16') stored = min(32767, round(stored));
  return max(stored, a.datatype === 'int16' ? 1 : 1e-3 * a.scale);
}

/**
 * Turns a noise-free relative image into what the scanner stores: bias field, Rician noise, contrast transfer,
 * scale, and int16 rounding. Background (outside `brain`) stays exactly 0 and brain voxels are never 0, so
 * "non-zero" is the brain mask.
 */
export function acquire(
  relative: Float32Array,
  brain: Uint8Array,
  grid: Grid,
  acquisition: Acquisition,
  random: Random,
): Float32Array {
  const bias = biasField(brain, grid, acquisition.biasStrength, random);
  const out = new Float32Array(relative.length);
  for (let i = 0; i < relative.length; i++) {
    if (!brain[i]) continue;
    out[i] = store(rician(relative[i] * bias[i], acquisition.noise, random), acquisition);
  }
  return out;
}

/**
 * A diffusion series as a scanner makes it: the b=0 and b=b images get the same coil bias and their own Rician
 * noise; the stored DWI is the b=b image and the ADC is ln(S0 / Sb) / b of the noisy pair, clipped to the range the
 * scanner stores and put in its units. So ADC noise is small in tissue and large where DWI is dark (CSF), the bias
 * cancels in the ADC, and fits below 0 appear where the noise flips the ratio (kept only where the range allows).
 */
export function acquireDiffusion(
  s0: Float32Array,
  sb: Float32Array,
  brain: Uint8Array,
  grid: Grid,
  acquisition: DiffusionAcquisition,
  random: Random,
): { dwi: Float32Array; adc: Float32Array } {
  const bias = biasField(brain, grid, acquisition.dwi.biasStrength, random);
  const dwi = new Float32Array(sb.length);
  const adc = new Float32Array(sb.length);
  const [low, high] = acquisition.adcRange;
  const sigma = acquisition.dwi.noise;
  for (let i = 0; i < sb.length; i++) {
    if (!brain[i]) continue;
    const noisyB = rician(sb[i] * bias[i], sigma, random);
    const noisy0 = rician(s0[i] * bias[i], acquisition.b0Noise, random);
    dwi[i] = store(noisyB, acquisition.dwi);
    let value = min(high, max(low, log(noisy0 / noisyB) / acquisition.b)) * acquisition.adcUnit;
    if (acquisition.adcDatatype === 'int16') value = round(value);
    adc[i] = value;
  }
  return { dwi, adc };
}
