/**
 * graphql-ws on /graphql, held to the same rules as HTTP. A socket opens only for an ADMIN, READONLY or INFERENCE
 * token (a SITE token or none: closed with 4403); each subscription still checks its own roles. Every operation is
 * parsed, validated and costed here before it runs (the cost limit of query-cost.ts), and every error that leaves
 * the socket, in an `error` or a `next` message, goes through the formatter HTTP uses, so it carries the same
 * extensions.code (FORBIDDEN, NOT_FOUND, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COSTLY, ...).
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  GraphQLError,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Role } from '../auth/principal';
import type { TokenAuthenticator } from '../auth/token-authenticator.service';
import type { JsonLogger } from '../logging/json-logger';
import { formatGraphqlError } from './error-format';
import { checkQueryCost } from './query-cost';

const SUBSCRIBER_ROLES: readonly Role[] = ['ADMIN', 'READONLY', 'INFERENCE'];

/** The executable schema, known once Apollo has started (see graphql-options.ts). */
export interface SchemaRef {
  current?: GraphQLSchema;
}

/** Nest passes these to graphql-ws's useServer as they are (its type names fewer hooks than it passes on). */
export type GraphqlWsOptions = Pick<ServerOptions, 'onConnect' | 'onSubscribe' | 'onError' | 'onNext'> & {
  path: string;
};

export function graphqlWsOptions(
  authenticator: TokenAuthenticator,
  log: JsonLogger,
  schemaRef: SchemaRef,
  maxQueryCost: number,
): GraphqlWsOptions {
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => formatGraphqlError(error.toJSON(), error, log));
  return {
    path: '/graphql',
    onConnect: async (ctx) => {
      try {
        const principal = await authenticator.authenticate(ctx.connectionParams?.authorization);
        return SUBSCRIBER_ROLES.includes(principal.role);
      } catch {
        return false;
      }
    },
    onSubscribe: (_ctx, _id, payload): Omit<ExecutionArgs, 'contextValue'> | GraphQLError[] => {
      const schema = schemaRef.current;
      if (!schema) return [coded('the GraphQL schema is not ready yet; retry', 'SERVICE_UNAVAILABLE')];
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [coded((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
      }
      const invalid = validate(schema, document);
      if (invalid.length > 0) return invalid.map((error) => coded(error.message, 'GRAPHQL_VALIDATION_FAILED', error));
      const variables = payload.variables ?? undefined;
      const operationName = payload.operationName ?? undefined;
      const tooCostly = checkQueryCost(schema, document, variables, operationName, maxQueryCost);
      if (tooCostly) return [tooCostly];
      return { schema, document, variableValues: variables, operationName };
    },
    onError: (_ctx, _id, _payload, errors) => format(errors),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: format(result.errors) } : undefined,
  };
}

function coded(message: string, code: string, source?: GraphQLError): GraphQLError {
  return new GraphQLError(message, { nodes: source?.nodes, extensions: { code } });
}
