#!/usr/bin/env node
'use strict';
/**
 * One GPU-benchmark measurement with nothing but the compiled libs (dist/libs/{runtime,unet,autograd,common,metrics})
 * and onnxruntime-node, so that it runs from the small bundle gpu/bundle.sh makes (the GPU machine has no network and
 * no node_modules). Prints one JSON line on stdout.
 *   node gpu/bench.js artifacts --config isles --provider webgpu --models DIR
 *   node gpu/bench.js train --config bench --patch 64 --provider webgpu --models DIR [--steps 5 --warmup 2 --threads 16]
 *   node gpu/bench.js infer --config bench --volume 64 128 128 --provider cpu --models DIR
 * FEDSTROKE_DIST points at the compiled tree (default ../dist beside this file).
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const dist = process.env.FEDSTROKE_DIST || path.join(__dirname, '..', 'dist');
const runtime = require(path.join(dist, 'libs', 'runtime', 'src'));
const unet = require(path.join(dist, 'libs', 'unet', 'src'));

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const kind = process.argv[2];
  const config = flag('config', 'bench');
  const provider = flag('provider', 'webgpu');
  const models = flag('models', 'onnx-models');
  const options = {
    provider,
    strict: true,
    intraOpNumThreads: Number(flag('threads', '4')),
    steps: Number(flag('steps', '5')),
    warmup: Number(flag('warmup', '2')),
  };
  if (kind === 'artifacts') {
    const t0 = performance.now();
    const { dir } = await unet.writeArtifacts(models, unet.namedConfig(config), 0, provider);
    return { kind, config, provider, dir, ms: performance.now() - t0 };
  }
  const dir = path.join(models, config);
  if (kind === 'train') {
    const patch = Number(flag('patch', '64'));
    return runtime.benchmarkTraining(dir, [patch, patch, patch], Number(flag('batch', '2')), options);
  }
  if (kind === 'infer') {
    const i = process.argv.indexOf('--volume');
    const volume = i >= 0 ? process.argv.slice(i + 1, i + 4).map(Number) : [64, 128, 128];
    return runtime.benchmarkInference(dir, volume, options);
  }
  throw new Error(`usage: node gpu/bench.js artifacts|train|infer --config NAME ... (got "${kind}")`);
}

main().then(
  (result) => {
    const { time, ...rest } = result;
    const summary = time ? { ...rest, medianMs: time.medianMs, minMs: time.minMs, stepsMs: time.stepsMs } : rest;
    process.stdout.write(`${JSON.stringify({ ok: true, ...summary })}\n`);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error.message || error).slice(0, 400) })}\n`);
    process.exitCode = 1;
  },
);
