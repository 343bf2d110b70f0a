/**
 * Who is calling. ADMIN controls federations and sites; READONLY reads everything and subscribes (dashboards);
 * SITE is one hospital agent (its own tasks and uploads); INFERENCE is a clinical integrator (uploads, segmentStudy,
 * its jobs and their subscription, model versions and downloads).
 */
export const ROLES = ['ADMIN', 'READONLY', 'SITE', 'INFERENCE'] as const;
export type Role = (typeof ROLES)[number];

export type Principal =
  { role: 'ADMIN' | 'READONLY' | 'INFERENCE' } | { role: 'SITE'; siteId: string; siteName: string };

export type SitePrincipal = Extract<Principal, { role: 'SITE' }>;
