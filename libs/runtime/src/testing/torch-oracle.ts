/**
 * Runs torch_load_strict.py (Debian's python3-torch) on a weights file: PyTorch's own load_state_dict(strict=True)
 * into ../shared/bench/torch_unet3d.py's UNet3D built from `manifestPath`'s config, and its forward pass on `image`.
 * A test oracle only; CI installs python3-torch (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor5D } from '../input-shape';

export const TORCH_PYTHON = '/usr/bin/python3';

export function torchLoadStrict(
  manifestPath: string,
  weightsPath: string,
  image: Tensor5D,
): { names: string[]; prob: Float32Array } {
  const scratch = mkdtempSync(join(tmpdir(), 'fedstroke-torch-'));
  try {
    const input = join(scratch, 'image.f32');
    writeFileSync(input, new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength));
    const stdout = execFileSync(
      TORCH_PYTHON,
      [
        join(__dirname, 'torch_load_strict.py'),
        manifestPath,
        weightsPath,
        '--input',
        input,
        '--shape',
        ...image.shape.map(String),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 },
    );
    const parsed = JSON.parse(stdout) as { names: string[]; prob: number[] };
    return { names: parsed.names, prob: Float32Array.from(parsed.prob) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A freshly initialized PyTorch UNet3D of `config`'s shape, saved as safetensors at `out` (torch_save_state_dict.py). */
export function torchSaveStateDict(
  out: string,
  config: { inChannels: number; baseFilters: number; levels: number; featuresCap: number },
  seed = 1,
): void {
  execFileSync(
    TORCH_PYTHON,
    [
      join(__dirname, 'torch_save_state_dict.py'),
      out,
      ...['--in-channels', String(config.inChannels), '--base', String(config.baseFilters)],
      ...['--levels', String(config.levels), '--cap', String(config.featuresCap), '--seed', String(seed)],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
