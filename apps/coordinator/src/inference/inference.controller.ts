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
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { WeightsStore } from '../storage/weights-store';
import { callerOf } from './caller';
import { toHttpError } from './inference-errors';
import { InferenceJobsService } from './inference-jobs.service';
import { InferenceRepository } from './persistence/inference.repository';
import { type UploadReceiptBody, UploadsService } from './uploads.service';

/** The header that may carry the original file name of an upload (for messages only; never a path). */
export const UPLOAD_FILENAME_HEADER = 'x-fedstroke-filename';

/** Binary study uploads and result downloads (never inside GraphQL JSON). Inference role only: these carry images. */
@Controller('inference')
export class InferenceController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly jobs: InferenceJobsService,
    private readonly repository: InferenceRepository,
    private readonly store: WeightsStore,
  ) {}

  /**
   * One NIfTI file (.nii or .nii.gz bytes) as the raw request body; optional X-Fedstroke-Filename. 201 with the
   * upload id and sha256; 413 past the size limit; 422 when it is not a readable 3-D NIfTI within the limits.
   */
  @Post('uploads')
  @HttpCode(201)
  @Roles('INFERENCE')
  async upload(
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<UploadReceiptBody> {
    const header = request.headers[UPLOAD_FILENAME_HEADER];
    const fileName = typeof header === 'string' ? header.replace(/[^\w.-]/g, '_').slice(0, 200) : null;
    try {
      return await this.uploads.receive(request, callerOf(principal, request.headers.authorization), fileName);
    } catch (error) {
      // A refusal mid-body leaves unread bytes on the socket: close it rather than let the client reuse it.
      if (!request.readableEnded) response.setHeader('Connection', 'close');
      throw toHttpError(error);
    }
  }

  @Get('jobs/:id/mask')
  @Roles('INFERENCE')
  mask(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    return this.download(id, 'mask', principal, request, response);
  }

  @Get('jobs/:id/prob')
  @Roles('INFERENCE')
  prob(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    return this.download(id, 'prob', principal, request, response);
  }

  private async download(
    id: string,
    what: 'mask' | 'prob',
    principal: Principal,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException(`inference job ${id} does not exist`);
    if (job.status === 'EXPIRED')
      throw new GoneException(`the results of job ${id} were deleted after the retention time`);
    if (job.status !== 'SUCCEEDED') {
      throw new ConflictException(`job ${id} is ${job.status}; results exist only for SUCCEEDED jobs`);
    }
    const file = what === 'mask' ? job.maskFile : job.probFile;
    if (!file) throw new NotFoundException(`job ${id} has no probability map (ask for returnProbability: true)`);
    const path = this.store.resolve(file);
    const { size } = await stat(path);
    await this.repository.audit({
      ...callerOf(principal, request.headers.authorization),
      at: Date.now(),
      action: 'DOWNLOAD',
      jobId: id,
      modelVersionId: job.modelVersionId,
      modelSha256: job.modelSha256,
      inputSha256s: Object.fromEntries(Object.entries(job.inputs).map(([role, input]) => [role, input!.sha256])),
      outcome: `DOWNLOADED ${what}`,
      errorCode: null,
    });
    response.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${id}_${what}.nii.gz"`,
    });
    await pipeline(createReadStream(path), response);
  }
}
