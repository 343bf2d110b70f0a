import { Args, ArgsType, Context, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import type { GraphqlContext } from '../auth/request-context';
import { Roles } from '../auth/roles.decorator';
import { PaginationArgs } from '../common/pagination.args';
import { toPage } from '../common/page.model';
import { callerOf } from '../inference/caller';
import { toGraphqlError } from '../inference/inference-errors';
import { ServingEvent, ServingEventPage, ServingModel } from './models/serving.model';
import { type AdminActor, ServingModels } from './serving-models.service';

@ArgsType()
class ServingDecisionArgs {
  @Field({ description: 'Why (kept in the serving audit).' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Who decides (a name for the audit; the token is recorded too).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  by?: string | null;
}

@ArgsType()
class PromoteArgs extends ServingDecisionArgs {
  @Field(() => ID, { description: 'The model version to serve.' })
  @IsUUID()
  id!: string;
}

@Resolver()
export class ServingResolver {
  constructor(private readonly serving: ServingModels) {}

  @Query(() => ServingModel, {
    nullable: true,
    description: 'The model segmentStudy uses without modelVersionId; null: none, and segmentStudy refuses.',
  })
  @Roles('ADMIN', 'READONLY', 'INFERENCE')
  async servingModel(): Promise<ServingModel | null> {
    const serving = await this.serving.current();
    return serving ? ServingModel.from(serving) : null;
  }

  @Query(() => ServingEventPage, { description: 'Every serving decision, newest first (who, when, which model, why).' })
  @Roles('ADMIN', 'READONLY')
  async servingEvents(@Args() args: PaginationArgs): Promise<ServingEventPage> {
    const page = await this.serving.history({ offset: args.offset, limit: args.limit });
    return toPage(page, args.offset, ServingEvent.from);
  }

  @Mutation(() => ServingModel, {
    description:
      'Makes a model version (a round aggregate, never round 0) the serving model, recorded in the serving audit.',
  })
  @Roles('ADMIN')
  async promoteModelVersion(
    @Args() args: PromoteArgs,
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphqlContext,
  ): Promise<ServingModel> {
    try {
      return ServingModel.from(await this.serving.promote(args.id, args.reason, actor(principal, context, args)));
    } catch (error) {
      throw toGraphqlError(error);
    }
  }

  @Mutation(() => ServingEvent, {
    description: 'Stops serving the current model: segmentStudy refuses until a promotion.',
  })
  @Roles('ADMIN')
  async withdrawServingModel(
    @Args() args: ServingDecisionArgs,
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphqlContext,
  ): Promise<ServingEvent> {
    try {
      return ServingEvent.from(await this.serving.withdraw(args.reason, actor(principal, context, args)));
    } catch (error) {
      throw toGraphqlError(error);
    }
  }
}

function actor(principal: Principal, context: GraphqlContext, args: ServingDecisionArgs): AdminActor {
  return {
    name: args.by ?? null,
    tokenFingerprint: callerOf(principal, context.req?.headers?.authorization).tokenFingerprint,
  };
}
