import { formatTime } from '../format';

/** A machine-readable <time> shown in the reader's locale. */
export function TimeText({ value }: { value: string | null }) {
  if (!value) return <span class="muted">—</span>;
  return <time dateTime={value}>{formatTime(value)}</time>;
}
