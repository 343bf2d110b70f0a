/**
 * The dashboard's one door to the coordinator: GraphQL over fetch, binary downloads, and graphql-ws subscriptions on
 * one lazily opened socket. Every request carries the token; every failure becomes an ApiProblem in plain words.
 * Only same-origin URLs are ever built, so nothing leaves the machine the page came from.
 */
import { type Client, createClient } from 'graphql-ws';
import type { TypedDocumentString } from '../graphql/generated';
import {
  ApiProblem,
  asProblem,
  type GraphqlErrorBody,
  problemFromGraphql,
  problemFromHttp,
  problemFromNetwork,
  problemFromSocketClose,
} from './plain-errors';

/** The live socket: `idle` when no view follows anything (it closes shortly after the last one stops). */
export type ConnectionState =
  { kind: 'idle' } | { kind: 'connecting' } | { kind: 'live' } | { kind: 'lost'; problem: ApiProblem };

export interface SubscriptionHandlers<R> {
  next(data: R): void;
  error(problem: ApiProblem): void;
}

interface GraphqlBody<R> {
  data?: R | null;
  errors?: GraphqlErrorBody[];
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

function socketProblem(error: unknown): ApiProblem {
  if (isCloseEvent(error)) return problemFromSocketClose(error.code, error.reason);
  if (Array.isArray(error)) return problemFromGraphql(error as GraphqlErrorBody[]);
  return asProblem(error);
}

export class ApiClient {
  private socket: Client | null = null;
  private connection: ConnectionState = { kind: 'idle' };
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();

  constructor(
    private readonly token: string,
    private readonly origin: string = location.origin,
  ) {}

  private get authorization(): string {
    return `Bearer ${this.token}`;
  }

  async request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.authorization },
        body: JSON.stringify({ query: document.toString(), variables }),
      });
    } catch (error) {
      throw problemFromNetwork(error);
    }
    const text = await response.text();
    let body: GraphqlBody<R>;
    try {
      body = JSON.parse(text) as GraphqlBody<R>;
    } catch {
      throw problemFromHttp(response.status, text);
    }
    if (body.errors?.length) throw problemFromGraphql(body.errors);
    if (!response.ok || body.data == null) throw problemFromHttp(response.status, text);
    return body.data;
  }

  /** GET a binary path of the coordinator (model weights, NIfTI files) with the token. */
  async download(path: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}${path}`, { headers: { authorization: this.authorization } });
    } catch (error) {
      throw problemFromNetwork(error);
    }
    if (!response.ok) throw problemFromHttp(response.status, await response.text());
    return response.arrayBuffer();
  }

  /** Downloads a path and hands it to the browser as a file (a download link that carries the token). */
  async saveAs(path: string, fileName: string): Promise<void> {
    const url = URL.createObjectURL(new Blob([await this.download(path)], { type: 'application/octet-stream' }));
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
    } finally {
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  }

  /** Follows a subscription until the returned function is called. The socket reconnects on its own. */
  subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, handlers: SubscriptionHandlers<R>): () => void {
    return this.socketClient().subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) handlers.error(problemFromGraphql(result.errors as GraphqlErrorBody[]));
          else if (result.data) handlers.next(result.data);
        },
        error: (error) => handlers.error(socketProblem(error)),
        complete: () => undefined,
      },
    );
  }

  /** Calls `listener` with the current state at once, then on every change. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.connection);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    void this.socket?.dispose();
    this.socket = null;
  }

  private emit(state: ConnectionState): void {
    this.connection = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  private socketClient(): Client {
    this.socket ??= createClient({
      url: `${this.origin.replace(/^http/, 'ws')}/graphql`,
      connectionParams: { authorization: this.authorization },
      lazy: true,
      // Moving between views stops one subscription and starts another: keep the socket across the gap.
      lazyCloseTimeout: 5000,
      retryAttempts: 20,
      // A refused token (44xx) will be refused again: say so instead of retrying.
      shouldRetry: (error) => !(isCloseEvent(error) && error.code >= 4400 && error.code < 4500),
      on: {
        connecting: () => this.emit({ kind: 'connecting' }),
        connected: () => this.emit({ kind: 'live' }),
        closed: (event) =>
          this.emit(
            isCloseEvent(event) && event.code === 1000
              ? { kind: 'idle' }
              : { kind: 'lost', problem: socketProblem(event) },
          ),
      },
    });
    return this.socket;
  }
}
