import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Roles } from '../auth/roles.decorator';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus scrape target; scrape it with the read-only token (`authorization` / `bearer_token` in Prometheus). */
  @Get('metrics')
  @Roles('ADMIN', 'READONLY')
  async render(@Res() response: ServerResponse): Promise<void> {
    const text = await this.metrics.render();
    response.writeHead(200, { 'Content-Type': this.metrics.contentType });
    response.end(text);
  }
}
