/** `@fedstroke/training/testing`: synthetic cases for tests that train. */
export * from './blob-cases';
