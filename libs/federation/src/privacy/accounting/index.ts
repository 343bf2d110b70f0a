export * from './rdp';
export { logErfc } from './log-erfc';
