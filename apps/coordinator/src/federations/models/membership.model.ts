import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  type FederationMemberRecord,
  MEMBERSHIP_ACTIONS,
  type MembershipAction,
  type MembershipEventRecord,
} from '../../persistence/records';
import { Site } from '../../sites/models/site.model';

export const MembershipActionEnum = Object.fromEntries(MEMBERSHIP_ACTIONS.map((a) => [a, a])) as {
  [K in MembershipAction]: K;
};
registerEnumType(MembershipActionEnum, { name: 'MembershipAction' });

@ObjectType({ description: 'A site named as a member: only members are given its rounds and download its models.' })
export class FederationMember {
  @Field(() => Site)
  site!: Site;
  @Field()
  addedAt!: Date;

  static from(record: FederationMemberRecord): FederationMember {
    return Object.assign(new FederationMember(), { site: Site.from(record.site), addedAt: new Date(record.addedAt) });
  }
}

@ObjectType({ description: "One change of a federation's membership, as the audit keeps it." })
export class MembershipEvent {
  @Field()
  at!: Date;
  @Field(() => MembershipActionEnum)
  action!: MembershipAction;
  @Field()
  siteId!: string;
  @Field()
  reason!: string;

  static from(record: MembershipEventRecord): MembershipEvent {
    return Object.assign(new MembershipEvent(), {
      at: new Date(record.at),
      action: record.action,
      siteId: record.siteId,
      reason: record.reason,
    });
  }
}
