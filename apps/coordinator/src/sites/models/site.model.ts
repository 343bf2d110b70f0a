import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { date } from '../../common/metric.model';
import { Paginated } from '../../common/page.model';
import { SITE_STATUSES, type SiteRecord, type SiteStatus } from '../../persistence/records';

export const SiteStatusEnum = Object.fromEntries(SITE_STATUSES.map((s) => [s, s])) as { [K in SiteStatus]: K };
registerEnumType(SiteStatusEnum, { name: 'SiteStatus' });

@ObjectType({ description: 'A hospital agent. Its token is never readable after registration.' })
export class Site {
  @Field(() => ID)
  id!: string;
  @Field()
  name!: string;
  @Field(() => SiteStatusEnum)
  status!: SiteStatus;
  @Field()
  createdAt!: Date;
  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
  @Field(() => Date, { nullable: true })
  lastSeenAt!: Date | null;

  static from(record: SiteRecord): Site {
    return Object.assign(new Site(), {
      id: record.id,
      name: record.name,
      status: record.status,
      createdAt: new Date(record.createdAt),
      revokedAt: date(record.revokedAt),
      lastSeenAt: date(record.lastSeenAt),
    });
  }
}

@ObjectType()
export class SitePage extends Paginated(Site) {}

@ObjectType()
export class SiteRegistration {
  @Field(() => Site)
  site!: Site;

  @Field({ description: 'The site token. Shown once: only its sha256 is stored. Give it to the site agent.' })
  token!: string;
}
