import { ArgsType, Field } from '@nestjs/graphql';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationArgs } from '../../common/pagination.args';
import { InferenceJobStatusEnum } from '../models/inference-job.model';
import { INFERENCE_JOB_STATUSES, type InferenceJobStatus } from '../persistence/inference-records';

@ArgsType()
export class InferenceJobsArgs extends PaginationArgs {
  @Field(() => InferenceJobStatusEnum, { nullable: true, description: 'Only jobs in this status.' })
  @IsOptional()
  @IsIn(INFERENCE_JOB_STATUSES)
  status?: InferenceJobStatus;
}
