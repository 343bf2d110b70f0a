/** Response headers of GET /models/:versionId. */
export const MODEL_HEADERS = {
  sha256: 'X-Fedstroke-Sha256',
  versionId: 'X-Fedstroke-Model-Version',
  roundIndex: 'X-Fedstroke-Round-Index',
  parameterCount: 'X-Fedstroke-Parameter-Count',
  layoutSha256: 'X-Fedstroke-Layout-Sha256',
} as const;
