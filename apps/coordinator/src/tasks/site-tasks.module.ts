import { Module } from '@nestjs/common';
import { SiteTasksResolver } from './site-tasks.resolver';
import { SiteTasksService } from './site-tasks.service';

@Module({ providers: [SiteTasksResolver, SiteTasksService] })
export class SiteTasksModule {}
