import type { IncomingMessage } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal';

/** The GraphQL context: `req` over HTTP, `connectionParams` over graphql-ws; the guard adds `principal`. */
export interface GraphqlContext {
  req?: IncomingMessage & { principal?: Principal };
  connectionParams?: Readonly<Record<string, unknown>>;
  principal?: Principal;
}

export type HttpRequest = IncomingMessage & { principal?: Principal };

/** The Authorization value of an HTTP request or a graphql-ws connection, and where to keep the principal. */
export function requestCarrier(context: ExecutionContext): {
  authorization: unknown;
  /** The connection the request came on (a TLSSocket under HTTPS); undefined over graphql-ws. */
  socket: unknown;
  attach: (principal: Principal) => void;
  principal: () => Principal | undefined;
} {
  if (context.getType<string>() === 'graphql') {
    const gql = GqlExecutionContext.create(context).getContext<GraphqlContext>();
    // Over graphql-ws, Nest sets `req` to the socket context (no headers); the token is in connectionParams.
    const authorization = gql.connectionParams ? gql.connectionParams.authorization : gql.req?.headers?.authorization;
    return {
      authorization,
      socket: gql.connectionParams ? undefined : gql.req?.socket,
      attach: (principal) => (gql.principal = principal),
      principal: () => gql.principal,
    };
  }
  const req = context.switchToHttp().getRequest<HttpRequest>();
  return {
    authorization: req.headers.authorization,
    socket: req.socket,
    attach: (principal) => (req.principal = principal),
    principal: () => req.principal,
  };
}
