/**
 * The coordinator's HTTP paths. Servers mount the route segments; clients build request paths with the functions,
 * so a route renamed here is renamed for both.
 */

/** Route segments as the coordinator's controllers mount them. */
export const ROUTES = {
  graphql: '/graphql',
  healthz: 'healthz',
  readyz: 'readyz',
  metrics: 'metrics',
  /** GET models/:versionId */
  models: 'models',
  modelVersion: ':versionId',
  /** GET models/:versionId/control-variate (SCAFFOLD's c after the round that made the version) */
  modelControlVariate: ':versionId/control-variate',
  /** POST rounds/:roundId/updates */
  rounds: 'rounds',
  roundUpdates: ':roundId/updates',
  /** POST inference/uploads; GET inference/jobs/:id/dwi, …/mask and …/prob */
  inference: 'inference',
  inferenceUploads: 'uploads',
  inferenceDwi: 'jobs/:id/dwi',
  inferenceMask: 'jobs/:id/mask',
  inferenceProbability: 'jobs/:id/prob',
} as const;

export const GRAPHQL_PATH = ROUTES.graphql;
export const READYZ_PATH = `/${ROUTES.readyz}`;
export const INFERENCE_UPLOADS_PATH = `/${ROUTES.inference}/${ROUTES.inferenceUploads}`;

export function modelDownloadPath(versionId: string): string {
  return `/${ROUTES.models}/${encodeURIComponent(versionId)}`;
}

export function controlVariatePath(versionId: string): string {
  return `${modelDownloadPath(versionId)}/control-variate`;
}

export function updateUploadPath(roundId: string): string {
  return `/${ROUTES.rounds}/${encodeURIComponent(roundId)}/updates`;
}

export function inferenceResultPath(jobId: string, what: 'dwi' | 'mask' | 'prob'): string {
  return `/${ROUTES.inference}/jobs/${encodeURIComponent(jobId)}/${what}`;
}

/** `base` (scheme, host, port, optional prefix) joined with an absolute path, whatever trailing slashes it has. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
