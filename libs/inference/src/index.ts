/**
 * Clinical inference, shared by `fedstroke segment` and the coordinator's segmentStudy mutation: check a study's
 * headers before compute (readable 3-D files, DWI and ADC on one grid, sizes and shapes within limits), load it
 * through the case pipeline of @fedstroke/isles with the model's recorded preprocessing, segment it through the one
 * inference path that training evaluation uses too (segment-case.ts), report lesion figures and QC warnings, and
 * write the mask on the DWI's own grid.
 */
export * from './errors';
export * from './study-files';
export * from './study-limits';
export * from './load-study';
export * from './segmentation-model';
export * from './segment-case';
export * from './segment-study';
export * from './write-segmentation';
export * from './result-summary';
export * from './remote-model-version';
export type { QcWarning } from '@fedstroke/isles';
