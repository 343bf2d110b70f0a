import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { FedstrokeError } from '@fedstroke/common';
import { commands } from './commands';

/** `fedstroke`: every command registers itself from apps/cli/src/commands; this file only wires and reports errors. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('fedstroke')
    .description('Federated stroke-lesion segmentation: data, training, federation, inference, evaluation.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof FedstrokeError) {
      process.stderr.write(`fedstroke: ${error.name} [${error.code}]: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

void main(process.argv);
