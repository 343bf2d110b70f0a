/**
 * The dashboard: asks for a token once (kept in this tab's sessionStorage), learns its role from the coordinator,
 * then shows what that role may see. Every view reads through the one ApiClient of the session.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiClient } from './api/api-client';
import { type ApiProblem, asProblem, problem } from './api/plain-errors';
import { type Session, SessionContext } from './api/session';
import { forgetToken, storedToken, storeToken } from './api/token-store';
import { ViewerDocument } from './graphql/generated';
import { Shell } from './views/shell';
import { SignIn } from './views/sign-in';

async function signIn(token: string): Promise<Session> {
  const api = new ApiClient(token);
  const { viewer } = await api.request(ViewerDocument, {});
  if (viewer.role === 'SITE') {
    throw problem('forbidden', 'this is a site token: it belongs to a hospital agent, not to the dashboard');
  }
  return { api, role: viewer.role };
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);

  const attempt = async (token: string) => {
    setFailure(null);
    try {
      const next = await signIn(token);
      storeToken(token);
      setSession(next);
    } catch (error) {
      forgetToken();
      setFailure(asProblem(error));
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    const token = storedToken();
    if (token) void attempt(token);
  }, []);

  const signOut = () => {
    session?.api.close();
    forgetToken();
    setSession(null);
  };

  if (checking) return <p role="status">Checking the saved token…</p>;
  if (!session) return <SignIn failure={failure} onSubmit={attempt} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell onSignOut={signOut} />
    </SessionContext.Provider>
  );
}
