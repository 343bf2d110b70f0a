/**
 * Boots the coordinator in-process: what main.ts, the tests and `fedstroke simulate` all call.
 * The config is validated here (the same checks as the environment path), then the app listens.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FedstrokeError } from '@fedstroke/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import {
  type CoordinatorConfig,
  type CoordinatorConfigInput,
  resolveCoordinatorConfig,
} from './config/coordinator-config';
import { DASHBOARD_PATH } from './dashboard/dashboard-path';
import { mountDashboard } from './dashboard/dashboard-assets';
import { JsonLogger } from './logging/json-logger';

export interface CoordinatorApp {
  app: INestApplication;
  config: CoordinatorConfig;
  /** http(s)://host:port, with 127.0.0.1 for a wildcard host. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface CreateCoordinatorOptions {
  /** Where JSON log lines go (default stdout). */
  logWrite?: (line: string) => void;
}

export async function createCoordinatorApp(
  input: CoordinatorConfig | CoordinatorConfigInput,
  options: CreateCoordinatorOptions = {},
): Promise<CoordinatorApp> {
  const config = isResolved(input) ? input : resolveCoordinatorConfig(input);
  const logger = new JsonLogger(config.logLevel, options.logWrite);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger,
    abortOnError: false,
    // Client certificates are requested of everyone but checked only on site requests (the verifier, per request):
    // admin, dashboard and inference callers use tokens alone.
    httpsOptions: config.tls
      ? {
          cert: config.tls.cert,
          key: config.tls.key,
          ca: config.tls.clientCa ?? undefined,
          requestCert: true,
          rejectUnauthorized: false,
        }
      : undefined,
  });
  const dashboard = mountDashboard(app);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw listenError(error, config.port, config.host);
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  if (config.tls === null) {
    logger.event('warn', 'coordinator.plain_http', {
      url,
      message:
        'serving plain HTTP on loopback, for development only: tokens and model updates are not encrypted and sites ' +
        'are not authenticated by certificate; configure TLS (fedstroke pki init, FEDSTROKE_PKI_DIR) for anything else',
    });
  }
  logger.event('info', 'coordinator.listening', {
    url,
    dashboardUrl: `${url}${DASHBOARD_PATH}`,
    dashboardBuilt: dashboard.built,
    dataDir: config.dataDir,
    database: config.database.kind,
    tls: config.tls !== null,
    requireSiteCertificates: config.tls?.requireSiteCertificates ?? false,
    crl: config.tls?.crlFile ?? null,
  });
  return { app, config, url, port, close: () => app.close() };
}

/** The port could not be had: named, with what to do, instead of Node's bare `listen EADDRINUSE`. */
export class ListenError extends FedstrokeError {}

function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      'PORT_IN_USE',
      `port ${port} is in use on ${host} (another coordinator or program listens there): stop it, or choose ` +
        'another port with --port or FEDSTROKE_PORT (0: any free port)',
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new ListenError('CANNOT_LISTEN', `cannot listen on ${host}:${port} (${code})`, { cause: error });
  }
  return error;
}

function isResolved(input: CoordinatorConfig | CoordinatorConfigInput): input is CoordinatorConfig {
  return 'database' in input && typeof (input as CoordinatorConfig).database === 'object';
}
