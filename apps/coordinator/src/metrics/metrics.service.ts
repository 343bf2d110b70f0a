import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from './prometheus-registry';

/** The coordinator's operational metrics, rendered at /metrics. */
@Injectable()
export class MetricsService {
  readonly roundsEnded = new Counter('fedstroke_rounds_total', 'Rounds that ended, by final status.');
  readonly roundsOpened = new Counter('fedstroke_rounds_opened_total', 'Rounds opened (published).');
  readonly participations = new Counter(
    'fedstroke_participations_total',
    'Participation outcomes (assigned, accepted, rejected, failed, dropped).',
  );
  readonly aggregationSeconds = new Histogram(
    'fedstroke_aggregation_seconds',
    'Wall time of one aggregation, reading updates to the stored model.',
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  );
  readonly bytesIn = new Counter('fedstroke_update_bytes_received_total', 'Update bytes received from sites.');
  readonly bytesOut = new Counter('fedstroke_model_bytes_sent_total', 'Model bytes sent to clients.');

  render(): string {
    const all = [
      this.roundsOpened,
      this.roundsEnded,
      this.participations,
      this.aggregationSeconds,
      this.bytesIn,
      this.bytesOut,
    ];
    return `${all.map((metric) => metric.render()).join('\n')}\n`;
  }
}
