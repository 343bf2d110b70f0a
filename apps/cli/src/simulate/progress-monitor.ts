/**
 * Follows a federation through the coordinator's `roundProgress` subscription (graphql-ws), the way a dashboard
 * would: a progress bar over rounds with each site's state in its note, a line per finished round, and a promise
 * that settles when the federation ends. If the subscription drops (coordinator restart), it reconnects.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ProgressBar } from '@fedstroke/common';

const FINAL_EVENTS = new Set(['FEDERATION_COMPLETED', 'FEDERATION_FAILED', 'FEDERATION_CANCELLED']);
const FINAL_STATUSES = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

const SUBSCRIPTION = `subscription ($id: ID!) { roundProgress(federationId: $id) {
  event federationStatus siteId message at
  round { index status metrics { name value } }
} }`;

interface ProgressMessage {
  event: string;
  federationStatus: string;
  siteId: string | null;
  message: string | null;
  at: string;
  round: { index: number; status: string; metrics: Array<{ name: string; value: number }> } | null;
}

const SITE_STATE: Record<string, string> = {
  SITE_ASSIGNED: 'training',
  UPDATE_ACCEPTED: 'uploaded',
  UPDATE_REJECTED: 'rejected',
  SITE_FAILED: 'failed',
};

export interface MonitorOptions {
  url: string;
  token: string;
  federationId: string;
  rounds: number;
  /** siteId → display name. */
  siteNames: Map<string, string>;
  silent?: boolean;
  stream?: NodeJS.WriteStream;
  /** The CA to trust for wss:// (the run's throwaway CA). */
  caPem?: string;
}

export class ProgressMonitor {
  private readonly client: Client;
  private readonly bar: ProgressBar;
  private readonly siteState = new Map<string, string>();
  private readonly stream: NodeJS.WriteStream;
  private currentRound = 0;
  private completedRounds = 0;
  private roundStarted = Date.now();
  private settle!: (status: string) => void;
  /** Resolves with the federation's final status. */
  readonly finished: Promise<string>;

  constructor(private readonly options: MonitorOptions) {
    this.stream = options.stream ?? process.stderr;
    this.bar = new ProgressBar({ label: 'rounds', total: options.rounds, silent: options.silent, stream: this.stream });
    this.finished = new Promise((resolve) => (this.settle = resolve));
    this.client = createClient({
      url: `${options.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: options.caPem ? trusting(options.caPem) : WebSocket,
      connectionParams: { authorization: `Bearer ${options.token}` },
      retryAttempts: 1000,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** retries))),
    });
    this.subscribe();
  }

  private subscribe(): void {
    this.client.subscribe<{ roundProgress: ProgressMessage }>(
      { query: SUBSCRIPTION, variables: { id: this.options.federationId } },
      {
        next: (value) => {
          if (value.data) this.onMessage(value.data.roundProgress);
        },
        // A server-side end of the stream (not a final event): subscribe again.
        error: () => setTimeout(() => this.subscribe(), 1000),
        complete: () => undefined,
      },
    );
  }

  private onMessage(message: ProgressMessage): void {
    if (message.round && message.round.index !== this.currentRound && message.event === 'ROUND_OPENED') {
      this.currentRound = message.round.index;
      this.roundStarted = Date.now();
      this.siteState.clear();
    }
    if (message.siteId && SITE_STATE[message.event]) this.siteState.set(message.siteId, SITE_STATE[message.event]);
    if (message.event === 'ROUND_COMPLETED' || message.event === 'ROUND_FAILED') {
      this.completedRounds = Math.max(this.completedRounds, message.round?.index ?? 0);
      if (!this.options.silent) this.stream.write(`${this.describeRound(message)}\n`);
    }
    if (message.event === 'SNAPSHOT' && message.round) {
      this.currentRound = message.round.index;
      this.completedRounds = message.round.status === 'COMPLETED' ? message.round.index : message.round.index - 1;
    }
    this.bar.update(this.completedRounds, this.note());
    if (FINAL_EVENTS.has(message.event) || FINAL_STATUSES.has(message.federationStatus))
      this.settle(message.federationStatus);
  }

  private note(): string {
    const sites = [...this.options.siteNames.entries()]
      .map(([id, name]) => `${name} ${this.siteState.get(id) ?? 'waiting'}`)
      .join(', ');
    return this.currentRound > 0 ? `round ${this.currentRound}: ${sites}` : sites;
  }

  private describeRound(message: ProgressMessage): string {
    const metrics = Object.fromEntries((message.round?.metrics ?? []).map((m) => [m.name, m.value]));
    const parts = [`round ${message.round?.index}/${this.options.rounds} ${message.round?.status?.toLowerCase()}`];
    parts.push(`in ${((Date.now() - this.roundStarted) / 1000).toFixed(0)} s`);
    if (metrics.trainLoss !== undefined) parts.push(`train loss ${metrics.trainLoss.toFixed(4)}`);
    if (metrics.valDice !== undefined) parts.push(`local val Dice ${metrics.valDice.toFixed(3)}`);
    if (metrics.valDiceGlobal !== undefined) {
      parts.push(
        `global val Dice ${metrics.valDiceGlobal.toFixed(3)} (round ${(message.round?.index ?? 1) - 1}'s model)`,
      );
    }
    if (message.message) parts.push(message.message);
    return parts.join(', ');
  }

  /** Settles `finished` from outside (a status poll saw the end first). */
  markFinished(status: string): void {
    this.settle(status);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

/** A WebSocket class that trusts `ca` for wss:// (graphql-ws constructs it with url and protocols only). */
function trusting(ca: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { ca });
    }
  } as typeof WebSocket;
}
