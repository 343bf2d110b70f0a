import type { Random } from '@fedstroke/common';
import type { StoredDatatype } from './centers';
import type { Grid } from './grids';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { exp, max, min, pow, round, sqrt } = Math;

export interface Acquisition {
  /** Scanner units per relative unit (white matter = 1 on DWI/FLAIR; ADC: 1 or 1000 for 10^-6 mm²/s). */
  scale: number;
  /** Transfer exponent applied to the relative signal (1 keeps it linear; quantitative ADC uses 1). */
  gamma: number;
  /** Noise standard deviation in relative units. */
  noise: number;
  /** Magnitude images have Rician noise; ADC, computed from a ratio, is close to Gaussian. */
  rician: boolean;
  /** Standard deviation of the log bias-field coefficients; 0 for none (ADC: coil bias cancels in the ratio). */
  biasStrength: number;
  datatype: StoredDatatype;
}

/**
 * Turns a noise-free relative image into what the scanner stores: contrast transfer, a smooth multiplicative bias
 * field (a quadratic polynomial in the log domain over the field of view), noise, scale, and int16 rounding.
 * Background (outside `brain`) stays exactly 0 and brain voxels are never 0, so "non-zero" is the brain mask.
 */
export function acquire(
  relative: Float32Array,
  brain: Uint8Array,
  grid: Grid,
  acquisition: Acquisition,
  random: Random,
): Float32Array {
  const [nx, ny, nz] = grid.shape;
  const coefficients = Array.from({ length: 9 }, () => acquisition.biasStrength * random.normal());
  const out = new Float32Array(relative.length);
  const floor = acquisition.datatype === 'int16' ? 1 : 1e-3 * acquisition.scale;
  const sigma = acquisition.noise;
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8] = coefficients;
  let index = 0;
  for (let k = 0; k < nz; k++) {
    const w = nz > 1 ? (2 * k) / (nz - 1) - 1 : 0;
    for (let j = 0; j < ny; j++) {
      const v = ny > 1 ? (2 * j) / (ny - 1) - 1 : 0;
      for (let i = 0; i < nx; i++, index++) {
        if (!brain[index]) continue;
        const u = nx > 1 ? (2 * i) / (nx - 1) - 1 : 0;
        const bias = exp(
          c0 * u + c1 * v + c2 * w + c3 * u * u + c4 * v * v + c5 * w * w + c6 * u * v + c7 * u * w + c8 * v * w,
        );
        let signal = acquisition.gamma === 1 ? relative[index] : pow(relative[index], acquisition.gamma);
        signal *= bias;
        if (acquisition.rician) {
          const real = signal + sigma * random.normal();
          const imaginary = sigma * random.normal();
          signal = sqrt(real * real + imaginary * imaginary);
        } else {
          signal += sigma * random.normal();
        }
        let stored = signal * acquisition.scale;
        if (acquisition.datatype === 'int16') stored = min(32767, round(stored));
        out[index] = max(stored, floor);
      }
    }
  }
  return out;
}
