import {
  Controller,
  GoneException,
  ConflictException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { INFERENCE_UPLOAD_HEADERS, ROUTES } from '@fedstroke/protocol';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { WeightsStore } from '../storage/weights-store';
import { answerRefusal } from '../transfer/refusal-response';
import { callerOf } from './caller';
import { toHttpError } from './inference-errors';
import { InferenceJobsService } from './inference-jobs.service';
import { JobInputs } from './job-inputs.service';
import type { InferenceJobRecord } from './persistence/inference-records';
import { InferenceRepository } from './persistence/inference.repository';
import { type UploadReceiptBody, UploadsService } from './uploads.service';

/**
 * Binary study uploads and result downloads (never inside GraphQL JSON). These carry patient images: uploads are for
 * the inference role, downloads for the inference and admin roles (the dashboard's viewer), never READONLY.
 */
@Controller(ROUTES.inference)
export class InferenceController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly jobs: InferenceJobsService,
    private readonly repository: InferenceRepository,
    private readonly store: WeightsStore,
    private readonly inputs: JobInputs,
  ) {}

  /**
   * One NIfTI file (.nii or .nii.gz bytes) as the raw request body; optional X-Fedstroke-Filename. 201 with the
   * upload id and sha256; 413 past the size limit; 422 when it is not a readable 3-D NIfTI within the limits;
   * 429 / 503 when the caller's or the coordinator's upload slots are taken, 507 / 503 when storage fails (with
   * Retry-After).
   */
  @Post(ROUTES.inferenceUploads)
  @HttpCode(201)
  @Roles('INFERENCE')
  async upload(
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<UploadReceiptBody> {
    const header = request.headers[INFERENCE_UPLOAD_HEADERS.fileName];
    const fileName = typeof header === 'string' ? header.replace(/[^\w.-]/g, '_').slice(0, 200) : null;
    try {
      return await this.uploads.receive(request, callerOf(principal, request.headers.authorization), fileName);
    } catch (error) {
      throw toHttpError(answerRefusal(error, request, response));
    }
  }

  /** The DWI the job segmented, as it was given (.nii or .nii.gz): what a viewer draws the mask over. */
  @Get(ROUTES.inferenceDwi)
  @Roles('INFERENCE', 'ADMIN')
  async dwi(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const job = await this.existingJob(id);
    const path = await this.inputs.file(job, 'dwi');
    const gzip = await isGzip(path);
    await this.send(job, 'dwi', path, gzip ? 'nii.gz' : 'nii', principal, request, response);
  }

  @Get(ROUTES.inferenceMask)
  @Roles('INFERENCE', 'ADMIN')
  mask(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    return this.download(id, 'mask', principal, request, response);
  }

  @Get(ROUTES.inferenceProbability)
  @Roles('INFERENCE', 'ADMIN')
  prob(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    return this.download(id, 'prob', principal, request, response);
  }

  private async existingJob(id: string): Promise<InferenceJobRecord> {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException(`inference job ${id} does not exist`);
    if (job.status === 'EXPIRED')
      throw new GoneException(`the results of job ${id} were deleted after the retention time`);
    return job;
  }

  private async download(
    id: string,
    what: 'mask' | 'prob',
    principal: Principal,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const job = await this.existingJob(id);
    if (job.status !== 'SUCCEEDED') {
      throw new ConflictException(`job ${id} is ${job.status}; results exist only for SUCCEEDED jobs`);
    }
    const file = what === 'mask' ? job.maskFile : job.probFile;
    if (!file) throw new NotFoundException(`job ${id} has no probability map (ask for returnProbability: true)`);
    await this.send(job, what, this.store.resolve(file), 'nii.gz', principal, request, response);
  }

  /** Streams one file of the job and records the download in the audit trail (these files carry patient images). */
  private async send(
    job: InferenceJobRecord,
    what: 'dwi' | 'mask' | 'prob',
    path: string,
    extension: 'nii' | 'nii.gz',
    principal: Principal,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const { size } = await stat(path);
    await this.repository.audit({
      ...callerOf(principal, request.headers.authorization),
      at: Date.now(),
      action: 'DOWNLOAD',
      jobId: job.id,
      modelVersionId: job.modelVersionId,
      modelSha256: job.modelSha256,
      inputSha256s: Object.fromEntries(Object.entries(job.inputs).map(([role, input]) => [role, input!.sha256])),
      outcome: `DOWNLOADED ${what}`,
      errorCode: null,
    });
    response.writeHead(200, {
      'Content-Type': extension === 'nii.gz' ? 'application/gzip' : 'application/octet-stream',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${job.id}_${what}.${extension}"`,
    });
    await pipeline(createReadStream(path), response);
  }
}

/** Whether the file starts with the gzip magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
