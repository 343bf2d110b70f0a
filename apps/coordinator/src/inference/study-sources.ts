/**
 * Where a job's files come from: an upload id (POST /inference/uploads) or a path on the coordinator under the
 * allow-listed FEDSTROKE_INFERENCE_ROOT. Paths are resolved through symlinks and must stay inside the root, so
 * "../", absolute paths elsewhere and links pointing out are all refused with the same clear error.
 */
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { InferenceConfig } from '../config/inference-config';
import { WeightsStore } from '../storage/weights-store';
import { InferenceRepository } from './persistence/inference.repository';

export class StudySourceError extends FedstrokeError {}

export interface StudySourceInput {
  uploadId?: string | null;
  path?: string | null;
}

export interface ResolvedSource {
  /** Absolute path on this machine (never shown to the caller). */
  path: string;
  /** How messages name the file: "upload <id> (<file name>)" or the path as the caller gave it. */
  label: string;
  /** Upload id or the caller's path: what the job and audit record. */
  source: string;
  sha256: string;
  /** Set for uploads: a job that uses it must keep it alive. */
  uploadId?: string;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

@Injectable()
export class StudySources {
  /** The `inference` section of the coordinator's config. */
  private readonly settings: InferenceConfig;

  constructor(
    config: CoordinatorConfigService,
    private readonly uploads: InferenceRepository,
    private readonly store: WeightsStore,
  ) {
    this.settings = config.get('inference');
  }

  async resolve(role: string, input: StudySourceInput): Promise<ResolvedSource> {
    const hasUpload = typeof input.uploadId === 'string' && input.uploadId !== '';
    const hasPath = typeof input.path === 'string' && input.path !== '';
    if (hasUpload === hasPath) {
      throw new StudySourceError('STUDY_SOURCE_INVALID', `${role}: give exactly one of uploadId or path`);
    }
    return hasUpload ? this.fromUpload(role, input.uploadId!) : this.fromPath(role, input.path!);
  }

  private async fromUpload(role: string, id: string): Promise<ResolvedSource> {
    const upload = await this.uploads.getUpload(id);
    if (!upload) {
      throw new StudySourceError(
        'UPLOAD_NOT_FOUND',
        `${role}: upload ${id} does not exist or has expired (uploads are kept ${this.settings.retentionMs} ms)`,
      );
    }
    return {
      path: this.store.resolve(upload.file),
      label: `upload ${id}${upload.fileName ? ` (${upload.fileName})` : ''}`,
      source: `upload:${id}`,
      sha256: upload.sha256,
      uploadId: id,
    };
  }

  private async fromPath(role: string, given: string): Promise<ResolvedSource> {
    const root = this.settings.root;
    if (!root) {
      throw new StudySourceError(
        'SERVER_PATHS_DISABLED',
        `${role}: server-side paths are disabled on this coordinator (FEDSTROKE_INFERENCE_ROOT is not set); upload the file instead`,
      );
    }
    const outside = () =>
      new StudySourceError(
        'PATH_OUTSIDE_ROOT',
        `${role}: path "${given}" is outside the allowed inference root; give a path relative to that root`,
      );
    if (given.includes('\0')) throw outside();
    const candidate = isAbsolute(given) ? resolve(given) : resolve(root, given);
    const realRoot = await realpath(root);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      if (!candidate.startsWith(root + sep)) throw outside();
      throw new StudySourceError('PATH_NOT_FOUND', `${role}: path "${given}" does not exist under the inference root`);
    }
    if (!real.startsWith(realRoot + sep)) throw outside();
    return { path: real, label: given, source: `path:${given}`, sha256: await sha256OfFile(real) };
  }
}
