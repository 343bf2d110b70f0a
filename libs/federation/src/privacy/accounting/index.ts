export * from './rdp';
export { logErfc } from './log-erfc';
export * from './privacy-ledger';
