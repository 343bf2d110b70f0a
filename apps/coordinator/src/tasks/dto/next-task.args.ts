import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

@ArgsType()
export class NextTaskArgs {
  @Field(() => ID, { nullable: true, description: 'Only this federation (and FINISHED once it has ended).' })
  @IsOptional()
  @IsUUID()
  federationId?: string;

  @Field(() => Int, {
    defaultValue: 0,
    description: 'Long poll: wait up to this many seconds for work (capped by FEDSTROKE_LONG_POLL_MAX_SECONDS).',
  })
  @IsInt()
  @Min(0)
  @Max(600)
  waitSeconds = 0;
}
