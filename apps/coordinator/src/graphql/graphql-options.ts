/**
 * Apollo (code first) with graphql-ws subscriptions on the same /graphql path. The context carries `req` over HTTP
 * and `connectionParams` over WebSocket; AuthGuard reads the token from either. Both transports apply the same
 * limits before anything runs (request-guards.plugin.ts over HTTP, graphql-ws-options.ts over WebSocket: the query
 * cost limit; subscriptions only over WebSocket; introspection only with a token unless anonymous introspection is
 * on) and format errors the same way (error-format.ts: a stable extensions.code, no stack traces).
 */
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloDriver } from '@nestjs/apollo';
import type { GraphQLFormattedError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { GraphqlContext } from '../auth/request-context';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { formatGraphqlError } from './error-format';
import { graphqlWsOptions, type SchemaRef } from './graphql-ws-options';
import { landingPagePlugin } from './landing-page';
import { requestGuardsPlugin } from './request-guards.plugin';

export function graphqlOptions(
  authenticator: TokenAuthenticator,
  log: JsonLogger,
  config: CoordinatorConfigService,
): ApolloDriverConfig {
  const { anonymousIntrospection, maxQueryCost } = config.get('graphql');
  const schemaRef: SchemaRef = {};
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // Answered for tokens that may read the schema; anonymously only when configured (request-guards.plugin.ts).
    introspection: true,
    // Apollo's landing pages load from a CDN; `playground: false` turns them off and ours (local, no script) serves.
    graphiql: false,
    playground: false,
    plugins: [
      landingPagePlugin(),
      requestGuardsPlugin(authenticator, { anonymousIntrospection, maxQueryCost }),
      { serverWillStart: async ({ schema }) => void (schemaRef.current = schema) },
    ],
    subscriptions: { 'graphql-ws': graphqlWsOptions(authenticator, log, schemaRef, maxQueryCost) },
    context: (input: { req?: IncomingMessage; connectionParams?: Record<string, unknown> }): GraphqlContext =>
      'connectionParams' in input || !input.req
        ? { connectionParams: input.connectionParams ?? {} }
        : { req: input.req },
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
      formatGraphqlError(formatted, error, log),
  };
}
