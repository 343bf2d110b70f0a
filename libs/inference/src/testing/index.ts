/** `@fedstroke/inference/testing`: the hostile and malformed studies the CLI and end-to-end tests feed in. */
export * from './bad-studies';
