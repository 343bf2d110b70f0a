import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';

@InputType({ description: 'One study file: an id from POST /inference/uploads, or a path under the inference root.' })
export class StudyFileInput {
  @Field(() => ID, { nullable: true, description: 'uploadId returned by POST /inference/uploads.' })
  @IsOptional()
  @IsUUID()
  uploadId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A path relative to FEDSTROKE_INFERENCE_ROOT on the coordinator.',
  })
  @IsOptional()
  @IsString()
  path?: string | null;
}

@InputType()
export class SegmentStudyInput {
  @Field(() => StudyFileInput)
  @ValidateNested()
  @Type(() => StudyFileInput)
  dwi!: StudyFileInput;

  @Field(() => StudyFileInput, { description: 'On the DWI grid (same shape; affine within 1 mm).' })
  @ValidateNested()
  @Type(() => StudyFileInput)
  adc!: StudyFileInput;

  @Field(() => StudyFileInput, { nullable: true, description: 'Any space: resampled into the DWI grid.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => StudyFileInput)
  flair?: StudyFileInput | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Default: the serving model (query servingModel); none is a NO_SERVING_MODEL refusal. A given id must have ' +
      'been promoted and not withdrawn (MODEL_NOT_SERVED otherwise).',
  })
  @IsOptional()
  @IsUUID()
  modelVersionId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also keep the probability map for download.',
  })
  @IsOptional()
  @IsBoolean()
  returnProbability?: boolean;

  @Field(() => Float, {
    nullable: true,
    description:
      'Probability above which a voxel is lesion. Default: the threshold the model version records (chosen on the ' +
      "sites' validation splits by a federation with detectionSelection), else 0.5.",
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Drop lesions smaller than this many voxels. Default: what the model version records (see threshold), else 0.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  minLesionVoxels?: number;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Mirror test-time augmentation (8x the compute).',
  })
  @IsOptional()
  @IsBoolean()
  tta?: boolean;
}
