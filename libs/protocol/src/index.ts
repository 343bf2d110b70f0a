/**
 * The wire protocol between the coordinator, its site agents and its clients, declared once: header names, paths,
 * the raw float32 weights codec, sha256 checks, update metadata headers and the structured refusal codes.
 */
export * from './headers';
export * from './paths';
export * from './sha256';
export * from './float32-codec';
export * from './body-reader';
export * from './update-headers';
export * from './update-parts';
export * from './refusals';
export * from './graphql-http';
