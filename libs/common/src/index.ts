export * from './errors';
export * from './progress';
