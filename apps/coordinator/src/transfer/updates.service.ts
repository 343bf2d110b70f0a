/**
 * Receives one site update: authorise it against the site's assignment, take an upload slot, stream it to disk
 * under a size limit while hashing, check the declared sha256, validate it (libs/federation), then either store it
 * as ACCEPTED (its own file renamed into place before the database says so) or record the rejection with its code
 * and reason. Either way the orchestrator is told, since both can finish a round.
 *
 * A storage fault (disk full, read-only, out of file descriptors) is not the site's doing: nothing is recorded,
 * the partial file is gone, and the site is told to try again (507 or 503 with Retry-After) while the round goes on.
 */
import { Injectable, NotFoundException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { controlDeltaProblem } from '@fedstroke/federation';
import {
  type RefusalCode,
  parseUpdateHeaders,
  splitUpdateBody,
  updateBodyBytes,
  type UpdateMetadata,
} from '@fedstroke/protocol';
import type { SitePrincipal } from '../auth/principal';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { MetricsService } from '../metrics/metrics.service';
import { AggregationPort } from '../orchestration/aggregation.port';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import { updateParts } from '../orchestration/strategy-config';
import { UpdateNormBounds } from '../orchestration/update-norm-bounds';
import type { FederationRecord, ParticipationRecord, RoundRecord } from '../persistence/records';
import {
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  type UpdateReceipt,
} from '../persistence/repositories';
import { SecureAggregationService } from '../privacy/secure-aggregation/secure-aggregation.service';
import { ProgressPublisher } from '../rounds/progress-publisher.service';
import { StorageFaultError } from '../storage/storage-errors';
import { INCOMING_UPDATES_DIR, updateFile } from '../storage/update-files';
import { UploadGate } from '../storage/upload-gate';
import {
  PayloadTooLargeError,
  type ReceivedBody,
  StoredFileCorruptError,
  WeightsStore,
} from '../storage/weights-store';
import { RefusalException } from './refusal-response';

export interface UploadReceipt {
  participationId: string;
  status: 'ACCEPTED';
  roundId: string;
  roundIndex: number;
  sha256: string;
  bytes: number;
}

interface Upload {
  federation: FederationRecord;
  round: RoundRecord;
  participation: ParticipationRecord;
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
    private readonly gate: UploadGate,
    private readonly aggregator: AggregationPort,
    private readonly normBounds: UpdateNormBounds,
    private readonly orchestrator: RoundOrchestrator,
    private readonly progress: ProgressPublisher,
    private readonly metrics: MetricsService,
    private readonly config: CoordinatorConfigService,
    private readonly log: JsonLogger,
    private readonly secureAggregation: SecureAggregationService,
  ) {}

  async receive(roundId: string, site: SitePrincipal, request: IncomingMessage): Promise<UploadReceipt> {
    const round = await this.rounds.get(roundId);
    if (!round) throw new NotFoundException(`round ${roundId} does not exist`);
    const federation = (await this.federations.get(round.federationId)) as FederationRecord;
    const participation = await this.participations.find(round.id, site.siteId);
    if (!participation) {
      throw new RefusalException(
        'NOT_ASSIGNED',
        `site ${site.siteName} has no assignment in round ${round.index} of ${federation.name}; call nextTask first`,
      );
    }
    const upload = { federation, round, participation };
    const contentType = request.headers['content-type']?.split(';')[0].trim();
    if (contentType !== 'application/octet-stream') {
      throw new RefusalException(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be application/octet-stream (got ${contentType ?? 'none'})`,
      );
    }
    if (participation.status !== 'ASSIGNED' || round.status !== 'OPEN') {
      const [code, reason] = notReceivable(round, participation);
      // A late or repeated update is recorded on a participation without a reason yet; the participation keeps its
      // first reason (an ACCEPTED one is never altered), so this one is logged.
      await this.participations.reject(participation.id, Date.now(), reason, {});
      this.log.event('warn', 'update.refused', {
        federationId: federation.id,
        roundIndex: round.index,
        siteId: participation.siteId,
        participationStatus: participation.status,
        code,
        reason,
      });
      throw new RefusalException(code, reason, participation.id);
    }
    const headers = parseUpdateHeaders(request.headers);
    if (!headers.ok) return this.refuse(upload, 'BAD_HEADERS', headers.reason, {});
    const parts = updateParts(federation.config);
    if (headers.value.parts.join(',') !== parts.join(',')) {
      const reason =
        `an update of this ${federation.config.strategy} federation holds ${parts.join(', ')} ` +
        `(x-fedstroke-update-parts), this one ${headers.value.parts.join(', ')}`;
      return this.refuse(upload, 'BAD_HEADERS', reason, {});
    }
    const { parameterCount } = federation.config.model;
    const limit = updateBodyBytes(parameterCount, parts) + this.config.get('uploadSlackBytes');
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) {
      const reason = `Content-Length ${declared} exceeds the limit of ${limit} bytes for ${parts.join(' + ')} of ${parameterCount} parameters`;
      return this.refuse(upload, 'PAYLOAD_TOO_LARGE', reason, {});
    }
    return this.gate.with(`site:${site.siteId}`, `site ${site.siteName}`, () =>
      this.receiveBody(upload, headers.value, request, limit),
    );
  }

  private async receiveBody(
    upload: Upload,
    headers: UpdateMetadata,
    request: IncomingMessage,
    limit: number,
  ): Promise<UploadReceipt> {
    const { federation, round, participation } = upload;
    let body: ReceivedBody;
    try {
      body = await this.store.receive(request, INCOMING_UPDATES_DIR, limit);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        return this.refuse(upload, 'PAYLOAD_TOO_LARGE', error.message, { bytesReceived: limit });
      }
      if (error instanceof StorageFaultError) {
        this.log.event('error', 'update.storage_fault', {
          federationId: federation.id,
          roundIndex: round.index,
          siteId: participation.siteId,
          errno: error.errno,
          message: error.message,
        });
      }
      throw error;
    }
    try {
      return await this.acceptIfValid(upload, headers, body);
    } finally {
      // Gone already when it was renamed into place; removed here on every other way out.
      await this.store.discard(body.tmpPath);
    }
  }

  /** Validates the received body and, if it passes, moves it into place and accepts it. */
  private async acceptIfValid(upload: Upload, headers: UpdateMetadata, body: ReceivedBody): Promise<UploadReceipt> {
    const { federation, round, participation } = upload;
    this.metrics.bytesIn.inc({}, body.sizeBytes);
    const receipt: UpdateReceipt = {
      numSamples: headers.numSamples,
      metrics: headers.metrics,
      bytesReceived: body.sizeBytes,
      updateSha256: body.sha256,
    };
    const refusal = await this.validate(upload, headers, body);
    if (refusal) return this.refuse(upload, refusal.code, refusal.reason, receipt);
    const file = updateFile(federation.id, round.index, participation.siteId, participation.id, body.tag);
    await this.store.promote(body.tmpPath, file);
    const accepted = await this.participations.accept(participation.id, Date.now(), { ...receipt, updateFile: file });
    if (!accepted) {
      // Another upload of this participation won, or the round closed: this upload's own file goes, theirs stays.
      await this.store.discard(this.store.resolve(file));
      const [code, reason] = await this.whyNotAccepted(upload);
      return this.refuse(upload, code, reason, receipt);
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

  /** The refusal, or null when the update may be aggregated. */
  private async validate(
    { federation, round, participation }: Upload,
    headers: UpdateMetadata,
    body: ReceivedBody,
  ): Promise<{ code: RefusalCode; reason: string } | null> {
    if (body.sha256 !== headers.sha256) {
      const reason = `SHA256_MISMATCH: body sha256 ${body.sha256} differs from the declared ${headers.sha256} (corrupted in transit)`;
      return { code: 'SHA256_MISMATCH', reason };
    }
    if (body.sizeBytes % 4 !== 0) {
      const reason = `LENGTH_MISMATCH: ${body.sizeBytes} bytes is not a whole number of float32 values`;
      return { code: 'LENGTH_MISMATCH', reason };
    }
    if (federation.config.privacy?.secureAggregation)
      return this.validateMasked({ federation, round, participation }, headers, body);
    const { parameterCount } = federation.config.model;
    const values = await this.store.readFloat32Absolute(body.tmpPath);
    if (values.length !== updateBodyBytes(parameterCount, headers.parts) / 4) {
      const reason = `LENGTH_MISMATCH: ${values.length} float32 values, expected ${headers.parts.length} × ${parameterCount} for ${headers.parts.join(', ')}`;
      return { code: 'LENGTH_MISMATCH', reason };
    }
    const { weights, 'control-delta': controlDelta } = splitUpdateBody(values, parameterCount, headers.parts, 'update');
    if (controlDelta) {
      const problem = controlDeltaProblem(controlDelta, parameterCount);
      if (problem) return { code: problem.code, reason: `${problem.code}: ${problem.message}` };
    }
    const global = await this.globalForNormCheck(federation, round);
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
        global: global ?? new Float32Array(0),
        normBound: global ? await this.normBounds.forRound(federation, round, global) : null,
      },
    );
    return verdict.accepted ? null : { code: verdict.code, reason: verdict.reason };
  }

  /**
   * A masked input is uniform noise to the coordinator: nothing of its values can be checked (the unmasked sum is,
   * later). What can be: the round and layout it claims, its length, and that the site is in the secure round's step.
   */
  private async validateMasked(
    { federation, round, participation }: Upload,
    headers: UpdateMetadata,
    body: ReceivedBody,
  ): Promise<{ code: RefusalCode; reason: string } | null> {
    if (headers.baseModelVersionId !== round.baseModelVersionId) {
      return {
        code: 'WRONG_BASE_MODEL',
        reason: `WRONG_BASE_MODEL: masked input for model ${headers.baseModelVersionId}, the round trains ${round.baseModelVersionId}`,
      };
    }
    if (headers.layoutSha256 !== federation.config.model.parameterLayoutSha256) {
      return {
        code: 'LAYOUT_MISMATCH',
        reason: `LAYOUT_MISMATCH: layout ${headers.layoutSha256} is not the federation's`,
      };
    }
    const refusal = await this.secureAggregation.maskedInputRefusal(round, participation.siteId, body.sizeBytes);
    return refusal ? { code: refusal.code, reason: `${refusal.code}: ${refusal.reason}` } : null;
  }

  private async whyNotAccepted({ round, participation }: Upload): Promise<[RefusalCode, string]> {
    const now = await this.participations.get(participation.id);
    if (now?.status === 'ACCEPTED') {
      return [
        'ALREADY_ACCEPTED',
        `participation is already ACCEPTED: another upload of it was accepted while this one was being received; this one was discarded`,
      ];
    }
    const current = await this.rounds.get(round.id);
    if (current && current.status !== 'OPEN') {
      return ['LATE_UPDATE', `late update: round ${round.index} closed while the update was being received`];
    }
    return ['ALREADY_REPORTED', `participation is already ${now?.status ?? 'gone'}; one update per site per round`];
  }

  /** Records the rejection on the participation and throws it to the site with its code. */
  private async refuse(
    { federation, round, participation }: Upload,
    code: RefusalCode,
    reason: string,
    receipt: Partial<UpdateReceipt>,
  ): Promise<never> {
    await this.participations.reject(participation.id, Date.now(), reason, receipt);
    this.metrics.participations.inc({ status: 'rejected' });
    this.log.event('warn', 'update.rejected', {
      federationId: federation.id,
      roundIndex: round.index,
      siteId: participation.siteId,
      code,
      reason,
    });
    await this.progress.publish('UPDATE_REJECTED', federation.id, round.id, {
      siteId: participation.siteId,
      message: reason,
    });
    // A rejection can be the last outstanding report of the round.
    void this.orchestrator.kick(federation.id);
    throw new RefusalException(code, reason, participation.id);
  }

  /**
   * The round's global model, to measure the update's norm against; null when its file no longer matches its sha256.
   * The update is then received without the norm check: aggregation re-reads that base model and fails the round.
   */
  private async globalForNormCheck(federation: FederationRecord, round: RoundRecord): Promise<Float32Array | null> {
    try {
      return await this.globalWeights(round.baseModelVersionId);
    } catch (error) {
      if (!(error instanceof StoredFileCorruptError)) throw error;
      this.log.event('warn', 'update.norm_unchecked', {
        federationId: federation.id,
        roundIndex: round.index,
        reason: error.message,
      });
      return null;
    }
  }

  private async globalWeights(versionId: string): Promise<Float32Array> {
    if (this.cachedGlobal?.versionId !== versionId) {
      const version = await this.modelVersions.get(versionId);
      if (!version) throw new NotFoundException(`model version ${versionId} does not exist`);
      this.cachedGlobal = { versionId, weights: await this.store.readVerified(version.file, version.sha256) };
    }
    return this.cachedGlobal.weights;
  }
}

/** Why an update cannot be received at all: the round is over, or the participation already ended. */
function notReceivable(round: RoundRecord, participation: ParticipationRecord): [RefusalCode, string] {
  if (round.status !== 'OPEN') return ['LATE_UPDATE', `late update: round ${round.index} is ${round.status}`];
  const reason = `participation is already ${participation.status}; one update per site per round`;
  return [participation.status === 'ACCEPTED' ? 'ALREADY_ACCEPTED' : 'ALREADY_REPORTED', reason];
}
