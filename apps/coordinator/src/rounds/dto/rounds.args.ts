import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { PaginationArgs } from '../../common/pagination.args';

@ArgsType()
export class RoundsArgs extends PaginationArgs {
  @Field(() => ID)
  @IsUUID()
  federationId!: string;
}

@ArgsType()
export class RoundProgressArgs {
  @Field(() => ID)
  @IsUUID()
  federationId!: string;
}
