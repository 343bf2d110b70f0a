/**
 * Where a job's files come from: an upload id (POST /inference/uploads) or a path on the coordinator under the
 * allow-listed FEDSTROKE_INFERENCE_ROOT. Paths are resolved through symlinks and must stay inside the root, so
 * "../", absolute paths elsewhere and links pointing out are all refused with the same clear error. Only a regular
 * file is opened: a directory, a named pipe, a socket or a device under the root is refused at once (a FIFO opened
 * for reading would block one of the four pool threads every file operation of the process needs), and every read
 * runs under a time limit.
 */
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { FedstrokeError, FileAccessError, openRegularFile, readChunks } from '@fedstroke/common';
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

/** A file access failure said with the caller's own path (the server path stays on the server). */
function asSourceError(error: unknown, role: string, given: string): unknown {
  if (!(error instanceof FileAccessError)) return error;
  const where = `${role}: path "${given}"`;
  switch (error.code) {
    case 'FILE_NOT_REGULAR':
      return new StudySourceError(
        'PATH_NOT_A_FILE',
        `${where} is ${error.kind} under the inference root; expected a NIfTI file (.nii or .nii.gz)`,
      );
    case 'FILE_NOT_FOUND':
      return new StudySourceError('PATH_NOT_FOUND', `${where} does not exist under the inference root`);
    case 'IO_TIMEOUT':
      return new StudySourceError('PATH_IO_TIMEOUT', `${where}: the storage under the inference root does not answer`);
    default:
      return new StudySourceError('PATH_UNREADABLE', `${where} cannot be read by the coordinator`);
  }
}

/** sha256 of a regular file, read in chunks under a time limit each. */
async function sha256OfFile(path: string, role: string, given: string): Promise<string> {
  try {
    const file = await openRegularFile(path);
    try {
      const hash = createHash('sha256');
      for await (const chunk of readChunks(file)) hash.update(chunk);
      return hash.digest('hex');
    } finally {
      await file.close();
    }
  } catch (error) {
    throw asSourceError(error, role, given);
  }
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
    return { path: real, label: given, source: `path:${given}`, sha256: await sha256OfFile(real, role, given) };
  }
}
