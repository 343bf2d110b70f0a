/**
 * The process's own metrics (CPU, resident memory, heap, event-loop lag, GC, open handles: prom-client's default
 * set, under their usual names `process_*` and `nodejs_*`). They describe the process, not one app in it, so they are
 * collected once per process (their GC observer and event-loop histogram are process-wide) and scraped with every
 * coordinator's own metrics.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
