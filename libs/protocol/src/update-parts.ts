/**
 * An update body is one or more float32 vectors of parameterCount values each, back to back, in the order the
 * `x-fedstroke-update-parts` header names them: "weights" (the site's model, always first) and, for SCAFFOLD,
 * "control-delta" (Δc_i). One body keeps them under one sha256, one upload and one accept: a site's control-variate
 * delta can never be aggregated without the weights it belongs to, or the other way round.
 */
import { UPDATE_HEADERS } from './headers';
import { BYTES_PER_PARAMETER, WireFormatError } from './float32-codec';

export const UPDATE_PARTS = ['weights', 'control-delta'] as const;
export type UpdatePart = (typeof UPDATE_PARTS)[number];

/** The parts a header names, or the reason it is malformed; absent or empty means ["weights"]. */
export function parseUpdateParts(raw: string | undefined): UpdatePart[] | string {
  if (raw === undefined || raw.trim() === '') return ['weights'];
  const names = raw.split(',').map((name) => name.trim());
  const valid = names.every((name): name is UpdatePart => (UPDATE_PARTS as readonly string[]).includes(name));
  if (!valid || names[0] !== 'weights' || new Set(names).size !== names.length) {
    return `${UPDATE_HEADERS.parts} must list ${UPDATE_PARTS.join(', ')} (weights first, each once), got ${JSON.stringify(raw)}`;
  }
  return names as UpdatePart[];
}

export function updateBodyBytes(parameterCount: number, parts: readonly UpdatePart[]): number {
  return parts.length * parameterCount * BYTES_PER_PARAMETER;
}

/** Views of each part of a decoded body (no copies); a body of the wrong length is refused. */
export function splitUpdateBody(
  values: Float32Array,
  parameterCount: number,
  parts: readonly UpdatePart[],
  source: string,
): Partial<Record<UpdatePart, Float32Array>> & { weights: Float32Array } {
  if (values.length !== parts.length * parameterCount) {
    throw new WireFormatError(
      'LENGTH_MISMATCH',
      `${source}: ${values.length} float32 values, expected ${parts.length} × ${parameterCount} for ${parts.join(', ')}`,
    );
  }
  const out: Partial<Record<UpdatePart, Float32Array>> = {};
  parts.forEach((part, i) => (out[part] = values.subarray(i * parameterCount, (i + 1) * parameterCount)));
  return out as Partial<Record<UpdatePart, Float32Array>> & { weights: Float32Array };
}

/** The body a site sends: the parts concatenated (one copy; a weights-only body is the weights' own bytes). */
export function joinUpdateBody(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
