export * from './errors';
export * from './progress';
export * from './random';
