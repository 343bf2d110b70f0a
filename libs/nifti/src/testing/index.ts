/** `@fedstroke/nifti/testing`: a reference NIfTI header for tests that write volumes. */
export * from './reference-header';
