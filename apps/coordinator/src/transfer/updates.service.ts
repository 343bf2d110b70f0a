/**
 * Receives one site update: authorise it against the site's assignment, stream it to disk under a size limit while
 * hashing, check the declared sha256, validate it (libs/federation), then either store it as ACCEPTED (file renamed
 * into place before the database says so) or record the rejection with its reason. Either way the orchestrator is
 * told, since both can finish a round.
 */
import {
  ConflictException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { SitePrincipal } from '../auth/principal';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { MetricsService } from '../metrics/metrics.service';
import { AggregationPort } from '../orchestration/aggregation.port';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import type { FederationRecord, ParticipationRecord, RoundRecord } from '../persistence/records';
import {
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  type UpdateReceipt,
} from '../persistence/repositories';
import { ProgressPublisher } from '../rounds/progress-publisher.service';
import { PayloadTooLargeError, WeightsStore } from '../storage/weights-store';
import { parseUploadHeaders, type UploadHeaders } from './upload-headers';

export interface UploadReceipt {
  participationId: string;
  status: 'ACCEPTED';
  roundId: string;
  roundIndex: number;
  sha256: string;
  bytes: number;
}

/** A refused update: recorded on the participation, answered with `status` and this body. */
export class UpdateRejectedException extends HttpException {
  constructor(status: HttpStatus, participationId: string, reason: string) {
    super({ statusCode: status, status: 'REJECTED', participationId, reason, message: reason }, status);
  }
}

@Injectable()
export class UpdatesService {
  private cachedGlobal: { versionId: string; weights: Float32Array } | null = null;

  constructor(
    private readonly federations: FederationRepository,
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
    private readonly modelVersions: ModelVersionRepository,
    private readonly store: WeightsStore,
    private readonly aggregator: AggregationPort,
    private readonly orchestrator: RoundOrchestrator,
    private readonly progress: ProgressPublisher,
    private readonly metrics: MetricsService,
    private readonly config: CoordinatorConfigService,
    private readonly log: JsonLogger,
  ) {}

  async receive(roundId: string, site: SitePrincipal, request: IncomingMessage): Promise<UploadReceipt> {
    const round = await this.rounds.get(roundId);
    if (!round) throw new NotFoundException(`round ${roundId} does not exist`);
    const federation = (await this.federations.get(round.federationId)) as FederationRecord;
    const participation = await this.participations.find(round.id, site.siteId);
    if (!participation) {
      throw new ConflictException(
        `site ${site.siteName} has no assignment in round ${round.index} of ${federation.name}; call nextTask first`,
      );
    }
    const contentType = request.headers['content-type']?.split(';')[0].trim();
    if (contentType !== 'application/octet-stream') {
      throw new UnsupportedMediaTypeException(
        `Content-Type must be application/octet-stream (got ${contentType ?? 'none'})`,
      );
    }
    if (participation.status !== 'ASSIGNED' || round.status !== 'OPEN') {
      const reason =
        round.status !== 'OPEN'
          ? `late update: round ${round.index} is ${round.status}`
          : `participation is already ${participation.status}; one update per site per round`;
      // A late or repeated update is recorded (reason only; an ACCEPTED participation is never altered).
      await this.participations.reject(participation.id, Date.now(), reason, {});
      throw new UpdateRejectedException(HttpStatus.CONFLICT, participation.id, reason);
    }
    const headers = parseUploadHeaders(request.headers);
    if (!headers.ok) {
      await this.recordRejection(federation, round, participation, headers.reason, {});
      throw new UpdateRejectedException(HttpStatus.BAD_REQUEST, participation.id, headers.reason);
    }
    const limit = federation.config.model.parameterCount * 4 + this.config.get('uploadSlackBytes');
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) {
      const reason = `Content-Length ${declared} exceeds the limit of ${limit} bytes for ${federation.config.model.parameterCount} parameters`;
      await this.recordRejection(federation, round, participation, reason, {});
      throw new PayloadTooLargeException(reason);
    }
    return this.receiveBody(federation, round, participation, headers.value, request, limit);
  }

  private async receiveBody(
    federation: FederationRecord,
    round: RoundRecord,
    participation: ParticipationRecord,
    headers: UploadHeaders,
    request: IncomingMessage,
    limit: number,
  ): Promise<UploadReceipt> {
    const roundDir = `updates/${federation.id}/round-${String(round.index).padStart(5, '0')}`;
    let body;
    try {
      body = await this.store.receive(request, roundDir, limit);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      await this.recordRejection(federation, round, participation, error.message, { bytesReceived: limit });
      throw new PayloadTooLargeException(error.message);
    }
    this.metrics.bytesIn.inc({}, body.sizeBytes);
    const receipt: UpdateReceipt = {
      numSamples: headers.numSamples,
      metrics: headers.metrics,
      bytesReceived: body.sizeBytes,
      updateSha256: body.sha256,
    };
    const reason = await this.validate(federation, round, participation, headers, body);
    if (reason !== null) {
      await this.store.discard(body.tmpPath);
      await this.recordRejection(federation, round, participation, reason, receipt);
      throw new UpdateRejectedException(HttpStatus.UNPROCESSABLE_ENTITY, participation.id, reason);
    }
    const updateFile = `${roundDir}/${participation.siteId}-${participation.id}.f32`;
    await this.store.promote(body.tmpPath, updateFile);
    const accepted = await this.participations.accept(participation.id, Date.now(), { ...receipt, updateFile });
    if (!accepted) {
      const late = `round ${round.index} closed while the update was being received`;
      await this.recordRejection(federation, round, participation, late, receipt);
      throw new UpdateRejectedException(HttpStatus.CONFLICT, participation.id, late);
    }
    this.metrics.participations.inc({ status: 'accepted' });
    this.log.event('info', 'update.accepted', {
      federationId: federation.id,
      roundIndex: round.index,
      siteId: participation.siteId,
      numSamples: headers.numSamples,
      bytes: body.sizeBytes,
      sha256: body.sha256,
    });
    await this.progress.publish('UPDATE_ACCEPTED', federation.id, round.id, { siteId: participation.siteId });
    void this.orchestrator.kick(federation.id);
    return {
      participationId: participation.id,
      status: 'ACCEPTED',
      roundId: round.id,
      roundIndex: round.index,
      sha256: body.sha256,
      bytes: body.sizeBytes,
    };
  }

  /** Returns the rejection reason, or null when the update may be aggregated. */
  private async validate(
    federation: FederationRecord,
    round: RoundRecord,
    participation: ParticipationRecord,
    headers: UploadHeaders,
    body: { tmpPath: string; sha256: string; sizeBytes: number },
  ): Promise<string | null> {
    if (body.sha256 !== headers.sha256) {
      return `SHA256_MISMATCH: body sha256 ${body.sha256} differs from the declared ${headers.sha256} (corrupted in transit)`;
    }
    if (body.sizeBytes % 4 !== 0) {
      return `LENGTH_MISMATCH: ${body.sizeBytes} bytes is not a whole number of float32 values`;
    }
    const weights = await this.store.readFloat32Absolute(body.tmpPath);
    const { maxUpdateNorm } = federation.config.strategyParams;
    const verdict = this.aggregator.validate(
      {
        siteId: participation.siteId,
        roundId: round.id,
        baseModelId: headers.baseModelVersionId,
        layoutSha256: headers.layoutSha256,
        weights,
        numSamples: headers.numSamples,
        metrics: headers.metrics,
      },
      {
        roundId: round.id,
        baseModelId: round.baseModelVersionId,
        layoutSha256: federation.config.model.parameterLayoutSha256,
        parameterCount: federation.config.model.parameterCount,
        global: maxUpdateNorm === undefined ? new Float32Array(0) : await this.globalWeights(round.baseModelVersionId),
        maxUpdateNorm,
      },
    );
    return verdict.accepted ? null : verdict.reason;
  }

  private async recordRejection(
    federation: FederationRecord,
    round: RoundRecord,
    participation: ParticipationRecord,
    reason: string,
    receipt: Partial<UpdateReceipt>,
  ): Promise<void> {
    await this.participations.reject(participation.id, Date.now(), reason, receipt);
    this.metrics.participations.inc({ status: 'rejected' });
    this.log.event('warn', 'update.rejected', {
      federationId: federation.id,
      roundIndex: round.index,
      siteId: participation.siteId,
      reason,
    });
    await this.progress.publish('UPDATE_REJECTED', federation.id, round.id, {
      siteId: participation.siteId,
      message: reason,
    });
    // A rejection can be the last outstanding report of the round.
    void this.orchestrator.kick(federation.id);
  }

  private async globalWeights(versionId: string): Promise<Float32Array> {
    if (this.cachedGlobal?.versionId !== versionId) {
      const version = await this.modelVersions.get(versionId);
      if (!version) throw new NotFoundException(`model version ${versionId} does not exist`);
      this.cachedGlobal = { versionId, weights: await this.store.readFloat32(version.file) };
    }
    return this.cachedGlobal.weights;
  }
}
