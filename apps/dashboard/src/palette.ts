/**
 * Okabe & Ito's palette: eight colours that stay distinct under the common colour-vision deficiencies. Charts add a
 * dash pattern per series and the weighted curve is black and thicker, so no series is told apart by colour alone.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Site series, in order; yellow last (weak on white). */
export const SERIES_COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
];

export const SERIES_DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 6]];

/** The lesion mask over the DWI: Okabe-Ito orange, as 0-255 RGB for NiiVue's colour map. */
export const MASK_RGB: [number, number, number] = [230, 159, 0];
/** NiiVue's crosshair, in 0-1 RGBA: sky blue, far from the mask's orange. */
export const CROSSHAIR_RGBA = [86 / 255, 180 / 255, 233 / 255, 1];
