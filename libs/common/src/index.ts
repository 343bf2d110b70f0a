export * from './errors';
export * from './progress';
export * from './random';
export * from './io-watch';
export * from './regular-file';
export * from './logging/event-log';
export * from './config/config-checks';
