/**
 * A job's input files, for viewers that draw its mask over the study (the dashboard's NiiVue view). A file is
 * served from where the job read it, its upload or its path under the inference root, and only while it is still
 * the file the job recorded (same sha256), so a viewer never shows a mask over a different image.
 */
import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import type { InferenceJobRecord, StudyRoleKey } from './persistence/inference-records';
import { toHttpError } from './inference-errors';
import { type ResolvedSource, StudySourceError, StudySources } from './study-sources';

const GONE_CODES = new Set(['UPLOAD_NOT_FOUND', 'PATH_NOT_FOUND']);

@Injectable()
export class JobInputs {
  constructor(private readonly sources: StudySources) {}

  /** The absolute path of the job's `role` input; 404 without one, 410 once deleted, 409 when it changed. */
  async file(job: InferenceJobRecord, role: StudyRoleKey): Promise<string> {
    const input = job.inputs[role];
    if (!input) throw new NotFoundException(`inference job ${job.id} has no ${role} input`);
    const separator = input.source.indexOf(':');
    const kind = input.source.slice(0, separator);
    const reference = input.source.slice(separator + 1);
    let resolved: ResolvedSource;
    try {
      resolved = await this.sources.resolve(
        role.toUpperCase(),
        kind === 'upload' ? { uploadId: reference } : { path: reference },
      );
    } catch (error) {
      if (error instanceof StudySourceError && GONE_CODES.has(error.code)) {
        throw new GoneException(
          `the ${role} of inference job ${job.id} is no longer on the coordinator: ${error.message}`,
        );
      }
      throw toHttpError(error);
    }
    if (resolved.sha256 !== input.sha256) {
      throw new ConflictException(
        `the ${role} file of inference job ${job.id} changed after the job ran (sha256 ${resolved.sha256.slice(0, 12)}…, ` +
          `the job read ${input.sha256.slice(0, 12)}…); it is not shown under this job's mask`,
      );
    }
    return resolved.path;
  }
}
