import { namedConfig } from './config';
import { instanceNormParameterNames, parameterLayout } from './parameters';

describe('instanceNormParameterNames', () => {
  it('names the γ and β of every InstanceNorm and nothing else', () => {
    const config = namedConfig('bench');
    const names = instanceNormParameterNames(config);
    const layout = parameterLayout(config);
    const sizes = layout.parameters.filter((p) => names.has(p.name)).map((p) => p.shape.reduce((a, b) => a * b, 1));
    // 7 stages × 2 conv blocks, each norm with γ and β of its block's channels: 2·2·(8+16+32+64) + 2·2·(32+16+8).
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(704);
    expect([...names].every((name) => /^(encoder|decoder)\.\d\.\d\.1\.(weight|bias)$/.test(name))).toBe(true);
    expect(names.has('head.bias')).toBe(false);
  });
});
