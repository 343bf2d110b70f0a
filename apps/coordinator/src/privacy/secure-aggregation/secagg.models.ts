/** GraphQL shapes of the secure-aggregation exchange between a site and the coordinator (site token only). */
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SECAGG_STEPS, type SecAggStep } from './secagg-records';

export const SecAggStepEnum = Object.fromEntries(SECAGG_STEPS.map((s) => [s, s])) as { [K in SecAggStep]: K };
registerEnumType(SecAggStepEnum, {
  name: 'SecureAggregationStep',
  description:
    'ADVERTISE: sites send public keys. SHARE: sites send sealed shares to the roster. MASK: sites fetch their shares ' +
    'and upload masked inputs. UNMASK: survivors reveal shares. UNMASKED: the sum is rebuilt. FAILED: nothing unmasked.',
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

@ObjectType('SecureAggregationKeys', {
  description: 'One site’s public keys for a round, and its self-mask commitment.',
})
export class SecAggKeysModel {
  @Field(() => ID)
  siteId!: string;
  @Field({ description: 'X25519 public key (base64) for sealing shares to this site.' })
  encryptionKey!: string;
  @Field({ description: 'X25519 public key (base64) for agreeing pairwise masks.' })
  maskKey!: string;
  @Field({ description: 'sha256 (hex) of the site’s self-mask seed.' })
  selfMaskCommitment!: string;
}

@InputType('SecureAggregationKeysInput')
export class SecAggKeysInput {
  @Field(() => ID)
  @IsUUID()
  siteId!: string;
  @Field()
  @IsString()
  @MaxLength(64)
  @Matches(BASE64)
  encryptionKey!: string;
  @Field()
  @IsString()
  @MaxLength(64)
  @Matches(BASE64)
  maskKey!: string;
  @Field()
  @Matches(/^[0-9a-f]{64}$/)
  selfMaskCommitment!: string;
}

@ObjectType('SealedShare', { description: 'Shares of one site’s secrets, sealed for one recipient (AES-256-GCM).' })
export class SealedShareModel {
  @Field(() => ID)
  from!: string;
  @Field(() => ID)
  to!: string;
  @Field({ description: 'base64 envelope; only `to` can open it.' })
  envelope!: string;
}

@InputType('SealedShareInput')
export class SealedShareInput {
  @Field(() => ID)
  @IsUUID()
  from!: string;
  @Field(() => ID)
  @IsUUID()
  to!: string;
  @Field()
  @IsString()
  @MaxLength(1024)
  @Matches(BASE64)
  envelope!: string;
}

@ObjectType('UnmaskRequest', { description: 'The one request every survivor is asked: who survived, who dropped.' })
export class UnmaskRequestModel {
  @Field(() => [ID])
  survivors!: string[];
  @Field(() => [ID])
  dropped!: string[];
}

@InputType('RevealedShareInput')
export class RevealedShareInput {
  @Field(() => ID)
  @IsUUID()
  owner!: string;
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  x!: number;
  @Field()
  @IsString()
  @MaxLength(128)
  @Matches(BASE64)
  y!: string;
}

@InputType('UnmaskResponseInput', {
  description: 'Per peer: a survivor’s self-mask share or a dropout’s mask-key share.',
})
export class UnmaskResponseInput {
  @Field(() => ID)
  @IsUUID()
  from!: string;
  @Field(() => [RevealedShareInput])
  @ValidateNested({ each: true })
  @Type(() => RevealedShareInput)
  @ArrayMaxSize(10000)
  selfMaskShares!: RevealedShareInput[];
  @Field(() => [RevealedShareInput])
  @ValidateNested({ each: true })
  @Type(() => RevealedShareInput)
  @ArrayMaxSize(10000)
  maskKeyShares!: RevealedShareInput[];
}

@ObjectType('SecureAggregationRound', {
  description: 'What the calling site may see of a secure round at its current step.',
})
export class SecAggViewModel {
  @Field(() => ID)
  roundId!: string;
  @Field(() => SecAggStepEnum)
  step!: SecAggStep;
  @Field(() => Date, { nullable: true })
  stepDeadlineAt!: Date | null;
  @Field(() => String, { nullable: true })
  failureReason!: string | null;
  @Field({ description: 'Whether the site is still in the round at this step.' })
  included!: boolean;
  @Field(() => [SecAggKeysModel], { nullable: true, description: 'From SHARE on: the roster (U1).' })
  roster!: SecAggKeysModel[] | null;
  @Field(() => [SealedShareModel], { nullable: true, description: 'From MASK on: the shares sealed for this site.' })
  incomingShares!: SealedShareModel[] | null;
  @Field(() => UnmaskRequestModel, { nullable: true, description: 'From UNMASK on, to survivors.' })
  unmaskRequest!: UnmaskRequestModel | null;
}

@ArgsType()
export class SecAggWaitArgs {
  @Field(() => ID)
  @IsUUID()
  roundId!: string;
  @Field(() => SecAggStepEnum, { description: 'Answer once the round has reached this step (or failed).' })
  @IsIn(SECAGG_STEPS)
  step!: SecAggStep;
  @Field(() => Int, { defaultValue: 0, description: 'Long poll: wait up to this many seconds (capped like nextTask).' })
  @IsInt()
  @Min(0)
  @Max(600)
  waitSeconds = 0;
}
