import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTES } from '@fedstroke/protocol';
import { CurrentSite } from '../auth/current-principal.decorator';
import type { SitePrincipal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { answerRefusal } from './refusal-response';
import { type UploadReceipt, UpdatesService } from './updates.service';

@Controller(ROUTES.rounds)
export class UpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  /**
   * A site's update for a round: raw little-endian float32 body (parameterCount values) with the UPDATE_HEADERS of
   * @fedstroke/protocol. 202 accepted; 400, 409, 413, 415, 422 refused (recorded, with a code); 429, 503, 507 not
   * now (nothing recorded; Retry-After).
   */
  @Post(ROUTES.roundUpdates)
  @HttpCode(202)
  @Roles('SITE')
  async upload(
    @Param('roundId', new ParseUUIDPipe()) roundId: string,
    @CurrentSite() site: SitePrincipal,
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<UploadReceipt> {
    try {
      return await this.updates.receive(roundId, site, request);
    } catch (error) {
      throw answerRefusal(error, request, response);
    }
  }
}
