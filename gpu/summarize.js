#!/usr/bin/env node
'use strict';
// Turns gpu/bench.sh's bench.jsonl into the tables of gpu/README.md: the median of every run, then per workload the
// ratios the issue asks for: CPU provider / WebGPU (target ≥ 5), WebGPU / PyTorch CUDA (goal ≤ 2), and the CPU
// lowering / the webgpu lowering, both on WebGPU (whether the per-provider lowering pays).
const { readFileSync } = require('node:fs');

const rows = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .filter((row) => !row.label.startsWith('artifacts'));
const median = new Map(rows.filter((r) => r.result.ok).map((r) => [r.label, r.result.medianMs]));
const fmt = (v) => (v === undefined ? '—' : v.toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(2));

console.log('| run | median ms | min ms | notes |');
console.log('| --- | --- | --- | --- |');
for (const { label, result } of rows) {
  const note = result.ok ? (result.provider ? `ran on ${result.provider}` : result.device) : `FAILED: ${result.error}`;
  console.log(`| ${label} | ${fmt(result.medianMs)} | ${fmt(result.minMs)} | ${note || ''} |`);
}
console.log(
  '\n| workload | cpu / webgpu (target ≥ 5) | webgpu / torch fp32 (goal ≤ 2) | webgpu / torch bf16 | cpu lowering / webgpu lowering, on webgpu |',
);
console.log('| --- | --- | --- | --- | --- |');
const workloads = [...new Set(rows.map((r) => r.label.split(' ').slice(0, 3).join(' ')))];
for (const w of workloads) {
  const at = (suffix) => median.get(`${w} ${suffix}`);
  const torch = at('torch-cuda') ?? at('torch-cpu');
  console.log(
    `| ${w} | ${ratio(at('cpu'), at('webgpu'))} | ${ratio(at('webgpu'), torch)} | ${ratio(at('webgpu'), at('torch-cuda-amp'))} | ${ratio(at('webgpu-cpu-lowering'), at('webgpu'))} |`,
  );
}
