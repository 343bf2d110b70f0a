/**
 * Local training (nnU-Net style patches, augmentation and schedules) over in-memory cases, and whole-volume
 * evaluation. One loop serves central training, local-only baselines and a federated round's local update.
 */
export * from './errors';
export * from './training-case';
export * from './batch-buffer';
export * from './patch-sampler';
export * from './augment';
export * from './lr-schedule';
export * from './session-contract';
export * from './training-options';
export * from './loop-state';
export * from './validate';
export * from './train-local';
export * from './evaluate-cases';
export * from './detection-grid';
export * from './load-cases';
export * from './job/resolve-split';
export * from './job/training-job';
