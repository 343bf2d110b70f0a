/**
 * The hospital site agent: outbound-only, it trains on this site's own cases and sends back weights and numbers.
 * `fedstroke site` runs it; `fedstroke simulate` starts one per site as a separate process.
 */
export * from './config/site-config';
export * from './config/site-config.error';
export * from './logging/site-logger';
export * from './transport/transport-errors';
export * from './transport/backoff';
export * from './transport/site-task';
export * from './transport/coordinator-client';
export * from './data/site-dataset';
export * from './state/round-journal';
export * from './state/learning-state';
export * from './training/local-round';
export * from './site-agent';
