/**
 * What every GraphQL request over HTTP passes before it executes (an Apollo plugin, at didResolveOperation: the
 * document is parsed and valid, nothing has run yet):
 * - a subscription is refused with SUBSCRIPTION_OVER_HTTP (subscriptions are served over graphql-ws), instead of
 *   failing inside execution as an internal error;
 * - introspection (`__schema`, `__type`) needs a token of a role that may read the schema, unless anonymous
 *   introspection is switched on (FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION);
 * - the operation's estimated cost must stay within the limit (query-cost.ts), so a query that would fan out over
 *   every federation is refused before a resolver runs.
 * Each refusal is a GraphQLError with its own extensions.code and HTTP status, and is not logged as an error.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { HttpException } from '@nestjs/common';
import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Role } from '../auth/principal';
import type { GraphqlContext } from '../auth/request-context';
import type { TokenAuthenticator } from '../auth/token-authenticator.service';
import { checkQueryCost } from './query-cost';

/** The roles that may load the schema (GraphiQL, codegen, notebooks). A site agent needs no schema. */
export const SCHEMA_READER_ROLES: readonly Role[] = ['ADMIN', 'READONLY', 'INFERENCE'];

export interface RequestGuardOptions {
  anonymousIntrospection: boolean;
  maxQueryCost: number;
}

export function requestGuardsPlugin(
  authenticator: TokenAuthenticator,
  options: RequestGuardOptions,
): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema, contextValue }) {
          // Apollo has already refused a document without the named operation.
          if (!operation) return;
          if (operation.operation === 'subscription') {
            throw refusal(
              'SUBSCRIPTION_OVER_HTTP',
              400,
              'subscriptions are served over graphql-ws, not HTTP: open a WebSocket to /graphql (protocol ' +
                'graphql-transport-ws) with connectionParams { authorization: "Bearer <token>" } and subscribe there',
            );
          }
          if (!options.anonymousIntrospection && selectsIntrospection(operation, document)) {
            await requireSchemaReader(authenticator, contextValue.req?.headers?.authorization);
          }
          const tooCostly = checkQueryCost(
            schema,
            document,
            request.variables,
            request.operationName ?? undefined,
            options.maxQueryCost,
          );
          if (tooCostly) throw tooCostly;
        },
      };
    },
  };
}

async function requireSchemaReader(authenticator: TokenAuthenticator, authorization: unknown): Promise<void> {
  let role: Role;
  try {
    role = (await authenticator.authenticate(authorization)).role;
  } catch (error) {
    const reason = error instanceof HttpException ? error.message : String(error);
    throw refusal(
      'UNAUTHENTICATED',
      401,
      `introspection needs a token (${SCHEMA_READER_ROLES.join(', ')}): anonymous introspection is off ` +
        `(FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION=true turns it on); ${reason}`,
    );
  }
  if (!SCHEMA_READER_ROLES.includes(role)) {
    throw refusal(
      'FORBIDDEN',
      403,
      `a ${role} token may not introspect the schema; it needs one of: ${SCHEMA_READER_ROLES.join(', ')}`,
    );
  }
}

/** Whether the operation asks for `__schema` or `__type` (at its root, directly or through fragments). */
function selectsIntrospection(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === '__schema' || selection.name.value === '__type';
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) return false;
      seen.add(name);
      return visit(fragment.selectionSet);
    });
  return visit(operation.selectionSet);
}

function refusal(code: string, status: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
