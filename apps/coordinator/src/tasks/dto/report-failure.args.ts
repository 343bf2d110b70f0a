import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID, MaxLength, MinLength } from 'class-validator';

@ArgsType()
export class ReportFailureArgs {
  @Field(() => ID)
  @IsUUID()
  roundId!: string;

  @Field({ description: 'What went wrong, for the participation record (no patient data).' })
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}
