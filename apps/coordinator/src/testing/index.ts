/** `@fedstroke/coordinator/testing`: coordinator internals the end-to-end tests reach behind the app's public API. */
export * from '../dashboard/dashboard-assets';
export * from '../graphql/print-schema';
export * from '../privacy/secure-aggregation/secagg.repository';
