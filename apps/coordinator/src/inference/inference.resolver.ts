import { NotFoundException, ParseUUIDPipe } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import type { GraphqlContext } from '../auth/request-context';
import { Roles } from '../auth/roles.decorator';
import { toPage } from '../common/page.model';
import { callerOf } from './caller';
import { InferenceJobsArgs } from './dto/inference-jobs.args';
import { SegmentStudyInput } from './dto/segment-study.input';
import { toGraphqlError } from './inference-errors';
import { InferenceJobsService } from './inference-jobs.service';
import { JobEvents } from './job-events.service';
import { InferenceJob, InferenceJobPage } from './models/inference-job.model';

@Resolver(() => InferenceJob)
export class InferenceResolver {
  constructor(
    private readonly jobs: InferenceJobsService,
    private readonly events: JobEvents,
  ) {}

  @Mutation(() => InferenceJob, {
    description:
      'Queue the segmentation of a study (DWI + ADC, FLAIR optional). Files are checked before the job is queued; ' +
      'a full queue is refused at once with extensions.code QUEUE_FULL.',
  })
  @Roles('INFERENCE')
  async segmentStudy(
    @Args('input') input: SegmentStudyInput,
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphqlContext,
  ): Promise<InferenceJob> {
    try {
      const job = await this.jobs.submit(input, callerOf(principal, context.req?.headers?.authorization));
      return InferenceJob.from(job, this.jobs.queuePosition(job.id));
    } catch (error) {
      throw toGraphqlError(error);
    }
  }

  @Query(() => InferenceJob)
  @Roles('INFERENCE', 'ADMIN')
  async inferenceJob(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<InferenceJob> {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException(`inference job ${id} does not exist`);
    return InferenceJob.from(job, this.jobs.queuePosition(id));
  }

  @Query(() => InferenceJobPage, { description: 'Segmentation jobs, newest first: the queue and its history.' })
  @Roles('INFERENCE', 'ADMIN')
  async inferenceJobs(@Args() args: InferenceJobsArgs): Promise<InferenceJobPage> {
    const page = await this.jobs.list({ offset: args.offset, limit: args.limit }, args.status);
    return toPage(page, args.offset, (job) => InferenceJob.from(job, this.jobs.queuePosition(job.id)));
  }

  @Subscription(() => InferenceJob, {
    description: 'Every status change of one inference job, starting with its current state (graphql-ws).',
    resolve: (payload: InferenceJob) => payload,
  })
  @Roles('INFERENCE', 'ADMIN')
  async inferenceJobUpdated(
    @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string,
  ): Promise<AsyncIterator<InferenceJob>> {
    if (!(await this.jobs.get(id))) throw new NotFoundException(`inference job ${id} does not exist`);
    const updates = this.events.subscribe(id, () => this.jobs.get(id));
    const jobs = this.jobs;
    return (async function* () {
      for await (const job of updates) yield InferenceJob.from(job, jobs.queuePosition(job.id));
    })();
  }
}
