/**
 * What a site learns and keeps across rounds of one federation, beside the round journal: SCAFFOLD's control
 * variate c_i and the FedBN-style local InstanceNorm parameters. One safetensors file each under
 * <stateDir>/federations/<federationId>/, written atomically, tagged with the parameter layout it belongs to and
 * the round whose accepted update produced it. It advances only when the coordinator has accepted that update (the
 * agent commits it then, idempotently: the value to commit is saved in the round journal), so a rejected or late
 * round leaves it where it was, and an agent restart finds it again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@fedstroke/runtime';
import { SiteDataError } from '../data/site-dataset';

export type LearningStateName = 'scaffold-control' | 'local-norms';

export interface LearningStateTag {
  parameterLayoutSha256: string;
  /** The round whose accepted update produced the values. */
  roundIndex: number;
}

const TENSOR = 'values';

export class SiteLearningState {
  constructor(private readonly stateDir: string) {}

  file(federationId: string, name: LearningStateName): string {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(federationId))
      throw new RangeError(`federation id ${JSON.stringify(federationId)} is not a safe folder name`);
    return join(this.stateDir, 'federations', federationId, `${name}.safetensors`);
  }

  /**
   * The stored values, or null before the site's first accepted round of this federation. A file for another
   * layout or length is refused with the reason: it belongs to another model and must not be applied.
   */
  async read(
    federationId: string,
    name: LearningStateName,
    expected: { parameterLayoutSha256: string; length: number },
  ): Promise<{ values: Float32Array; roundIndex: number } | null> {
    const path = this.file(federationId, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const decoded = decodeSafetensors(bytes, path);
    const tensor = decoded.tensors.find((t) => t.name === TENSOR);
    const layout = decoded.metadata.parameterLayoutSha256;
    if (!tensor || layout !== expected.parameterLayoutSha256 || tensor.data.length !== expected.length) {
      throw new SiteDataError(
        `${path}: holds ${tensor?.data.length ?? 0} values for layout ${String(layout).slice(0, 12)}…, the federation ` +
          `trains ${expected.length} for ${expected.parameterLayoutSha256.slice(0, 12)}…; move the file away to start ` +
          'this state afresh',
      );
    }
    return { values: tensor.data, roundIndex: Number(decoded.metadata.roundIndex) };
  }

  async write(
    federationId: string,
    name: LearningStateName,
    values: Float32Array,
    tag: LearningStateTag,
  ): Promise<void> {
    const path = this.file(federationId, name);
    await mkdir(join(path, '..'), { recursive: true });
    const bytes = encodeSafetensors([{ name: TENSOR, shape: [values.length], data: values }], {
      parameterLayoutSha256: tag.parameterLayoutSha256,
      roundIndex: String(tag.roundIndex),
    });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  }
}
