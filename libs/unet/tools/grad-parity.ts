/**
 * Gradient parity with PyTorch: for an artifacts folder, a seeded batch (Gaussian image, one ball per sample as the
 * label, as torch_unet3d.py's synthetic_batch), compute loss and gradients with ONNX Runtime over training_model.onnx
 * and with torch_unet3d.UNet3D (torch_grad_parity.py, float32 and float64), then print per parameter
 * ‖g − g_torch‖ / ‖g_torch‖. Usage (after `npm run build`):
 *   node dist/libs/unet/tools/grad-parity.js --dir onnx-models/bench --patch 32 --batch 2 [--work /tmp/parity]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Random } from '@fedstroke/common';
import { decodeSafetensors, encodeSafetensors } from '@fedstroke/runtime';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function makeBatch(n: number, c: number, s: number, seed: number): { image: Float32Array; label: Float32Array } {
  const random = new Random(seed);
  const normal = (): number => random.normal();
  const image = new Float32Array(n * c * s ** 3).map(() => normal());
  const label = new Float32Array(n * s ** 3);
  for (let b = 0; b < n; b++) {
    const centre = [0, 1, 2].map(() => s * (0.25 + 0.5 * Math.abs(Math.tanh(normal()))));
    const r2 = (s / 6) ** 2;
    for (let z = 0; z < s; z++)
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++) {
          const d2 = (z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2;
          label[((b * s + z) * s + y) * s + x] = d2 <= r2 ? 1 : 0;
        }
  }
  return { image, label };
}

const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s) / norm(b);
};

async function main(): Promise<void> {
  const dir = flag('dir', 'onnx-models/bench');
  const patch = Number(flag('patch', '32'));
  const batch = Number(flag('batch', '2'));
  const work = flag('work', '/tmp/fedstroke-parity');
  mkdirSync(work, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const config = manifest.config;
  const { image, label } = makeBatch(batch, config.inChannels, patch, Number(flag('seed', '7')));
  const batchPath = join(work, 'batch.safetensors');
  writeFileSync(
    batchPath,
    encodeSafetensors([
      { name: 'image', shape: [batch, config.inChannels, patch, patch, patch], data: image },
      { name: 'label', shape: [batch, 1, patch, patch, patch], data: label },
    ]),
  );

  const checkpointPath = join(dir, 'checkpoint.safetensors');
  const { tensors } = decodeSafetensors(readFileSync(checkpointPath), checkpointPath);
  const session = await ort.InferenceSession.create(join(dir, 'training_model.onnx'), {
    intraOpNumThreads: 2,
    graphOptimizationLevel: flag('opt', 'all') as 'all' | 'disabled' | 'basic' | 'extended',
  });
  const feeds: Record<string, ort.Tensor> = Object.fromEntries(
    tensors.map((t) => [t.name, new ort.Tensor('float32', t.data, t.shape)]),
  );
  feeds.image = new ort.Tensor('float32', image, [batch, config.inChannels, patch, patch, patch]);
  feeds.label = new ort.Tensor('float32', label, [batch, 1, patch, patch, patch]);
  const ours = await session.run(feeds);

  const script = resolve(__dirname, '../../../../libs/unet/tools/torch_grad_parity.py');
  const torch = (precision: 'float32' | 'float64') => {
    const out = join(work, `torch_${precision}.safetensors`);
    const args = [
      script,
      '--checkpoint',
      checkpointPath,
      '--batch',
      batchPath,
      '--out',
      out,
      '--in-channels',
      String(config.inChannels),
      '--base',
      String(config.baseFilters),
      '--levels',
      String(config.levels),
    ];
    execFileSync('/usr/bin/python3', precision === 'float64' ? [...args, '--float64'] : args, {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return new Map(decodeSafetensors(readFileSync(out), out).tensors.map((t) => [t.name, t.data]));
  };
  const oursPath = join(work, 'ours.safetensors');
  writeFileSync(
    oursPath,
    encodeSafetensors([
      { name: 'loss', shape: [], data: ours.loss.data as Float32Array },
      ...tensors.map((t) => ({ name: t.name, shape: t.shape, data: ours[`grad.${t.name}`].data as Float32Array })),
    ]),
  );
  const t32 = torch('float32');
  const t64 = torch('float64');

  const lossOurs = (ours.loss.data as Float32Array)[0];
  const all = manifest.parameters.map((p: { name: string }) => {
    const g = ours[`grad.${p.name}`].data as Float32Array;
    const a = t32.get(p.name) as Float32Array;
    const b = t64.get(p.name) as Float32Array;
    return {
      name: p.name,
      norm64: norm(b),
      normOurs: norm(g),
      norm32: norm(a),
      vsTorch32: relDiff(g, a),
      vsTorch64: relDiff(g, b),
      torch32vs64: relDiff(a, b),
    };
  });
  // A conv bias right before InstanceNorm has an exactly zero gradient (the norm removes per-channel constants): a
  // relative error against float rounding noise means nothing, so those are reported by absolute norm instead.
  const largest = Math.max(...all.map((r: { norm64: number }) => r.norm64));
  const isZero = (r: { norm64: number }) => r.norm64 < 1e-6 * largest;
  type Row = (typeof all)[number];
  for (const r of all as Row[]) {
    console.log(
      isZero(r)
        ? `${r.name.padEnd(28)} exact gradient 0: |g_ours| ${r.normOurs.toExponential(2)}  |g_torch32| ${r.norm32.toExponential(2)}  |g_torch64| ${r.norm64.toExponential(2)}`
        : `${r.name.padEnd(28)} ours-vs-torch32 ${r.vsTorch32.toExponential(2)}  ours-vs-torch64 ${r.vsTorch64.toExponential(2)}  torch32-vs-torch64 ${r.torch32vs64.toExponential(2)}`,
    );
  }
  const rows = (all as Row[]).filter((r) => !isZero(r));
  const zeros = (all as Row[]).filter(isZero);
  const max = (key: 'vsTorch32' | 'vsTorch64' | 'torch32vs64') => Math.max(...rows.map((r) => r[key]));
  const l32 = (t32.get('loss') as Float32Array)[0];
  const l64 = (t64.get('loss') as Float32Array)[0];
  console.log(
    JSON.stringify({
      dir,
      patch,
      batch,
      loss: {
        ours: lossOurs,
        torch32: l32,
        torch64: l64,
        relVsTorch32: Math.abs(lossOurs - l32) / Math.abs(l32),
        relVsTorch64: Math.abs(lossOurs - l64) / Math.abs(l64),
      },
      maxGradRel: { vsTorch32: max('vsTorch32'), vsTorch64: max('vsTorch64'), torch32vs64: max('torch32vs64') },
      zeroGradientParameters: {
        count: zeros.length,
        maxNormOurs: Math.max(...zeros.map((r) => r.normOurs)),
        maxNormTorch32: Math.max(...zeros.map((r) => r.norm32)),
        largestGradientNorm: largest,
      },
    }),
  );
}

void main();
