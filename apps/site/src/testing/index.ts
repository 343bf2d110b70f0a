/** `@fedstroke/site/testing`: agent internals the end-to-end tests drive directly (secure aggregation, TLS, GraphQL). */
export * from '../privacy/secure-input';
export * from '../privacy/secure-round';
export * from '../transport/tls-dispatcher';
export * from '../transport/coordinator-operations.generated';
