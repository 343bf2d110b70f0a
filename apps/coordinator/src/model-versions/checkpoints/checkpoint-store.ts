/**
 * Uploaded starting checkpoints (e.g. PyTorch-trained weights a federation should start from), kept as files under
 * the data directory: `checkpoints/<id>.f32` (the contiguous float32 buffer in the config's manifest order, the form
 * every model version has) and `checkpoints/<id>.json` (config, layout, sha256s, when). They are checked against the
 * config's manifest when uploaded, so createFederation can take one by id without checking it again.
 */
import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { WeightsStore } from '../../storage/weights-store';

export interface CheckpointRecord {
  id: string;
  config: string;
  parameterCount: number;
  parameterLayoutSha256: string;
  /** sha256 of the contiguous float32 weights (what a model version made from it will carry). */
  sha256: string;
  /** sha256 of the safetensors file as uploaded. */
  fileSha256: string;
  uploadedAt: string;
}

const fileOf = (id: string, ext: 'f32' | 'json') => `checkpoints/${id}.${ext}`;

@Injectable()
export class CheckpointStore {
  constructor(private readonly store: WeightsStore) {}

  async save(
    weights: Float32Array,
    described: Omit<CheckpointRecord, 'id' | 'sha256' | 'uploadedAt'>,
  ): Promise<CheckpointRecord> {
    const id = randomUUID();
    const stored = await this.store.writeAtomic(
      fileOf(id, 'f32'),
      new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    );
    const record: CheckpointRecord = { id, ...described, sha256: stored.sha256, uploadedAt: new Date().toISOString() };
    // The description last: a checkpoint exists once it is there.
    await this.store.writeAtomic(fileOf(id, 'json'), Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
    return record;
  }

  async get(id: string): Promise<{ record: CheckpointRecord; weights: Float32Array }> {
    let record: CheckpointRecord;
    try {
      record = JSON.parse(await readFile(this.store.resolve(fileOf(id, 'json')), 'utf8')) as CheckpointRecord;
    } catch {
      throw new NotFoundException(`checkpoint ${id} does not exist (upload one with POST /checkpoints?config=NAME)`);
    }
    return { record, weights: await this.store.readFloat32(fileOf(id, 'f32')) };
  }
}
