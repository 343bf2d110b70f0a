// The unit tier's per-test timeout (jest.config.js).
jest.setTimeout(60_000);
