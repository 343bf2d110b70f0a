export * from './artifacts';
export * from './config';
export * from './errors';
export * from './graphs';
export * from './init';
export * from './network';
export * from './parameters';
