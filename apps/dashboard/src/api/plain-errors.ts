/**
 * Every failure the dashboard can meet, said in plain words: what happened and what to do, then the coordinator's
 * own message (which names the exact cause) as the detail. Pure functions, so the wording is unit-tested.
 */
export type ProblemKind = 'unauthenticated' | 'forbidden' | 'not-found' | 'unreachable' | 'server' | 'refused';

export class ApiProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    /** The coordinator's own words, when it gave any. */
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

const SENTENCES: Record<ProblemKind, string> = {
  unauthenticated:
    'The coordinator did not accept this token. Paste the whole token again, or ask the administrator for a new one.',
  forbidden: "This token's role is not allowed to do that.",
  'not-found': 'The coordinator does not know this item: it may have been deleted, or the link is wrong.',
  unreachable:
    "The coordinator did not answer. Check that it is running and that this page's address is the coordinator's.",
  server: 'The coordinator failed while answering. Its log has the details.',
  refused: 'The coordinator refused the request.',
};

export function problem(kind: ProblemKind, detail: string | null = null): ApiProblem {
  return new ApiProblem(kind, SENTENCES[kind], detail);
}

const KIND_BY_CODE: Record<string, ProblemKind> = {
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not-found',
  INTERNAL_SERVER_ERROR: 'server',
};

const KIND_BY_STATUS: Record<number, ProblemKind> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found' };

export interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string };
}

export function problemFromGraphql(errors: readonly GraphqlErrorBody[]): ApiProblem {
  const [first] = errors;
  const kind = KIND_BY_CODE[first?.extensions?.code ?? ''] ?? 'refused';
  return problem(kind, errors.map((e) => e.message).join('; ') || null);
}

/** A non-2xx HTTP answer; `body` is its text (Nest answers JSON with a `message`). */
export function problemFromHttp(status: number, body: string): ApiProblem {
  let detail: string | null = body.trim() || null;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (parsed.message !== undefined) detail = [parsed.message].flat().join('; ');
  } catch {
    // Not JSON: keep the text.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'server' : 'refused');
  return problem(kind, detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`);
}

export function problemFromNetwork(error: unknown): ApiProblem {
  return problem('unreachable', error instanceof Error ? error.message : String(error));
}

/** Why a graphql-ws socket closed: 4403 is the coordinator refusing this token a live connection. */
export function problemFromSocketClose(code: number, reason: string): ApiProblem {
  if (code === 4403 || code === 4401) return problem(code === 4403 ? 'forbidden' : 'unauthenticated', reason || null);
  if (code >= 4400 && code < 4500) return problem('refused', `${code} ${reason}`.trim());
  return problem('unreachable', `the live connection closed (${code}${reason ? `: ${reason}` : ''})`);
}

export function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem ? error : problemFromNetwork(error);
}
