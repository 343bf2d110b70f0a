import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Paginated } from '../../common/page.model';
import { INFERENCE_JOB_STATUSES, type InferenceJobRecord } from '../persistence/inference-records';
import { SegmentationResultModel } from './segmentation-result.model';

export enum InferenceJobStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InferenceJobStatusEnum, {
  name: 'InferenceJobStatus',
  description: `${INFERENCE_JOB_STATUSES.join(', ')}. EXPIRED: the result files were deleted after the retention time.`,
});

@ObjectType()
export class InferenceJobError {
  @Field({ description: 'Stable code, e.g. NIFTI_TRUNCATED, JOB_TIMEOUT.' })
  code!: string;
  @Field()
  message!: string;
}

@ObjectType()
export class InferenceJobInput {
  @Field({ description: 'dwi, adc or flair.' })
  role!: string;
  @Field({ description: 'upload:<id> or path:<path as given>.' })
  source!: string;
  @Field()
  sha256!: string;
}

@ObjectType({ description: 'A segmentation job: queued, computed, then its result kept for the retention time.' })
export class InferenceJob {
  @Field(() => ID)
  id!: string;
  @Field(() => InferenceJobStatusEnum)
  status!: InferenceJobStatusEnum;
  @Field(() => Int, { description: '1-based place among waiting jobs; 0 when not waiting.' })
  queuePosition!: number;
  @Field(() => ID)
  modelVersionId!: string;
  @Field()
  modelSha256!: string;
  @Field()
  modelConfig!: string;
  @Field(() => [InferenceJobInput])
  inputs!: InferenceJobInput[];
  @Field(() => SegmentationResultModel, { nullable: true })
  result!: SegmentationResultModel | null;
  @Field(() => InferenceJobError, { nullable: true })
  error!: InferenceJobError | null;
  @Field(() => String, {
    nullable: true,
    description: 'GET it with the inference or admin token: the DWI the job segmented, as it was given.',
  })
  dwiDownloadPath!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'GET it with the inference or admin token: the mask NIfTI (uint8, DWI grid).',
  })
  maskDownloadPath!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'GET it with the inference or admin token: the probability map (float32).',
  })
  probabilityDownloadPath!: string | null;
  @Field()
  createdAt!: Date;
  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the result files are deleted.' })
  expiresAt!: Date | null;

  static from(job: InferenceJobRecord, queuePosition = 0): InferenceJob {
    const date = (ms: number | null) => (ms === null ? null : new Date(ms));
    return Object.assign(new InferenceJob(), {
      id: job.id,
      status: job.status as InferenceJobStatusEnum,
      queuePosition,
      modelVersionId: job.modelVersionId,
      modelSha256: job.modelSha256,
      modelConfig: job.modelConfig,
      inputs: Object.entries(job.inputs).map(([role, input]) => ({ role, ...input! })),
      result: job.result ? SegmentationResultModel.from(job.result) : null,
      error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
      dwiDownloadPath: job.status === 'EXPIRED' ? null : `/inference/jobs/${job.id}/dwi`,
      maskDownloadPath: job.maskFile ? `/inference/jobs/${job.id}/mask` : null,
      probabilityDownloadPath: job.probFile ? `/inference/jobs/${job.id}/prob` : null,
      createdAt: new Date(job.createdAt),
      startedAt: date(job.startedAt),
      finishedAt: date(job.finishedAt),
      expiresAt: date(job.expiresAt),
    });
  }
}

@ObjectType()
export class InferenceJobPage extends Paginated(InferenceJob) {}
