/** Where the coordinator serves the dashboard (the built apps/dashboard). */
export const DASHBOARD_PATH = '/dashboard/';
