/**
 * The jest environment of every spec (jest.config.js). onnxruntime-node's native binding creates output typed arrays
 * in Node's main realm, while jest runs each spec in its own vm realm; onnxruntime-common's `instanceof` check then
 * rejects them ("A float32 tensor's data must be type of Float32Array", microsoft/onnxruntime#16622). Sharing the
 * main realm's typed-array constructors with the spec realm makes both sides agree, and keeps Buffer (main realm)
 * an `instanceof Uint8Array` inside specs too.
 */
import NodeEnvironment from 'jest-environment-node';

const MAIN_REALM_GLOBALS = [
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

export default class OrtRealmEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    for (const name of MAIN_REALM_GLOBALS) (this.global as Record<string, unknown>)[name] = globalThis[name];
  }
}
