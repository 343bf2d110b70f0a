import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { benchmarkInference, benchmarkTraining, type BenchmarkResult } from '@fedstroke/runtime';
import { ensureArtifacts, namedConfig } from '@fedstroke/unet';
import type { Command } from 'commander';
import { registerBenchAggregate } from './bench-aggregate.command';
import { registerBenchSecagg } from './bench-secagg.command';
import { parseThreads } from './grad.command';

const PYTHON = '/usr/bin/python3';

interface CommonFlags {
  config: string;
  steps: string;
  warmup: string;
  threads?: string;
  provider: string;
  strict?: boolean;
  models: string;
  json?: boolean;
  torch?: boolean;
  torchScript: string;
}
interface TrainFlags extends CommonFlags {
  patch: string;
  batch: string;
}
interface InferFlags extends CommonFlags {
  volume: string[];
}

/** What the PyTorch reference printed for the same workload, or why it could not run. */
type TorchOutcome =
  | { available: true; medianMs: number; minMs: number; peakRssMiB: number; version: string; command: string }
  | { available: false; reason: string };

function positiveInteger(flag: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

/** onnx-models/<config> with the lowering of --provider; generated with @fedstroke/unet (deterministic) when absent. */
const artifactsFor = (flags: CommonFlags): Promise<string> =>
  ensureArtifacts(flags.models, flags.config, flags.provider, (line) =>
    process.stderr.write(`fedstroke bench: ${line}\n`),
  );

function runTorch(flags: CommonFlags, result: BenchmarkResult, workload: string[]): TorchOutcome {
  const script = resolve(flags.torchScript);
  if (!existsSync(script)) return { available: false, reason: `${script} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      available: false,
      reason: `PyTorch is unavailable (${PYTHON} -c "import torch" failed; install python3-torch)`,
    };
  }
  const config = namedConfig(result.config);
  const args = [
    script,
    ...[
      '--in-channels',
      String(config.inChannels),
      '--base',
      String(config.baseFilters),
      '--levels',
      String(config.levels),
    ],
    ...['--steps', String(result.steps), '--warmup', String(result.warmup), '--threads', String(result.threads)],
    ...workload,
  ];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const command = `${PYTHON} ${args.join(' ')}`;
  if (run.status !== 0)
    return { available: false, reason: `${command} exited with ${run.status}: ${run.stderr.trim().split('\n').pop()}` };
  const times = /(?:train step|forward)[^:]*: median ([\d.]+) ms, min ([\d.]+) ms/.exec(run.stdout);
  const rss = /peak RSS: ([\d.]+) MiB/.exec(run.stdout);
  if (!times || !rss) return { available: false, reason: `could not read the timings in the output of ${command}` };
  return {
    available: true,
    medianMs: Number(times[1]),
    minMs: Number(times[2]),
    peakRssMiB: Number(rss[1]),
    version: probe.stdout.trim(),
    command,
  };
}

function report(flags: CommonFlags, result: BenchmarkResult, torch?: TorchOutcome): void {
  const ratio = torch?.available ? result.time.medianMs / torch.medianMs : undefined;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ fedstroke: result, ...(torch ? { torch, ratio } : {}) }, null, 2)}\n`);
    return;
  }
  const t = result.time;
  const lines = [
    `fedstroke bench ${result.kind}: config ${result.config} (${result.parameterCount} parameters), input [${result.input.join(', ')}], ${result.provider}, ${result.threads} threads`,
    `  median ${t.medianMs.toFixed(1)} ms, min ${t.minMs.toFixed(1)} ms, mean ${t.meanMs.toFixed(1)} ms over ${result.steps} steps` +
      (result.split
        ? ` (trainStep ${result.split.trainStepMs.toFixed(1)} ms, optimizerStep ${result.split.optimizerStepMs.toFixed(1)} ms)`
        : ''),
    `  per-step ms: ${t.stepsMs.map((ms) => ms.toFixed(1)).join(' ')}`,
    `  peak RSS ${result.peakRssMiB.toFixed(1)} MiB`,
  ];
  if (torch?.available) {
    lines.push(
      `  torch ${torch.version}: median ${torch.medianMs.toFixed(1)} ms, min ${torch.minMs.toFixed(1)} ms, peak RSS ${torch.peakRssMiB.toFixed(1)} MiB`,
      `  ratio fedstroke/torch (median): ${ratio?.toFixed(2)}`,
    );
  } else if (torch) {
    lines.push(`  torch: unavailable: ${torch.reason}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

const phase = (warmup: boolean): string => (warmup ? 'warmup' : 'timed ');

/** Per-step lines on stderr (stdout stays for the report / JSON), like the reference script prints. */
function trainLog(flags: CommonFlags) {
  if (flags.json) return undefined;
  return (step: number, loss: number, ms: number, warmup: boolean) =>
    process.stderr.write(`  step ${step} ${phase(warmup)} loss ${loss.toFixed(6)} ${ms.toFixed(1)} ms\n`);
}

function inferLog(flags: CommonFlags) {
  if (flags.json) return undefined;
  return (step: number, ms: number, warmup: boolean) =>
    process.stderr.write(`  step ${step} ${phase(warmup)} ${ms.toFixed(1)} ms\n`);
}

function withCommonOptions(command: Command, defaults: { steps: string; warmup: string }): Command {
  return command
    .option('--config <name>', 'model config (artifacts in <models>/<name>/, generated if absent)', 'bench')
    .option('--steps <n>', 'timed steps', defaults.steps)
    .option('--warmup <n>', 'untimed steps first', defaults.warmup)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (and torch threads with --torch); default min(cores, 4)')
    .option('--provider <name>', 'execution provider: cpu, cuda, webgpu', 'cpu')
    .option('--strict', 'fail instead of falling back to cpu when the provider cannot start')
    .option('--models <dir>', 'root folder of the artifact folders', 'onnx-models')
    .option(
      '--torch',
      `also run the PyTorch reference (${PYTHON}) on the same workload, after fedstroke, and print the ratio`,
    )
    .option('--torch-script <file>', 'the PyTorch reference script', '../shared/bench/torch_unet3d.py')
    .option('--json', 'print one JSON object on stdout');
}

export function registerBenchCommand(program: Command): void {
  const bench = program
    .command('bench')
    .description(
      'Benchmarks. train / infer: the U-Net on the workload of ../shared/bench/torch_unet3d.py (median and min ms per ' +
        'step, parameter count, peak RSS; --torch runs the reference beside). aggregate: federation strategies. ' +
        'secagg: what secure aggregation adds to a round.',
    );

  withCommonOptions(
    bench
      .command('train')
      .description('Training steps (lazyResetGrad + trainStep + optimizerStep) on a fixed synthetic batch.'),
    { steps: '10', warmup: '2' },
  )
    .option('--patch <n>', 'cubic patch edge', '64')
    .option('--batch <n>', 'samples per step', '2')
    .action(async (flags: TrainFlags) => {
      const patch = positiveInteger('--patch', flags.patch);
      const options = {
        provider: flags.provider,
        strict: flags.strict,
        intraOpNumThreads: parseThreads(flags.threads),
        steps: positiveInteger('--steps', flags.steps, 0),
        warmup: positiveInteger('--warmup', flags.warmup, 0),
      };
      const batch = positiveInteger('--batch', flags.batch);
      const result = await benchmarkTraining(
        await artifactsFor(flags),
        [patch, patch, patch],
        batch,
        options,
        trainLog(flags),
      );
      const torch = flags.torch
        ? runTorch(flags, result, ['--patch', String(patch), '--batch', String(batch)])
        : undefined;
      report(flags, result, torch);
    });

  withCommonOptions(
    bench.command('infer').description('Whole-volume forward passes (batch 1) on a synthetic volume.'),
    { steps: '5', warmup: '1' },
  )
    .option('--volume <D H W...>', 'volume shape D H W', ['64', '128', '128'])
    .action(async (flags: InferFlags) => {
      if (flags.volume.length !== 3)
        throw new InvalidArgumentError(`--volume takes three sizes D H W, got ${flags.volume.join(' ')}`);
      const volume = flags.volume.map((v) => positiveInteger('--volume', v)) as [number, number, number];
      const options = {
        provider: flags.provider,
        strict: flags.strict,
        intraOpNumThreads: parseThreads(flags.threads),
        steps: positiveInteger('--steps', flags.steps, 0),
        warmup: positiveInteger('--warmup', flags.warmup, 0),
      };
      const result = await benchmarkInference(await artifactsFor(flags), volume, options, inferLog(flags));
      const torch = flags.torch ? runTorch(flags, result, ['--infer', '--volume', ...volume.map(String)]) : undefined;
      report(flags, result, torch);
    });

  registerBenchAggregate(bench); // `bench aggregate` (federation strategies) lives beside, in bench-aggregate.command.ts
  registerBenchSecagg(bench); // `bench secagg` (secure aggregation's cost) in bench-secagg.command.ts
}
