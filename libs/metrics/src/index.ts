/**
 * ISLES'22 segmentation metrics: Dice, AVD, ALD, lesion-wise F1 over 26-connected components, per-lesion figures
 * and set summaries. Pure functions over typed arrays (voxel index = i + nx * (j + ny * k)); no I/O.
 */
export * from './errors';
export * from './grid';
export * from './connected-components';
export * from './overlap';
export * from './volume';
export * from './lesion-detection';
export * from './case-metrics';
export * from './lesion-figures';
export * from './summary';
export * from './detection-selection';
export * from './training-patch';
