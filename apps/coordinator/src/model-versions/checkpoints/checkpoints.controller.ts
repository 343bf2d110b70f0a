import {
  BadRequestException,
  Controller,
  HttpCode,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FedstrokeError } from '@fedstroke/common';
import { decodeSafetensors, gatherParameters } from '@fedstroke/runtime';
import { Roles } from '../../auth/roles.decorator';
import { CoordinatorConfigService } from '../../config/coordinator-config.service';
import { PayloadTooLargeError, WeightsStore } from '../../storage/weights-store';
import { ArtifactModelError, readParameterLayout } from '../artifact-model.reader';
import { type CheckpointRecord, CheckpointStore } from './checkpoint-store';

/** Room for the safetensors JSON header (names, shapes, metadata) beyond the float32 data itself. */
const HEADER_ALLOWANCE_BYTES = 16 << 20;
const CONFIG_NAME = /^[A-Za-z0-9._-]+$/;

@Controller('checkpoints')
export class CheckpointsController {
  constructor(
    private readonly checkpoints: CheckpointStore,
    private readonly store: WeightsStore,
    private readonly config: CoordinatorConfigService,
  ) {}

  /**
   * A starting checkpoint for createFederation(input: { initialModel: { checkpointId } }): the raw body is a
   * safetensors file with one F32 tensor per parameter, named and shaped as in the config's manifest (a PyTorch
   * UNet3D state_dict saved with safetensors). 201 with its id and sha256s; 400 unknown config; 413 too large;
   * 422 not safetensors, or names, shapes or values that do not fit the config (the message says which).
   */
  @Post()
  @HttpCode(201)
  @Roles('ADMIN')
  async upload(
    @Query('config') configName: string | undefined,
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<CheckpointRecord> {
    try {
      return await this.receive(configName, request);
    } catch (error) {
      if (!request.readableEnded) response.setHeader('Connection', 'close');
      throw error;
    }
  }

  private async receive(configName: string | undefined, request: IncomingMessage): Promise<CheckpointRecord> {
    if (!configName || !CONFIG_NAME.test(configName)) {
      throw new BadRequestException('give the artifacts config the weights are for: POST /checkpoints?config=NAME');
    }
    let layout;
    try {
      layout = await readParameterLayout(this.config.get('artifactsDir'), configName);
    } catch (error) {
      if (error instanceof ArtifactModelError) throw new BadRequestException(error.message);
      throw error;
    }
    const limit = layout.parameterCount * 4 + HEADER_ALLOWANCE_BYTES;
    let body;
    try {
      body = await this.store.receive(request, 'checkpoints/incoming', limit);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        throw new PayloadTooLargeException(
          `${error.message}: config "${configName}" has ${layout.parameterCount} float32 parameters`,
        );
      }
      throw error;
    }
    try {
      const source = `uploaded checkpoint for config "${configName}"`;
      const bytes = await readFile(body.tmpPath);
      const weights = gatherParameters(decodeSafetensors(bytes, source).tensors, layout, source);
      return await this.checkpoints.save(weights, {
        config: configName,
        parameterCount: layout.parameterCount,
        parameterLayoutSha256: layout.parameterLayoutSha256,
        fileSha256: body.sha256,
      });
    } catch (error) {
      if (error instanceof FedstrokeError) throw new UnprocessableEntityException(error.message);
      throw error;
    } finally {
      await this.store.discard(body.tmpPath);
    }
  }
}
