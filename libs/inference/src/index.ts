/**
 * Clinical inference, shared by `fedstroke segment` and the coordinator's segmentStudy mutation: load a study with
 * every check made before compute (readable 3-D files, DWI and ADC on one grid, sizes within limits, FLAIR resampled
 * into the DWI grid), segment it with a model (artifacts + weights), report lesion figures and QC warnings, and write
 * the mask on the DWI's own grid.
 */
export * from './errors';
export * from './study-files';
export * from './study-limits';
export * from './qc-warnings';
export * from './grid-agreement';
export * from './load-study';
export * from './segmentation-model';
export * from './preprocess-study';
export * from './segment-study';
export * from './write-segmentation';
export * from './result-summary';
export * from './remote-model-version';
