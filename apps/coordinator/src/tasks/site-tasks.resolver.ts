import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentSite } from '../auth/current-principal.decorator';
import type { SitePrincipal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { Participation } from '../participations/models/participation.model';
import { NextTaskArgs } from './dto/next-task.args';
import { ReportFailureArgs } from './dto/report-failure.args';
import { SiteTask } from './models/site-task.model';
import { SiteTasksService } from './site-tasks.service';

/** The site agent's control operations (site token only). Weights travel over the binary endpoints. */
@Resolver(() => SiteTask)
export class SiteTasksResolver {
  constructor(private readonly tasks: SiteTasksService) {}

  @Mutation(() => SiteTask, {
    description:
      "The calling site's next task: its current assignment, a new one in an open round, or WAIT. " +
      'A mutation because it assigns the site to a round. Idempotent while the assignment is open.',
  })
  @Roles('SITE')
  nextTask(@CurrentSite() site: SitePrincipal, @Args() args: NextTaskArgs): Promise<SiteTask> {
    return this.tasks.next(site, { federationId: args.federationId, waitSeconds: args.waitSeconds });
  }

  @Mutation(() => Participation, {
    description: 'The site could not train this round (data, memory, ...): frees the round from waiting for it.',
  })
  @Roles('SITE')
  async reportFailure(@CurrentSite() site: SitePrincipal, @Args() args: ReportFailureArgs): Promise<Participation> {
    return Participation.from(await this.tasks.reportFailure(site, args.roundId, args.reason));
  }
}
