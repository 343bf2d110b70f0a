/**
 * Jest environment for specs that run ONNX Runtime. onnxruntime-node's native binding creates output typed arrays
 * in Node's main realm, while jest runs each spec in its own vm realm; onnxruntime-common's `instanceof`-style check
 * then rejects them ("A float32 tensor's data must be type of Float32Array", microsoft/onnxruntime#16622). Sharing
 * the main realm's typed-array constructors with the spec realm makes both sides agree.
 * Use with a `@jest-environment` docblock at the top of the spec.
 */
import NodeEnvironment from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
] as const;

export default class OrtTestEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    for (const name of TYPED_ARRAYS) (this.global as Record<string, unknown>)[name] = globalThis[name];
  }
}
