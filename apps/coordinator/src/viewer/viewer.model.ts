import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type Principal, type Role, ROLES } from '../auth/principal';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'ADMIN: everything. READONLY: reads federations, rounds, sites and models, changes nothing. INFERENCE: clinical ' +
    'segmentation jobs and their results. SITE: one hospital agent.',
});

@ObjectType({ description: 'Who the calling token belongs to (a dashboard asks once to know what to offer).' })
export class Viewer {
  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'The site, for a SITE token.' })
  siteId!: string | null;

  static from(principal: Principal): Viewer {
    return Object.assign(new Viewer(), {
      role: principal.role,
      siteId: principal.role === 'SITE' ? principal.siteId : null,
    });
  }
}
