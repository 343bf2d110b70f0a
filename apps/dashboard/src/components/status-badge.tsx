/**
 * A status as a word with a symbol and a border colour: the word carries the meaning, so colour-blind readers and
 * screen readers lose nothing.
 */
type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

const TONES: Record<string, [Tone, string]> = {
  RUNNING: ['busy', '▶'],
  OPEN: ['busy', '▶'],
  ASSIGNED: ['busy', '…'],
  QUEUED: ['idle', '⋯'],
  AGGREGATING: ['busy', '∑'],
  CREATED: ['idle', '○'],
  PAUSED: ['warn', '❚❚'],
  COMPLETED: ['ok', '✓'],
  SUCCEEDED: ['ok', '✓'],
  ACCEPTED: ['ok', '✓'],
  ACTIVE: ['ok', '●'],
  CANCELLED: ['idle', '■'],
  EXPIRED: ['idle', '⌛'],
  DROPPED: ['warn', '↓'],
  FAILED: ['bad', '✕'],
  REJECTED: ['bad', '✕'],
  TIMED_OUT: ['bad', '⌛'],
  REVOKED: ['bad', '⊘'],
};

export function StatusBadge({ status }: { status: string }) {
  const [tone, symbol] = TONES[status] ?? ['idle', '•'];
  return (
    <span class={`badge ${tone}`} data-status={status}>
      <span aria-hidden="true">{symbol}</span>
      {status.replace('_', ' ').toLowerCase()}
    </span>
  );
}
