import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsUUID, MaxLength } from 'class-validator';

@ArgsType()
export class FederationIdArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class FederationReasonArgs extends FederationIdArgs {
  @Field({ nullable: true, description: 'Recorded as the federation statusReason.' })
  @IsOptional()
  @MaxLength(500)
  reason?: string;
}
