/**
 * Apollo (code first) with graphql-ws subscriptions on the same /graphql path. The context carries `req` over HTTP
 * and `connectionParams` over WebSocket; AuthGuard reads the token from either. A WebSocket whose
 * connectionParams.authorization is not an ADMIN, READONLY or INFERENCE token is closed at connect (4403 Forbidden).
 * Opening the socket grants nothing more: each subscription's own @Roles still decides, so an INFERENCE socket may
 * follow `inferenceJobUpdated` but is refused `roundProgress` (FORBIDDEN), and a SITE token never gets a socket.
 */
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloDriver } from '@nestjs/apollo';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Role } from '../auth/principal';
import type { GraphqlContext } from '../auth/request-context';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { JsonLogger } from '../logging/json-logger';
import { landingPagePlugin } from './landing-page';

const SUBSCRIBER_ROLES: readonly Role[] = ['ADMIN', 'READONLY', 'INFERENCE'];

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_USER_INPUT',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'UNPROCESSABLE',
};

export function graphqlOptions(authenticator: TokenAuthenticator, log: JsonLogger): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: true,
    // Apollo's landing pages load from a CDN; `playground: false` turns them off and ours (local, no script) serves.
    graphiql: false,
    playground: false,
    plugins: [landingPagePlugin()],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: async (ctx) => {
          try {
            const principal = await authenticator.authenticate(ctx.connectionParams?.authorization);
            return SUBSCRIBER_ROLES.includes(principal.role);
          } catch {
            return false;
          }
        },
      },
    },
    context: (input: { req?: IncomingMessage; connectionParams?: Record<string, unknown> }): GraphqlContext =>
      'connectionParams' in input || !input.req
        ? { connectionParams: input.connectionParams ?? {} }
        : { req: input.req },
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
      formatGraphqlError(formatted, error, log),
  };
}

/** Gives Nest HTTP exceptions a stable extensions.code and their own message; never leaks stack traces. */
function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, log: JsonLogger): GraphQLFormattedError {
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const response = original.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? [(response as { message: unknown }).message].flat().join('; ')
        : original.message;
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, status },
    };
  }
  const code = formatted.extensions?.code;
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    log.event('error', 'graphql.internal_error', { message: formatted.message, path: formatted.path?.join('.') });
  }
  return {
    message: formatted.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: code ?? 'INTERNAL_SERVER_ERROR' },
  };
}
