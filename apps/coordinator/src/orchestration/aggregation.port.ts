/**
 * The narrow seam between orchestration and the pure federation maths (libs/federation). The orchestrator and the
 * upload path only ever call these two methods, so the maths can change without touching I/O code, and a test can
 * drive the orchestrator with any implementation.
 */
import type { ClientUpdate, RejectionCode, RoundConfig, UpdateEnvelope, UpdateNormBound } from '@fedstroke/federation';
import type { FederationRecord } from '../persistence/records';

export interface UpdateExpectation {
  roundId: string;
  baseModelId: string;
  layoutSha256: string;
  parameterCount: number;
  /** The round's global model, for the norm bound on the update's delta. */
  global: Float32Array;
  /**
   * The bound on ||w − global||₂ in force this round, and where it came from (UpdateNormBounds); null when the base
   * model is unreadable, so the norm cannot be measured (aggregation then refuses the round).
   */
  normBound: UpdateNormBound | null;
}

/** A refusal carries its stable code (sent to the site) and the reason recorded on the participation. */
export type UpdateVerdict = { accepted: true } | { accepted: false; code: RejectionCode; reason: string };

export interface AggregationOutcome {
  weights: Float32Array;
  /** Stored on the round and the model version (client metrics averaged, counts, the updates' norm median and max). */
  metrics: Record<string, number>;
  /** Parameters actually applied (strategy, clipping bound, noise std, ...), recorded on the round. */
  aggregation: Record<string, string | number>;
  /** Server-side strategy state to carry into the next round (FedAdam/FedYogi moments), or null. */
  serverState: ServerState | null;
}

/** A strategy's server state as named float32 tensors plus string metadata (stored as safetensors). */
export interface ServerState {
  tensors: Array<{ name: string; data: Float32Array }>;
  metadata: Record<string, string>;
}

export abstract class AggregationPort {
  abstract validate(update: UpdateEnvelope, expectation: UpdateExpectation): UpdateVerdict;

  abstract aggregate(input: {
    federation: FederationRecord;
    /** The round's stored config (its index seeds the noise; its μ and privacy are what the record shows). */
    round: RoundConfig;
    /** The federation's member sites as the round aggregates (SCAFFOLD's N). */
    memberCount?: number;
    global: Float32Array;
    updates: readonly ClientUpdate[];
    serverState: ServerState | null;
  }): AggregationOutcome;
}
