/**
 * Study file uploads: the body is streamed to disk under the data directory with a size limit and hashed on the way
 * (never buffered whole), then checked as a NIfTI (readable, 3-D, within the size limits, every voxel present and
 * finite) before it gets an id. A file that fails is deleted and the caller told why. Each upload holds one of the
 * caller's upload slots (UploadGate) from the first byte until its check is done, so the inflating of .nii.gz files
 * is bounded in number too; a storage fault (disk full, read-only) refuses only that upload (507 / 503).
 */
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { validateStudyFile } from '@fedstroke/inference';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { InferenceConfig } from '../config/inference-config';
import { UploadGate } from '../storage/upload-gate';
import { WeightsStore } from '../storage/weights-store';
import type { Caller, UploadRecord } from './persistence/inference-records';
import { InferenceRepository } from './persistence/inference.repository';

export interface UploadReceiptBody {
  uploadId: string;
  sha256: string;
  sizeBytes: number;
  shape: number[];
  spacing: number[];
  expiresAt: string;
}

@Injectable()
export class UploadsService {
  /** The `inference` section of the coordinator's config. */
  private readonly settings: InferenceConfig;

  constructor(
    config: CoordinatorConfigService,
    private readonly repository: InferenceRepository,
    private readonly store: WeightsStore,
    private readonly gate: UploadGate,
  ) {
    this.settings = config.get('inference');
  }

  async receive(body: Readable, caller: Caller, fileName: string | null): Promise<UploadReceiptBody> {
    const id = randomUUID();
    let release: () => void;
    try {
      release = this.gate.acquire(`${caller.role}:${caller.tokenFingerprint}`, `the ${caller.role} token`);
    } catch (error) {
      await this.audit(caller, id, [], 'REFUSED', (error as { code?: string }).code ?? 'UPLOAD_FAILED');
      throw error;
    }
    try {
      return await this.receiveHolding(id, body, caller, fileName);
    } finally {
      release();
    }
  }

  private async receiveHolding(
    id: string,
    body: Readable,
    caller: Caller,
    fileName: string | null,
  ): Promise<UploadReceiptBody> {
    const name = `upload ${id}${fileName ? ` (${fileName})` : ''}`;
    let received;
    try {
      received = await this.store.receive(body, 'inference/uploads', this.settings.maxUploadBytes);
    } catch (error) {
      await this.audit(caller, id, [], 'REFUSED', (error as { code?: string }).code ?? 'UPLOAD_FAILED');
      throw error;
    }
    try {
      const volume = await validateStudyFile(received.tmpPath, name, { maxVoxels: this.settings.maxVoxels });
      const file = `inference/uploads/${id}.nii`;
      await this.store.promote(received.tmpPath, file);
      const now = Date.now();
      const record: UploadRecord = {
        id,
        file,
        fileName,
        sha256: received.sha256,
        sizeBytes: received.sizeBytes,
        shape: volume.shape,
        ...caller,
        createdAt: now,
        expiresAt: now + this.settings.retentionMs,
      };
      await this.repository.createUpload(record);
      await this.audit(caller, id, [received.sha256], 'ACCEPTED', null);
      return {
        uploadId: id,
        sha256: received.sha256,
        sizeBytes: received.sizeBytes,
        shape: volume.shape,
        spacing: volume.spacing,
        expiresAt: new Date(record.expiresAt).toISOString(),
      };
    } catch (error) {
      await this.store.discard(received.tmpPath);
      await this.audit(caller, id, [received.sha256], 'REFUSED', (error as { code?: string }).code ?? 'INTERNAL');
      throw error;
    }
  }

  private audit(caller: Caller, uploadId: string, sha256s: string[], outcome: string, errorCode: string | null) {
    return this.repository.audit({
      ...caller,
      at: Date.now(),
      action: 'UPLOAD',
      jobId: null,
      modelVersionId: null,
      modelSha256: null,
      inputSha256s: sha256s,
      outcome: `${outcome} upload ${uploadId}`,
      errorCode,
    });
  }
}
