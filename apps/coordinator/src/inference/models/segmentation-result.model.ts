import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { SegmentationSummary } from '@fedstroke/inference';
import { ModelTraining } from '../../model-versions/models/model-training.model';

@ObjectType()
export class Lesion {
  @Field(() => Float)
  volumeMl!: number;
  @Field(() => [Float], { description: 'Centroid in world (scanner RAS+) millimetres, through the DWI affine.' })
  centroidMm!: number[];
  @Field(() => Int)
  voxels!: number;
}

@ObjectType()
export class SegmentationModelInfo {
  @Field({ description: 'The model version id.' })
  version!: string;
  @Field({ description: 'sha256 of the raw float32 weights (the model version sha256).' })
  sha256!: string;
  @Field({ description: 'Artifacts config name, e.g. bench.' })
  config!: string;
  @Field(() => ModelTraining, {
    nullable: true,
    description: 'How the model was trained (null on results stored before this was recorded).',
  })
  training!: ModelTraining | null;
}

@ObjectType()
export class SegmentationTimings {
  @Field(() => Float)
  loadMs!: number;
  @Field(() => Float)
  preprocessMs!: number;
  @Field(() => Float)
  inferenceMs!: number;
  @Field(() => Float)
  postprocessMs!: number;
  @Field(() => Float)
  totalMs!: number;
}

@ObjectType({ description: 'Something a reader of the result must know (the input is unlike the training data, …).' })
export class QcWarningModel {
  @Field()
  code!: string;
  @Field()
  message!: string;
}

@ObjectType({ description: 'The mask is on the DWI grid: this shape, spacing and affine.' })
export class SegmentationGrid {
  @Field(() => [Int])
  shape!: number[];
  @Field(() => [Float])
  spacing!: number[];
  @Field(() => [[Float]], { description: '4x4 voxel-to-world affine, row by row (mm).' })
  affine!: number[][];
}

@ObjectType()
export class SegmentationResultModel {
  @Field(() => Float)
  lesionVolumeMl!: number;
  @Field(() => Int)
  lesionCount!: number;
  @Field(() => [Lesion], { description: 'Largest first.' })
  lesions!: Lesion[];
  @Field(() => SegmentationModelInfo)
  model!: SegmentationModelInfo;
  @Field(() => SegmentationTimings)
  timings!: SegmentationTimings;
  @Field(() => [QcWarningModel])
  qcWarnings!: QcWarningModel[];
  @Field(() => SegmentationGrid)
  grid!: SegmentationGrid;

  static from(summary: SegmentationSummary): SegmentationResultModel {
    return Object.assign(new SegmentationResultModel(), summary);
  }
}
