import { ArgsType, Field } from '@nestjs/graphql';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationArgs } from '../../common/pagination.args';
import { FEDERATION_STATUSES, type FederationStatus } from '../../persistence/records';
import { FederationStatusEnum } from '../models/federation.model';

@ArgsType()
export class FederationsArgs extends PaginationArgs {
  @Field(() => FederationStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(FEDERATION_STATUSES)
  status?: FederationStatus;
}
