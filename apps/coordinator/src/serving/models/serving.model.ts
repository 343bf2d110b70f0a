import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Paginated } from '../../common/page.model';
import { ModelVersion } from '../../model-versions/models/model-version.model';
import {
  SERVING_ACTIONS,
  SERVING_ACTORS,
  type ServingAction,
  type ServingActor,
  type ServingEventRecord,
} from '../persistence/serving-records';
import type { ServingModel as ServingModelRecord } from '../serving-models.service';

export const ServingActionEnum = Object.fromEntries(SERVING_ACTIONS.map((a) => [a, a])) as {
  [K in ServingAction]: K;
};
registerEnumType(ServingActionEnum, {
  name: 'ServingAction',
  description: 'PROMOTE: made a model the serving model. WITHDRAW: left none. DECLINE: the policy did not promote.',
});

export const ServingActorEnum = Object.fromEntries(SERVING_ACTORS.map((a) => [a, a])) as { [K in ServingActor]: K };
registerEnumType(ServingActorEnum, {
  name: 'ServingActor',
  description: 'ADMIN: an administrator, by mutation. POLICY: the completed-federation serving policy.',
});

@ObjectType({ description: 'One decision about which model inference serves (the serving audit).' })
export class ServingEvent {
  @Field(() => ID)
  id!: string;
  @Field()
  at!: Date;
  @Field(() => ServingActionEnum)
  action!: ServingAction;
  @Field(() => ServingActorEnum)
  actor!: ServingActor;
  @Field(() => String, { nullable: true, description: 'The name the administrator gave.' })
  actorName!: string | null;
  @Field(() => String, { nullable: true, description: "First 16 hex digits of the admin token's sha256." })
  tokenFingerprint!: string | null;
  @Field(() => ID, { nullable: true })
  modelVersionId!: string | null;
  @Field(() => String, { nullable: true })
  modelSha256!: string | null;
  @Field(() => ID, { nullable: true })
  federationId!: string | null;
  @Field()
  reason!: string;

  static from(record: ServingEventRecord): ServingEvent {
    return Object.assign(new ServingEvent(), { ...record, at: new Date(record.at) });
  }
}

@ObjectType()
export class ServingEventPage extends Paginated(ServingEvent) {}

@ObjectType({ description: 'The model segmentStudy uses when no modelVersionId is given, and who chose it.' })
export class ServingModel {
  @Field(() => ModelVersion)
  modelVersion!: ModelVersion;
  @Field(() => ServingEvent, { description: 'The promotion that made it the serving model.' })
  promotion!: ServingEvent;

  static from(serving: ServingModelRecord): ServingModel {
    return Object.assign(new ServingModel(), {
      modelVersion: ModelVersion.from(serving.version),
      promotion: ServingEvent.from(serving.promotion),
    });
  }
}
