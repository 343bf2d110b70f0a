import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { FedstrokeError } from '@fedstroke/common';
import { commands } from './commands';
import { packageVersion } from './package-version';
import { installStopHandlers, StoppedBySignal, stopSignal } from './stop-signals';

/**
 * `fedstroke`: every command registers itself from apps/cli/src/commands; this file only wires them, installs the one
 * SIGINT/SIGTERM handling every command shares (stop-signals.ts) and reports errors: on stderr as one line, or, when
 * the command was given --json, as one JSON object on stdout (`{"error": {"code", "name", "message"}}`), so a
 * script reading the JSON reads the failure too.
 */
async function main(argv: string[]): Promise<void> {
  installStopHandlers();
  const json = argv.slice(2).includes('--json');
  const program = new Command('fedstroke')
    .description('Federated stroke-lesion segmentation: data, training, federation, inference, evaluation.')
    .version(packageVersion(), '-V, --version', 'print the fedstroke version')
    .exitOverride();
  // In JSON mode commander's own error text and the help it adds are replaced by the JSON error below.
  if (json) program.configureOutput({ writeErr: () => undefined });
  else program.showHelpAfterError();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    report(error, json);
  }
  // A command that stopped cleanly on a signal has finished: whatever it left open must not keep the process.
  if (stopSignal.aborted) process.exit(process.exitCode ?? 0);
}

function report(failure: unknown, json: boolean): never {
  let error = failure;
  if (error instanceof CommanderError) {
    const informational = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    if (json && !informational) writeJsonError(error.code, 'UsageError', error.message.replace(/^error: /, ''));
    process.exit(error.exitCode);
  }
  // Whatever failed after a stop was asked for (a child gone, a step cut short) failed because of it.
  if (stopSignal.aborted) error = stopSignal.reason;
  const exitCode = error instanceof StoppedBySignal ? error.exitCode : error instanceof FedstrokeError ? 2 : 1;
  if (error instanceof FedstrokeError) {
    if (json) writeJsonError(error.code, error.name, error.message);
    else process.stderr.write(`fedstroke: ${error.name} [${error.code}]: ${error.message}\n`);
    process.exit(exitCode);
  }
  if (json) {
    writeJsonError(
      'INTERNAL',
      error instanceof Error ? error.name : 'Error',
      error instanceof Error ? error.message : String(error),
    );
    process.exit(exitCode);
  }
  throw error;
}

function writeJsonError(code: string, name: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ error: { code, name, message } })}\n`);
}

void main(process.argv);
