/** Where accepted updates live under the data directory: one folder per round, one file per accepted upload. */

export const UPDATES_DIR = 'updates';

/** Uploads being received, before they are validated and renamed into their round's folder. */
export const INCOMING_UPDATES_DIR = `${UPDATES_DIR}/.incoming`;

export function roundUpdatesDir(federationId: string, roundIndex: number): string {
  return `${UPDATES_DIR}/${federationId}/round-${String(roundIndex).padStart(5, '0')}`;
}

/**
 * An accepted update's file. `uploadTag` is unique per upload, so two uploads racing for one participation never
 * write the same file: the one the database accepts is the one it points at, and the other removes only its own.
 */
export function updateFile(
  federationId: string,
  roundIndex: number,
  siteId: string,
  participationId: string,
  uploadTag: string,
): string {
  return `${roundUpdatesDir(federationId, roundIndex)}/${siteId}-${participationId}-${uploadTag}.f32`;
}

/** The round index of a `round-NNNNN` folder name, or null for anything else. */
export function roundIndexOfDir(name: string): number | null {
  const match = /^round-(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}
