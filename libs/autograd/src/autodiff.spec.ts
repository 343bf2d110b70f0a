import { Autodiff } from './autodiff';
import { GraphBuildError } from './errors';
import { add, conv3d, mul } from './functional';
import { ProtoWriter } from './onnx/protobuf-writer';
import { OpRule } from './op-rule';
import { OpAttributes, OpName, opRules } from './ops/registry';

describe('Autodiff', () => {
  it('fails loudly when an op has no gradient rule in the registry', () => {
    const { mul: _dropped, ...incomplete } = opRules;
    const ad = new Autodiff(incomplete as unknown as { readonly [K in OpName]: OpRule<OpAttributes[K]> });
    const x = ad.input('x', [2], { requiresGrad: true });
    expect(() => mul(ad, x, x)).toThrow(
      new GraphBuildError(
        'op "mul" has no rule in the registry; known ops: add, sub, div, sigmoid, leakyRelu, concat, reduceSum, reduceMean, conv3d, upsample2x, instanceNorm, bceWithLogits',
      ),
    );
  });

  it('fails loudly when a rule returns no gradient for an input that needs one', () => {
    const broken = { ...opRules, add: { ...opRules.add, backward: () => [undefined, undefined] } };
    const ad = new Autodiff(broken);
    const x = ad.input('x', [], { requiresGrad: true });
    const y = add(ad, x, x);
    expect(() => ad.gradients(y, [x])).toThrow(/op "add": gradient rule returned nothing for input 0 \(x\)/);
  });

  it('checks arity, scalar outputs and reachability', () => {
    const ad = new Autodiff();
    const x = ad.input('x', [1, 2, 4, 4, 4], { requiresGrad: true });
    const w = ad.input('w', [3, 2, 3, 3, 3], { requiresGrad: true });
    const b = ad.input('b', [3], { requiresGrad: true });
    const unused = ad.input('unused', [3], { requiresGrad: true });
    expect(() => ad.apply('sigmoid', [x, w], {})).toThrow('op "sigmoid" takes 1 inputs, got 2');
    expect(() => ad.apply('conv3d', [x], { kernel: 3, stride: 1, padding: 1 })).toThrow(
      'conv3d takes [x, w] or [x, w, b], got 1 inputs',
    );
    expect(() => conv3d(ad, x, w, b, { kernel: 3, stride: 1, padding: 0 })).toThrow(
      /expected an odd kernel with padding \(kernel - 1\) \/ 2/,
    );
    const y = conv3d(ad, x, w, b, { kernel: 3, stride: 2, padding: 1 });
    expect(y.shape).toEqual([1, 3, 2, 2, 2]);
    expect(() => ad.gradients(y, [w])).toThrow(/is not a scalar; pass a seed gradient/);
    const seed = ad.input('seed', y.shape);
    expect(() => ad.gradients(y, [unused], seed)).toThrow('gradients: "unused" does not influence');
  });
});

describe('ProtoWriter', () => {
  it('writes varints, negative int64 as ten bytes, fixed32 floats and nested messages', () => {
    const bytes = new ProtoWriter()
      .int(1, 300)
      .int(2, -1)
      .float(3, 1.5)
      .message(4, (m) => m.string(1, 'hi'))
      .finish();
    expect([...bytes]).toEqual([
      0x08, 0xac, 0x02, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x1d, 0x00, 0x00, 0xc0, 0x3f,
      0x22, 0x04, 0x0a, 0x02, 0x68, 0x69,
    ]);
  });
});
