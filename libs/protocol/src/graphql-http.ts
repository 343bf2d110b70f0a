/**
 * GraphQL over HTTP as the coordinator's Node clients speak it (POST /graphql, JSON `{ query, variables }`). The
 * operations of the site agent and the admin client are written in `.graphql` files and typed from
 * apps/coordinator/schema.graphql by scripts/graphql-codegen.js (`npm run codegen`, the one generator every client
 * uses): each is a string that carries its result and variables types, so a client cannot ask for a field the schema
 * does not have or read one back with the wrong type.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

/** A generated operation: its text, typed with its result and variables. */
export type GraphqlDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  toString(): string;
};

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
  document: GraphqlDocument<TResult, TVariables>,
  variables: TVariables,
): string {
  return JSON.stringify({ query: document.toString(), variables });
}
