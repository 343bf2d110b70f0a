// The end-to-end tier's per-test timeout (jest.config.js).
jest.setTimeout(180_000);
