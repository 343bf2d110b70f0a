/**
 * What the agent remembers across its own restarts, one folder per participation under <stateDir>/rounds/:
 * the local training checkpoint (resume mid-round), the finished update (re-upload without retraining) with what
 * the site commits to its learning state once the update is accepted (SCAFFOLD's next c_i, FedBN's local norms),
 * and the outcome (never upload twice). Writes go through a temporary file and a rename, so a crash leaves either the
 * old state or the new one. The coordinator hands a restarted agent the same participation, so the folder is found
 * again by its id: work is idempotent per round.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BYTES_PER_PARAMETER, bytesToFloat32, float32ToBytes, sha256Hex } from '@fedstroke/protocol';
import type { UpdatePayload } from '../transport/coordinator-client';
import type { LearningStateName } from './learning-state';

const UPDATE_FILE = 'update.f32';
const UPDATE_META = 'update.json';
const OUTCOME_FILE = 'outcome.json';

export interface RoundOutcome {
  kind: string;
  reason?: string;
  at: string;
}

/** Values the agent writes into its learning state when the coordinator accepts the update (nothing otherwise). */
export type LearningCommit = Partial<Record<LearningStateName, Float32Array>>;

export interface JournaledUpdate {
  update: UpdatePayload;
  commit: LearningCommit;
}

interface UpdateMeta {
  sha256: string;
  numSamples: number;
  metrics: Record<string, number>;
  /** sha256 of each further vector file (`<name>.f32`): the control-variate delta and the commit's values. */
  vectors?: Record<string, string>;
}

const CONTROL_DELTA = 'control-delta';
const COMMIT_PREFIX = 'commit.';

export class RoundJournal {
  constructor(private readonly stateDir: string) {}

  private dir(participationId: string): string {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(participationId))
      throw new RangeError(`participation id ${JSON.stringify(participationId)} is not a safe folder name`);
    return join(this.stateDir, 'rounds', participationId);
  }

  /** trainLocal's checkpoint folder for this participation. */
  checkpointDir(participationId: string): string {
    return join(this.dir(participationId), 'checkpoint');
  }

  /** A last.safetensors from an interrupted run of this round, if any. */
  async resumableCheckpoint(participationId: string): Promise<string | undefined> {
    const path = join(this.checkpointDir(participationId), 'last.safetensors');
    return (await exists(path)) ? path : undefined;
  }

  async saveUpdate(participationId: string, update: UpdatePayload, commit: LearningCommit = {}): Promise<void> {
    const dir = this.dir(participationId);
    await mkdir(dir, { recursive: true });
    const bytes = float32ToBytes(update.weights);
    const vectors: Record<string, Float32Array> = {
      ...(update.controlDelta && { [CONTROL_DELTA]: update.controlDelta }),
      ...Object.fromEntries(Object.entries(commit).map(([name, values]) => [`${COMMIT_PREFIX}${name}`, values])),
    };
    const meta: UpdateMeta = {
      sha256: sha256Hex(bytes),
      numSamples: update.numSamples,
      metrics: update.metrics,
      vectors: {},
    };
    for (const [name, values] of Object.entries(vectors)) {
      const vectorBytes = float32ToBytes(values);
      await atomicWrite(join(dir, `${name}.f32`), vectorBytes);
      (meta.vectors as Record<string, string>)[name] = sha256Hex(vectorBytes);
    }
    await atomicWrite(join(dir, UPDATE_FILE), bytes);
    // The metadata lands last: its presence means the weights beside it are complete.
    await atomicWrite(join(dir, UPDATE_META), JSON.stringify(meta));
    await rm(this.checkpointDir(participationId), { recursive: true, force: true });
  }

  /**
   * The finished update of this participation and its commit, or null when there is none (or a file of it does not
   * match its sha256: then it is trained again).
   */
  async loadUpdate(participationId: string): Promise<JournaledUpdate | null> {
    const dir = this.dir(participationId);
    let meta: UpdateMeta;
    const files = new Map<string, Float32Array>();
    try {
      meta = JSON.parse(await readFile(join(dir, UPDATE_META), 'utf8')) as UpdateMeta;
      for (const [file, sha256] of [
        [UPDATE_FILE, meta.sha256],
        ...Object.entries(meta.vectors ?? {}).map(([name, sha]) => [`${name}.f32`, sha]),
      ]) {
        const bytes = await readFile(join(dir, file));
        if (sha256Hex(bytes) !== sha256 || bytes.byteLength % BYTES_PER_PARAMETER !== 0)
          throw new Error(`${file} changed`);
        files.set(file, bytesToFloat32(bytes, file));
      }
    } catch {
      await rm(join(dir, UPDATE_META), { force: true });
      return null;
    }
    const controlDelta = files.get(`${CONTROL_DELTA}.f32`);
    const update: UpdatePayload = {
      weights: files.get(UPDATE_FILE) as Float32Array,
      numSamples: meta.numSamples,
      metrics: meta.metrics,
      ...(controlDelta && { controlDelta }),
    };
    const commit: LearningCommit = {};
    for (const name of Object.keys(meta.vectors ?? {})) {
      if (name.startsWith(COMMIT_PREFIX))
        commit[name.slice(COMMIT_PREFIX.length) as LearningStateName] = files.get(`${name}.f32`);
    }
    return { update, commit };
  }

  async recordOutcome(participationId: string, outcome: Omit<RoundOutcome, 'at'>): Promise<void> {
    const dir = this.dir(participationId);
    await mkdir(dir, { recursive: true });
    await atomicWrite(join(dir, OUTCOME_FILE), JSON.stringify({ ...outcome, at: new Date().toISOString() }));
    // The weights are no longer needed once the coordinator has answered (nor is the rest of the update).
    await rm(join(dir, UPDATE_FILE), { force: true });
    for (const name of await readdir(dir)) if (name.endsWith('.f32')) await rm(join(dir, name), { force: true });
    await rm(this.checkpointDir(participationId), { recursive: true, force: true });
  }

  async outcome(participationId: string): Promise<RoundOutcome | null> {
    try {
      return JSON.parse(await readFile(join(this.dir(participationId), OUTCOME_FILE), 'utf8')) as RoundOutcome;
    } catch {
      return null;
    }
  }

  /** Drops the folders of all but the `keep` most recent participations. */
  async prune(keep: number): Promise<void> {
    const root = join(this.stateDir, 'rounds');
    const names = await readdir(root).catch(() => [] as string[]);
    const dated = await Promise.all(
      names.map(async (name) => ({ name, mtime: (await stat(join(root, name))).mtimeMs })),
    );
    dated.sort((a, b) => b.mtime - a.mtime);
    for (const { name } of dated.slice(keep)) await rm(join(root, name), { recursive: true, force: true });
  }
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
