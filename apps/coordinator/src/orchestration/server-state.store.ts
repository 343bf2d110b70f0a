/**
 * Server-side strategy state (FedAdam/FedYogi moments and step) saved as safetensors next to the model version
 * it belongs to, so a restarted coordinator continues the optimizer exactly where the last completed round left
 * it. Written atomically before the round's transaction commits; an orphan from a crash is simply overwritten.
 */
import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { decodeSafetensors, encodeSafetensors } from '@fedstroke/runtime';
import { WeightsStore } from '../storage/weights-store';
import type { ServerState } from './aggregation.port';

@Injectable()
export class ServerStateStore {
  constructor(private readonly store: WeightsStore) {}

  async write(modelFile: string, state: ServerState): Promise<void> {
    const bytes = encodeSafetensors(
      state.tensors.map((t) => ({ name: t.name, shape: [t.data.length], data: t.data })),
      state.metadata,
    );
    await this.store.writeAtomic(stateFile(modelFile), bytes);
  }

  async read(modelFile: string): Promise<ServerState | null> {
    const file = stateFile(modelFile);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.store.resolve(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const decoded = decodeSafetensors(bytes, this.store.resolve(file));
    return { tensors: decoded.tensors.map((t) => ({ name: t.name, data: t.data })), metadata: decoded.metadata };
  }
}

const stateFile = (modelFile: string) => `${modelFile}.server-state.safetensors`;
