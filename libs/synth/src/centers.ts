import { mixSeed, Random } from '@fedstroke/common';
import { logUniform } from './draws';

export type StoredDatatype = 'float32' | 'int16';

/**
 * One synthetic hospital's scanner character. Everything a real multi-center set varies on: intensity scale and
 * units, noise, coil bias, resolution and slice geometry, tissue and lesion contrast, and how the files are stored.
 */
export interface CenterProfile {
  name: string;
  description: string;
  /** DWI/ADC voxel size as multiples of the base spacing (in-plane, slice). The grid shape stays the same. */
  dwiSpacingScale: [number, number];
  /** FLAIR voxel size (in-plane, slice) as multiples of this center's DWI spacing: finer in-plane, thicker slices. */
  flairSpacingScale: [number, number];
  /** FLAIR slab tilt about the left-right axis (degrees), as an oblique AC-PC acquisition. */
  flairTiltDegrees: number;
  /** Scanner units for white matter on DWI and FLAIR. */
  dwiScale: number;
  flairScale: number;
  /** ADC stored in 10^-3 mm²/s (1) or in 10^-6 mm²/s (1000), as some scanners export it. */
  adcUnit: number;
  /** Diffusion weighting of the DWI (s/mm²): sets the DWI contrast of every ADC difference (DWI = S0·e^(-b·ADC)). */
  bValue: number;
  /** The ADC values the scanner can store, in 10^-3 mm²/s: fits below 0 clipped or kept, a cap (e.g. 12 bits). */
  adcRange: [number, number];
  /**
   * Rician noise standard deviation as a fraction of the white-matter DWI (b0: of the b=0 image, on the same scale)
   * and FLAIR signal. The ADC's noise follows from the DWI's and the b=0 image's through their log ratio, so it is
   * small in tissue and large in CSF, where the DWI signal is low.
   */
  noise: { dwi: number; flair: number; b0: number };
  /** Standard deviation of the log bias-field polynomial coefficients: 0 is a flat coil profile. */
  biasStrength: number;
  /** Grey/white matter signal ratio on DWI and FLAIR. */
  greyWhiteRatio: number;
  /** Multiplies the lesion's DWI hyperintensity (b-value and sequence differences). */
  lesionContrast: number;
  /** Strength of the skull-base EPI susceptibility pile-up on DWI (stronger at 3T): 1 makes it up to 7× white matter, as in the real ISLES22 case. */
  susceptibility: number;
  /** Intensity transfer exponent: the scanner's reconstruction is not linear in the same way everywhere. */
  gamma: number;
  datatypes: { dwi: StoredDatatype; adc: StoredDatatype; flair: StoredDatatype };
}

/** The three curated centers: distinct enough that a model trained at one site loses accuracy at another. */
export const CURATED_CENTERS: readonly CenterProfile[] = [
  {
    name: 'center-1',
    description:
      '3T, 32-channel coil, b=1000: high SNR, marked bias, strong skull-base artefacts, fine FLAIR in-plane with 5 mm ' +
      'slices, float32 export with ADC fits below 0 kept',
    dwiSpacingScale: [1, 1],
    flairSpacingScale: [0.48, 1.67],
    flairTiltDegrees: 6,
    dwiScale: 1000,
    flairScale: 400,
    adcUnit: 1,
    bValue: 1000,
    adcRange: [-0.5, 6],
    noise: { dwi: 0.045, flair: 0.035, b0: 0.05 },
    biasStrength: 0.14,
    greyWhiteRatio: 1.25,
    lesionContrast: 1,
    susceptibility: 1,
    gamma: 1,
    datatypes: { dwi: 'float32', adc: 'float32', flair: 'float32' },
  },
  {
    name: 'center-2',
    description:
      '1.5T, b=800: low SNR, weaker lesion contrast, flat bias, mild artefacts, coarse FLAIR with 4 mm slices, int16 ' +
      'DWI and FLAIR, ADC clipped to 0-4',
    dwiSpacingScale: [0.94, 1.05],
    flairSpacingScale: [0.6, 1.33],
    flairTiltDegrees: -4,
    dwiScale: 300,
    flairScale: 1800,
    adcUnit: 1,
    bValue: 800,
    adcRange: [0, 4],
    noise: { dwi: 0.1, flair: 0.08, b0: 0.1 },
    biasStrength: 0.05,
    greyWhiteRatio: 1.15,
    lesionContrast: 0.8,
    susceptibility: 0.4,
    gamma: 0.9,
    datatypes: { dwi: 'int16', adc: 'float32', flair: 'int16' },
  },
  {
    name: 'center-3',
    description:
      '3T, older head coil, b=1000: medium SNR, strong bias, 6 mm FLAIR slices, int16 export with ADC in 10^-6 mm²/s ' +
      'capped at 12 bits (4095)',
    dwiSpacingScale: [1.04, 0.93],
    flairSpacingScale: [0.4, 2],
    flairTiltDegrees: 10,
    dwiScale: 120,
    flairScale: 90,
    adcUnit: 1000,
    bValue: 1000,
    adcRange: [0, 4.095],
    noise: { dwi: 0.07, flair: 0.055, b0: 0.07 },
    biasStrength: 0.25,
    greyWhiteRatio: 1.35,
    lesionContrast: 1.1,
    susceptibility: 0.8,
    gamma: 1.15,
    datatypes: { dwi: 'int16', adc: 'int16', flair: 'int16' },
  },
];

/**
 * The profile of center `index` (0-based). Beyond the curated three, profiles are drawn from the ranges the
 * curated ones span, from the dataset seed, so any number of sites gets distinct but plausible scanners.
 */
export function centerProfile(index: number, seed: number): CenterProfile {
  if (index < CURATED_CENTERS.length) return CURATED_CENTERS[index];
  const random = new Random(mixSeed(seed, 0xce47e5, index));
  const pick = <T>(values: readonly T[]): T => values[random.intInclusive(0, values.length - 1)];
  return {
    name: `center-${index + 1}`,
    description: 'drawn from the ranges of the curated centers',
    dwiSpacingScale: [random.range(0.94, 1.04), random.range(0.93, 1.05)],
    flairSpacingScale: [random.range(0.4, 0.6), random.range(1.33, 2)],
    flairTiltDegrees: random.range(-10, 10),
    dwiScale: logUniform(random, 100, 1000),
    flairScale: logUniform(random, 90, 1800),
    adcUnit: pick([1, 1000]),
    bValue: pick([800, 1000]),
    adcRange: pick<[number, number]>([
      [-0.5, 6],
      [0, 4],
      [0, 4.095],
    ]),
    noise: { dwi: random.range(0.045, 0.1), flair: random.range(0.035, 0.08), b0: random.range(0.05, 0.1) },
    biasStrength: random.range(0.05, 0.25),
    greyWhiteRatio: random.range(1.15, 1.35),
    lesionContrast: random.range(0.8, 1.1),
    susceptibility: random.range(0.4, 1),
    gamma: random.range(0.9, 1.15),
    datatypes: { dwi: pick(['float32', 'int16']), adc: 'float32', flair: pick(['float32', 'int16']) },
  };
}
