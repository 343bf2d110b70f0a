import torchKeys from './testing/torch-state-dict-keys.json';
import { NAMED_CONFIGS, namedConfig, stageFeatures, validateConfig } from './config';
import { UNetConfigError } from './errors';
import { parameterDefs, parameterLayout } from './parameters';

describe('U-Net config', () => {
  it('gives the reference network of torch_unet3d.py: same state_dict keys, order and shapes', () => {
    // torch-state-dict-keys.json: [[key, shape], ...] of UNet3D(3, 4, 3) and UNet3D(3, 8, 4).state_dict().
    for (const name of ['tiny', 'bench'] as const) {
      const ours = parameterDefs(namedConfig(name)).map((p) => [p.name, p.shape]);
      expect(ours).toEqual(torchKeys[name]);
    }
    expect(parameterLayout(namedConfig('bench')).count).toBe(351593);
    expect(stageFeatures(NAMED_CONFIGS.isles)).toEqual([32, 64, 128, 256, 320]);
  });

  it.each([
    [{ baseFilters: 0 }, /baseFilters must be an integer in \[1, /],
    [{ levels: 1 }, /levels must be an integer in \[2, 8\], got 1/],
    [{ kernelSize: 4 }, /kernelSize must be odd/],
    [{ featuresCap: 2 }, /featuresCap must be >= baseFilters \(8\), got 2/],
    [{ outChannels: 2 }, /outChannels must be 1/],
    [{ inChannels: 1.5 }, /inChannels must be an integer/],
    [{ name: 'a/b' }, /name must be a non-empty string/],
  ])('rejects %p naming the argument and the constraint', (change, message) => {
    const config = { ...NAMED_CONFIGS.bench, ...change };
    expect(() => validateConfig(config)).toThrow(UNetConfigError);
    expect(() => validateConfig(config)).toThrow(message);
  });

  it('lists the valid names for an unknown config', () => {
    expect(() => namedConfig('huge')).toThrow(
      'unknown model config "huge"; valid configs: tiny, bench, bench-lesion, isles',
    );
  });
});
