import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** `/` redirects to the dashboard; the static files themselves are mounted by mountDashboard (coordinator-app.ts). */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
