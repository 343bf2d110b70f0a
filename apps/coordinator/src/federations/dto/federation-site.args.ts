import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsUUID, MaxLength } from 'class-validator';

@ArgsType()
export class FederationSiteArgs {
  @Field(() => ID)
  @IsUUID()
  federationId!: string;

  @Field(() => ID)
  @IsUUID()
  siteId!: string;

  @Field({ nullable: true, description: 'Recorded in the membership audit.' })
  @IsOptional()
  @MaxLength(500)
  reason?: string;
}
