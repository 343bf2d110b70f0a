/**
 * Times one artifact graph with a plain ONNX Runtime session (the runtime's TrainingSession adds only the optimizer
 * on top), on the same workload as ../shared/bench/torch_unet3d.py: a fixed random batch, warm-up steps, then the
 * median and min over timed steps. Usage (after `npm run build`):
 *   node dist/libs/unet/tools/graph-bench.js --dir onnx-models/bench --graph training --patch 64 --batch 2 --threads 2
 *   node dist/libs/unet/tools/graph-bench.js --dir onnx-models/bench --graph inference --volume 64 128 128 --batch 1
 * --profile writes ORT's per-node profile (ort-profile_*.json in the working directory); --no-arena turns off
 * ORT's CPU memory arena (lower peak RSS); --mode parallel --inter N tries ORT's parallel executor (measured slower:
 * README), --spin 1 lets idle ORT threads spin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeSafetensors } from '@fedstroke/runtime';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const dir = flag('dir', 'onnx-models/bench');
  const graph = flag('graph', 'training');
  const threads = Number(flag('threads', '2'));
  const batch = Number(flag('batch', graph === 'inference' ? '1' : '2'));
  const steps = Number(flag('steps', '10'));
  const warmup = Number(flag('warmup', '2'));
  const vi = process.argv.indexOf('--volume');
  const spatial = vi >= 0 ? process.argv.slice(vi + 1, vi + 4).map(Number) : Array(3).fill(Number(flag('patch', '64')));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const { tensors } = decodeSafetensors(readFileSync(join(dir, 'checkpoint.safetensors')), dir);
  const profile = process.argv.includes('--profile');
  const session = await ort.InferenceSession.create(join(dir, `${graph}_model.onnx`), {
    intraOpNumThreads: threads,
    interOpNumThreads: Number(flag('inter', '1')),
    executionMode: flag('mode', 'sequential') as 'sequential' | 'parallel',
    graphOptimizationLevel: 'all',
    enableProfiling: profile,
    profileFilePrefix: profile ? 'ort-profile' : undefined,
    enableCpuMemArena: !process.argv.includes('--no-arena'),
    extra: { session: { 'intra_op.allow_spinning': flag('spin', '0'), 'inter_op.allow_spinning': flag('spin', '0') } },
  });
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of tensors) feeds[t.name] = new ort.Tensor('float32', t.data, t.shape);
  const c = manifest.config.inChannels as number;
  const voxels = spatial.reduce((a: number, b: number) => a * b, 1);
  const image = new Float32Array(batch * c * voxels).map(() => Math.random() * 2 - 1);
  feeds.image = new ort.Tensor('float32', image, [batch, c, ...spatial]);
  if (graph !== 'inference') {
    const label = new Float32Array(batch * voxels).map(() => (Math.random() < 0.1 ? 1 : 0));
    feeds.label = new ort.Tensor('float32', label, [batch, 1, ...spatial]);
  }
  const times: number[] = [];
  // CPU time (user + system, all threads) per timed step: on a shared machine it measures the work done, where wall
  // time also measures the neighbours.
  let cpuMicros = 0;
  for (let i = 0; i < warmup + steps; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await session.run(feeds);
    const dt = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (i >= warmup) {
      times.push(dt);
      cpuMicros += cpu.user + cpu.system;
    }
    if (i === 0 && out.loss) process.stderr.write(`loss ${(out.loss.data as Float32Array)[0]}\n`);
  }
  if (profile) process.stderr.write(`profile: ${session.endProfiling()}\n`);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      graph,
      dir,
      batch,
      spatial,
      threads,
      medianMs: +median.toFixed(1),
      minMs: +times[0].toFixed(1),
      cpuMsPerStep: +(cpuMicros / 1000 / steps).toFixed(1),
      steps,
      peakRssMiB: +rss.toFixed(1),
    }),
  );
}

void main();
