import { Controller, ForbiddenException, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BYTES_PER_PARAMETER, MODEL_HEADERS, ROUTES } from '@fedstroke/protocol';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { MetricsService } from '../metrics/metrics.service';
import { ModelVersionsService } from '../model-versions/model-versions.service';
import { FederationMemberRepository, FederationRepository } from '../persistence/repositories';

@Controller(ROUTES.models)
export class ModelsController {
  constructor(
    private readonly versions: ModelVersionsService,
    private readonly federations: FederationRepository,
    private readonly members: FederationMemberRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** The global model's raw little-endian float32 weights, streamed from disk, with its sha256 in a header. */
  @Get(ROUTES.modelVersion)
  @Roles('ADMIN', 'SITE', 'INFERENCE')
  async download(
    @Param('versionId', new ParseUUIDPipe()) versionId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const version = await this.versions.get(versionId);
    // A site sees the models of the federations it is a member of, not every hospital network's weights.
    if (principal.role === 'SITE' && !(await this.members.isMember(version.federationId, principal.siteId))) {
      throw new ForbiddenException(
        `site ${principal.siteName} is not a member of the federation of model version ${versionId}`,
      );
    }
    const federation = await this.federations.get(version.federationId);
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(version.sizeBytes),
      ETag: `"${version.sha256}"`,
      [MODEL_HEADERS.sha256]: version.sha256,
      [MODEL_HEADERS.versionId]: version.id,
      [MODEL_HEADERS.roundIndex]: String(version.roundIndex),
      [MODEL_HEADERS.parameterCount]: String(version.sizeBytes / BYTES_PER_PARAMETER),
      [MODEL_HEADERS.layoutSha256]: federation?.config.model.parameterLayoutSha256 ?? '',
    });
    const stream = this.versions.openRead(version);
    stream.on('data', (chunk) => this.metrics.bytesOut.inc({}, (chunk as Buffer).length));
    await pipeline(stream, response);
  }
}
