/**
 * ISLES'22 data: layout discovery; the one load-and-preprocess pipeline every path uses (case files → volumes on
 * the DWI grid → QC warnings → the preprocessing a model records); the volume ↔ tensor axis boundary; deterministic
 * site splits; and the per-file / per-case descriptions `fedstroke inspect` prints.
 */
export * from './errors';
export * from './layout/case-files';
export * from './layout/discover-dataset';
export * from './loading/loaded-case';
export * from './loading/qc-warnings';
export * from './loading/load-case';
export * from './loading/tensor-layout';
export * from './preprocessing/preprocessing';
export * from './preprocessing/preprocessing-spec';
export * from './preprocessing/zscore-within-brain';
export * from './preprocessing/crop-to-brain';
export * from './preprocessing/resample-to-spacing';
export * from './splits/dataset-split';
export * from './splits/split-sites';
export * from './splits/site-map-split';
export * from './splits/split-file';
export * from './inspect/describe-volume';
export * from './inspect/describe-case';
