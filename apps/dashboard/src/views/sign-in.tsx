import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/plain-errors';
import { ProblemBox } from '../components/problem-box';

export function SignIn({
  failure,
  onSubmit,
}: {
  failure: ApiProblem | null;
  onSubmit: (token: string) => Promise<void>;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in" id="main">
      <h1>fedstroke dashboard</h1>
      <p>
        Paste an access token of this coordinator: the <strong>read-only</strong> token to watch, the{' '}
        <strong>admin</strong> token to also control federations and sites, or the <strong>inference</strong> token for
        segmentation jobs. It is kept for this browser tab only and sent to this coordinator only.
      </p>
      <ProblemBox problem={failure} title="Not signed in." />
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!token.trim()) return;
          setBusy(true);
          await onSubmit(token.trim());
          setBusy(false);
        }}
      >
        <label for="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-describedby="token-help"
        />
        <span id="token-help" class="muted">
          The coordinator prints it at start (<code>FEDSTROKE_READONLY_TOKEN</code>, <code>FEDSTROKE_ADMIN_TOKEN</code>
          ).
        </span>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Open the dashboard'}
          </button>
        </div>
      </form>
    </main>
  );
}
