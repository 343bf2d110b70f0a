import {
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Res,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { SCAFFOLD_CONTROL_TENSOR } from '@fedstroke/federation';
import {
  BYTES_PER_PARAMETER,
  float32ToBytes,
  MODEL_HEADERS,
  type RefusalBody,
  ROUTES,
  sha256Hex,
} from '@fedstroke/protocol';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { MetricsService } from '../metrics/metrics.service';
import { ModelVersionsService } from '../model-versions/model-versions.service';
import { ServerStateStore } from '../orchestration/server-state.store';
import type { ModelVersionRecord } from '../persistence/records';
import { FederationMemberRepository, FederationRepository } from '../persistence/repositories';
import { ServingError } from '../serving/serving-errors';
import { ServingModels } from '../serving/serving-models.service';

@Controller(ROUTES.models)
export class ModelsController {
  constructor(
    private readonly versions: ModelVersionsService,
    private readonly federations: FederationRepository,
    private readonly members: FederationMemberRepository,
    private readonly serverState: ServerStateStore,
    private readonly metrics: MetricsService,
    private readonly serving: ServingModels,
  ) {}

  /** The global model's raw little-endian float32 weights, streamed from disk, with its sha256 in a header. */
  @Get(ROUTES.modelVersion)
  @Roles('ADMIN', 'SITE', 'INFERENCE')
  async download(
    @Param('versionId', new ParseUUIDPipe()) versionId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const version = await this.visibleVersion(versionId, principal);
    const federation = await this.federations.get(version.federationId);
    response.writeHead(200, {
      ...float32Headers(version, version.sha256, version.sizeBytes, federation?.config.model.parameterLayoutSha256),
      ETag: `"${version.sha256}"`,
    });
    const stream = this.versions.openRead(version);
    stream.on('data', (chunk) => this.metrics.bytesOut.inc({}, (chunk as Buffer).length));
    await pipeline(stream, response);
  }

  /**
   * SCAFFOLD's server control variate c as it stood after the round that made this version (zeros for the initial
   * model, as the paper starts it): what the sites of the next round correct their steps with. Raw float32 in
   * manifest order, sha256 in a header; 404 for a federation that is not SCAFFOLD.
   */
  @Get(ROUTES.modelControlVariate)
  @Roles('ADMIN', 'SITE')
  async downloadControlVariate(
    @Param('versionId', new ParseUUIDPipe()) versionId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const version = await this.visibleVersion(versionId, principal);
    const federation = await this.federations.get(version.federationId);
    if (federation?.config.strategy !== 'SCAFFOLD') {
      throw new NotFoundException(
        `model version ${versionId} has no control variate: its federation runs ${federation?.config.strategy ?? 'nothing'}, not SCAFFOLD`,
      );
    }
    const parameterCount = federation.config.model.parameterCount;
    const state = await this.serverState.read(version.file);
    const control =
      state?.tensors.find((t) => t.name === SCAFFOLD_CONTROL_TENSOR)?.data ?? new Float32Array(parameterCount);
    if (control.length !== parameterCount) {
      throw new Error(
        `control variate of model version ${versionId} holds ${control.length} values, not ${parameterCount}`,
      );
    }
    const bytes = float32ToBytes(control);
    response.writeHead(
      200,
      float32Headers(version, sha256Hex(bytes), bytes.byteLength, federation.config.model.parameterLayoutSha256),
    );
    this.metrics.bytesOut.inc({}, bytes.byteLength);
    response.end(bytes);
  }

  /**
   * A site sees the models of the federations it is a member of, not every hospital network's weights. An inference
   * token (a clinical integrator's) gets only what inference would run: a version that is promoted and not withdrawn
   * — never a round-0 starting point, an intermediate round or a withdrawn model, which it could otherwise run on
   * patients outside the coordinator. Administrators download any version (research, export).
   */
  private async visibleVersion(versionId: string, principal: Principal): Promise<ModelVersionRecord> {
    if (principal.role === 'INFERENCE') return this.servedVersion(versionId);
    const version = await this.versions.get(versionId);
    if (principal.role === 'SITE' && !(await this.members.isMember(version.federationId, principal.siteId))) {
      throw new ForbiddenException(
        `site ${principal.siteName} is not a member of the federation of model version ${versionId}`,
      );
    }
    return version;
  }

  private async servedVersion(versionId: string): Promise<ModelVersionRecord> {
    try {
      return await this.serving.forInference(versionId);
    } catch (error) {
      if (!(error instanceof ServingError)) throw error;
      const body: RefusalBody = {
        statusCode: HttpStatus.FORBIDDEN,
        code: error.code,
        message: `an inference token downloads only the served model: ${error.message}`,
      };
      throw new HttpException(body, HttpStatus.FORBIDDEN);
    }
  }
}

/** The headers of a raw float32 vector that belongs to a model version (its weights, or its control variate). */
function float32Headers(
  version: ModelVersionRecord,
  sha256: string,
  bytes: number,
  layoutSha256: string | undefined,
): Record<string, string> {
  return {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(bytes),
    [MODEL_HEADERS.sha256]: sha256,
    [MODEL_HEADERS.versionId]: version.id,
    [MODEL_HEADERS.roundIndex]: String(version.roundIndex),
    [MODEL_HEADERS.parameterCount]: String(bytes / BYTES_PER_PARAMETER),
    [MODEL_HEADERS.layoutSha256]: layoutSha256 ?? '',
  };
}
