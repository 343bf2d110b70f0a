import { LOWERING_PROVIDERS, loweringFor } from '@fedstroke/autograd';
import { InvalidArgumentError } from '@fedstroke/common';
import { NAMED_CONFIGS, namedConfig, writeArtifacts } from '@fedstroke/unet';
import type { Command } from 'commander';

interface ArtifactsFlags {
  config: string;
  out: string;
  seed: string;
  provider: string;
  json?: boolean;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError(`--seed must be an integer in [0, 4294967295], got "${text}"`);
  }
  return seed;
}

function parseLoweringProvider(text: string): string {
  if (!(LOWERING_PROVIDERS as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`--provider must be one of ${LOWERING_PROVIDERS.join(', ')}, got "${text}"`);
  }
  return loweringFor(text).provider;
}

export function registerArtifactsCommand(program: Command): void {
  program
    .command('artifacts')
    .description(
      'Generate the ONNX training artifacts of a named 3-D U-Net config into <out>/<config>/: training_model.onnx ' +
        '(loss + one gradient per parameter), eval_model.onnx, inference_model.onnx, checkpoint.safetensors (seeded ' +
        'He init) and manifest.json. Deterministic: the same config, seed and provider give byte-identical files. ' +
        'The graphs are lowered for --provider (recorded in the manifest): cpu into <out>/<config>/, another provider ' +
        'into <out>/<config>/<provider>/ beside it; commands run the lowering of their provider.',
    )
    .requiredOption('--config <name>', `model config: ${Object.keys(NAMED_CONFIGS).join(', ')}`)
    .option('--out <dir>', 'root folder of the artifact folders', 'onnx-models')
    .option('--seed <n>', 'seed of the initial weights', '0')
    .option(
      '--provider <name>',
      `lower the graphs for: ${LOWERING_PROVIDERS.join(', ')} (cuda runs the cpu lowering)`,
      'cpu',
    )
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (flags: ArtifactsFlags) => {
      const config = namedConfig(flags.config);
      const provider = parseLoweringProvider(flags.provider);
      const { dir, manifest } = await writeArtifacts(flags.out, config, parseSeed(flags.seed), provider);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
        return;
      }
      const count = manifest.parameterCount as number;
      process.stdout.write(
        `wrote ${dir}: ${(manifest.parameters as unknown[]).length} parameter tensors, ${count} parameters, ${provider} lowering\n`,
      );
    });
}
