import { Controller, Get, Header } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus scrape target; scrape it with the read-only token (`authorization` / `bearer_token` in Prometheus). */
  @Get('metrics')
  @Roles('ADMIN', 'READONLY')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): string {
    return this.metrics.render();
  }
}
