import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CurrentSite } from '../auth/current-principal.decorator';
import type { SitePrincipal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { type UploadReceipt, UpdatesService } from './updates.service';

@Controller('rounds')
export class UpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  /**
   * A site's update for a round: raw little-endian float32 body (parameterCount values), headers
   * X-Fedstroke-Sha256, -Base-Model-Version, -Layout-Sha256, -Num-Samples and optional -Metrics (JSON).
   * 202 accepted; 400 bad headers, 409 late or not assigned, 413 too large, 422 failed validation (all recorded).
   */
  @Post(':roundId/updates')
  @HttpCode(202)
  @Roles('SITE')
  upload(
    @Param('roundId', new ParseUUIDPipe()) roundId: string,
    @CurrentSite() site: SitePrincipal,
    @Req() request: IncomingMessage,
  ): Promise<UploadReceipt> {
    return this.updates.receive(roundId, site, request);
  }
}
