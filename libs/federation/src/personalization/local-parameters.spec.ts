import { parameterRanges, takeLocalParameters, withLocalParameters } from './local-parameters';

const manifest = [
  { name: 'conv.weight', offset: 0, size: 3 },
  { name: 'norm.weight', offset: 3, size: 2 },
  { name: 'norm.bias', offset: 5, size: 2 },
  { name: 'head.weight', offset: 7, size: 1 },
];

describe('local parameters (FedBN)', () => {
  const ranges = parameterRanges(manifest, new Set(['norm.bias', 'norm.weight']));

  it('finds the ranges in manifest order and moves values between a model and the local store', () => {
    expect(ranges).toEqual([
      { offset: 3, size: 2 },
      { offset: 5, size: 2 },
    ]);
    const trained = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const local = takeLocalParameters(trained, ranges);
    expect(Array.from(local)).toEqual([4, 5, 6, 7]);
    const global = Float32Array.from([0, 0, 0, 1, 1, 0, 0, 0]);
    const personal = withLocalParameters(global, ranges, local);
    expect(Array.from(personal)).toEqual([0, 0, 0, 4, 5, 6, 7, 0]);
    expect(Array.from(global)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]); // not mutated
  });

  it('refuses names the model does not have and values saved for another layout', () => {
    expect(() => parameterRanges(manifest, new Set(['bn.weight']))).toThrow(
      /bn.weight are not in the model's manifest/,
    );
    expect(() => withLocalParameters(new Float32Array(8), ranges, new Float32Array(3))).toThrow(
      /hold 3 values, the model's local ranges 4/,
    );
    expect(() => takeLocalParameters(new Float32Array(4), ranges)).toThrow(/lies outside 4 weights/);
  });
});
