/** `@fedstroke/runtime/testing`: what other packages' tests need from runtime's test helpers. */
export * from './linear-artifacts';
export * from './torch-oracle';
export { readGraph } from './onnx-graph-reader';
