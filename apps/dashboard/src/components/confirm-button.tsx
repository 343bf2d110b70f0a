import { useState } from 'preact/hooks';

/**
 * A button whose action must be confirmed in place (no browser dialog): the first press asks, naming what will
 * happen; the second does it. Escape or "Keep" backs out. Optionally asks for a reason to record.
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  action: string;
  withReason?: boolean;
  busy?: boolean;
  onConfirm: (reason: string | null) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  if (!asking) {
    return (
      <button
        type="button"
        class="danger"
        data-action={props.action}
        disabled={props.busy}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <div
      class="notice"
      role="group"
      aria-label={props.question}
      onKeyDown={(event) => event.key === 'Escape' && setAsking(false)}
    >
      <p>{props.question}</p>
      {props.withReason && (
        <p>
          <label for={`${props.action}-reason`}>Reason (recorded with it, optional)</label>{' '}
          <input
            id={`${props.action}-reason`}
            type="text"
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="danger"
          data-action={`${props.action}-confirm`}
          onClick={() => {
            setAsking(false);
            props.onConfirm(reason.trim() || null);
          }}
        >
          {props.confirmLabel}
        </button>
        <button type="button" onClick={() => setAsking(false)} autoFocus>
          Keep it
        </button>
      </div>
    </div>
  );
}
