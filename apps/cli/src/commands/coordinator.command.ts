import { configFromEnvironment, createCoordinatorApp, type CoordinatorConfig } from '@fedstroke/coordinator';
import type { Command } from 'commander';
import { stopsGracefully, untilStopped } from '../stop-signals';

interface CoordinatorFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  artifacts?: string;
  logLevel?: string;
}

/**
 * `fedstroke coordinator`: the coordinator as a process, configured from FEDSTROKE_* environment variables (the
 * admin token only ever comes from FEDSTROKE_ADMIN_TOKEN, never argv); flags override the rest. It prints JSON
 * log lines on stdout, the first being `coordinator.listening` with its URL, and stops cleanly on SIGTERM or SIGINT
 * (stop-signals.ts), exiting 0. A port in use is named (PORT_IN_USE).
 */
export function registerCoordinatorCommand(program: Command): void {
  program
    .command('coordinator')
    .description(
      'Run the federation coordinator (GraphQL on /graphql, weights on /models, updates on /rounds/:id/updates). ' +
        'Configured by FEDSTROKE_* variables: FEDSTROKE_ADMIN_TOKEN (required), FEDSTROKE_DATA_DIR, FEDSTROKE_PORT, ...',
    )
    .option('--port <n>', 'TCP port (0: any free port; overrides FEDSTROKE_PORT)')
    .option('--host <addr>', 'listen address (overrides FEDSTROKE_HOST)')
    .option('--data-dir <dir>', 'database, model versions and updates (overrides FEDSTROKE_DATA_DIR)')
    .option('--artifacts <dir>', 'root of the artifact folders (overrides FEDSTROKE_ARTIFACTS_DIR)')
    .option('--log-level <level>', 'debug, info, warn, error or silent (overrides FEDSTROKE_LOG_LEVEL)')
    .action(async (flags: CoordinatorFlags) => {
      const env = {
        ...process.env,
        ...(flags.port !== undefined && { FEDSTROKE_PORT: flags.port }),
        ...(flags.host !== undefined && { FEDSTROKE_HOST: flags.host }),
        ...(flags.dataDir !== undefined && { FEDSTROKE_DATA_DIR: flags.dataDir }),
        ...(flags.artifacts !== undefined && { FEDSTROKE_ARTIFACTS_DIR: flags.artifacts }),
        ...(flags.logLevel !== undefined && { FEDSTROKE_LOG_LEVEL: flags.logLevel }),
      };
      const config: CoordinatorConfig = configFromEnvironment(env);
      stopsGracefully();
      const coordinator = await createCoordinatorApp(config);
      const { signal } = await untilStopped();
      process.stdout.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'coordinator.stopping', signal })}\n`,
      );
      await coordinator.close();
    });
}
