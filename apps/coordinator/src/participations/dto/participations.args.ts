import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { PaginationArgs } from '../../common/pagination.args';

@ArgsType()
export class ParticipationsArgs extends PaginationArgs {
  @Field(() => ID)
  @IsUUID()
  roundId!: string;
}
