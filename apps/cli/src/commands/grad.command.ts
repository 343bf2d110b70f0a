import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import {
  readSafetensors,
  splitParameters,
  TrainingSession,
  writeSafetensors,
  type NamedTensor,
} from '@fedstroke/runtime';
import type { Command } from 'commander';

interface GradFlags {
  config: string;
  weights?: string;
  batch: string;
  out: string;
  models: string;
  provider: string;
  strict?: boolean;
  threads?: string;
  json?: boolean;
}

function tensorNamed(tensors: NamedTensor[], name: string, path: string): NamedTensor {
  const tensor = tensors.find((t) => t.name === name);
  if (!tensor) {
    throw new InvalidArgumentError(
      `--batch ${path} has no tensor "${name}"; it needs "image" [N,C,D,H,W] and "label" [N,1,D,H,W] (float32), found: ${tensors.map((t) => t.name).join(', ') || 'none'}`,
    );
  }
  return tensor;
}

export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const threads = Number(text);
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new InvalidArgumentError(`--threads must be a positive integer, got "${text}"`);
  return threads;
}

/**
 * Loss and gradients of the training graph for given weights and batch, written as safetensors so that any other
 * framework (PyTorch: safetensors.torch.load_file) can compare them tensor by tensor.
 */
export async function runGrad(
  flags: GradFlags,
): Promise<{ loss: number; out: string; parameterCount: number; provider: string }> {
  const session = await TrainingSession.create(join(flags.models, flags.config), {
    checkpoint: flags.weights,
    provider: flags.provider,
    strict: flags.strict,
    intraOpNumThreads: parseThreads(flags.threads),
  });
  try {
    const { tensors } = await readSafetensors(flags.batch);
    const image = tensorNamed(tensors, 'image', flags.batch);
    const label = tensorNamed(tensors, 'label', flags.batch);
    const loss = await session.trainStep(image, label);
    const gradients = splitParameters(session.getContiguousGradients(), session.manifest);
    await writeSafetensors(flags.out, [{ name: 'loss', shape: [], data: Float32Array.of(loss) }, ...gradients], {
      format: 'fedstroke-gradients/1',
      config: session.manifest.config.name,
      weights: flags.weights ?? 'artifacts checkpoint',
      batch: flags.batch,
    });
    return { loss, out: flags.out, parameterCount: session.getParametersSize(), provider: session.provider };
  } finally {
    await session.release();
  }
}

export function registerGradCommand(program: Command): void {
  program
    .command('grad')
    .description(
      'Loss and gradients of a model config for given weights and one batch: reads --batch (safetensors with "image" ' +
        '[N,C,D,H,W] and "label" [N,1,D,H,W], float32), writes --out (safetensors: "loss" and one gradient per parameter ' +
        'under the parameter name, i.e. the PyTorch state_dict key). For comparing gradients with any other framework.',
    )
    .requiredOption('--config <name>', 'model config; artifacts are read from <models>/<name>/')
    .option('--weights <file>', 'weights (safetensors keyed by parameter name); default: the artifacts checkpoint')
    .requiredOption('--batch <file>', 'safetensors holding "image" and "label"')
    .requiredOption('--out <file>', 'where to write the loss and gradients (safetensors)')
    .option('--models <dir>', 'root folder of the artifact folders', 'onnx-models')
    .option('--provider <name>', 'execution provider: cpu, cuda, webgpu', 'cpu')
    .option('--strict', 'fail instead of falling back to cpu when the provider cannot start')
    .option('--threads <n>', 'ONNX Runtime intra-op threads')
    .option('--json', 'print the result as JSON')
    .action(async (flags: GradFlags) => {
      const result = await runGrad(flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stdout.write(`loss ${result.loss}; wrote ${result.parameterCount} gradient values to ${result.out}\n`);
    });
}
