import { Controller, Get, Redirect } from '@nestjs/common';
import { Public } from '../auth/roles.decorator';
import { DASHBOARD_PATH } from './dashboard-path';

@Controller()
export class DashboardController {
  /** The coordinator's root is the dashboard (a page with no data; it asks for a token). */
  @Get()
  @Public()
  @Redirect(DASHBOARD_PATH, 302)
  root(): void {}
}
