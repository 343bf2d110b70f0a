/**
 * Synthetic ISLES-like multi-center stroke MRI: closed-form brain anatomy, acute lesions of varied size, shape,
 * border and age, look-alike mimics, and per-center scanner characters, written in the ISLES'22 layout.
 * The project's embedded default dataset.
 */
export * from './centers';
export * from './case-generator';
export * from './dataset-writer';
export type { LesionPattern, BorderKind } from './lesions';
export { FLAIR_VISIBLE_AFTER_HOURS } from './lesions';
export * from './realism/brain-histogram';
export * from './realism/threshold-rule';
export * from './realism/artefact-regions';
export * from './realism/realism-check';
export * from './realism/realism-plot';
export * from './realism/artefact-overlay';
export * from './realism/artefact-adc-profile';
