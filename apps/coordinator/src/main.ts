/** `node dist/apps/coordinator/src/main.js`: the coordinator configured from FEDSTROKE_* environment variables. */
import { FedstrokeError } from '@fedstroke/common';
import { configFromEnvironment } from './config/coordinator-config';
import { createCoordinatorApp } from './coordinator-app';

async function main(): Promise<void> {
  const coordinator = await createCoordinatorApp(configFromEnvironment(process.env));
  const stop = (signal: string) => {
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'coordinator.stopping', signal })}\n`,
    );
    coordinator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof FedstrokeError ? `${error.name} [${error.code}]: ${error.message}` : String(error);
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', event: 'coordinator.boot_failed', message })}\n`,
  );
  process.exit(2);
});
