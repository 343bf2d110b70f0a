/**
 * GraphQL operations as clients send them over HTTP (POST /graphql, JSON `{ operationName, query, variables }`),
 * typed with their result and variables. The operations of the site agent and the admin client are written in
 * `.graphql` files and turned into typed constants by scripts/generate-graphql-types.js from
 * apps/coordinator/schema.graphql, so a client cannot ask for a field the schema does not have or read one back with
 * the wrong type.
 */

export interface GraphqlOperation<TResult, TVariables> {
  readonly operationName: string;
  readonly query: string;
  /** Types only, never set: they let `ResultOf` / `VariablesOf` read the operation's types back. */
  readonly __result?: TResult;
  readonly __variables?: TVariables;
}

export type ResultOf<O> = O extends GraphqlOperation<infer R, unknown> ? R : never;
export type VariablesOf<O> = O extends GraphqlOperation<unknown, infer V> ? V : never;

export function graphqlOperation<TResult, TVariables>(
  operationName: string,
  query: string,
): GraphqlOperation<TResult, TVariables> {
  return { operationName, query };
}

/** A GraphQL error as the coordinator sends it: a stable `extensions.code`, and the HTTP status it stands for. */
export interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string; status?: number };
}

export interface GraphqlResponseBody<T> {
  data?: T | null;
  errors?: GraphqlErrorBody[];
}

export function graphqlRequestBody<TResult, TVariables>(
  operation: GraphqlOperation<TResult, TVariables>,
  variables: TVariables,
): string {
  return JSON.stringify({ operationName: operation.operationName, query: operation.query, variables });
}
