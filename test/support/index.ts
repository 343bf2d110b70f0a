/** `@fedstroke/test-support`: helpers the unit specs of apps share with the end-to-end tests. */
export * from './alias-flood';
export * from './ephemeral-postgres';
