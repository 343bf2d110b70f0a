/**
 * The HTTP connection pool the agent's fetch calls go through: with TLS it presents the site certificate and
 * trusts the configured CA, on every connection to the coordinator.
 */
import { Agent, type Dispatcher } from 'undici';
import type { SiteTlsConfig } from '../config/site-tls';

export function coordinatorDispatcher(tls: SiteTlsConfig | null): Dispatcher | undefined {
  if (tls === null) return undefined;
  return new Agent({
    connect: {
      ca: tls.ca ?? undefined,
      cert: tls.cert ?? undefined,
      key: tls.key ?? undefined,
    },
  });
}
