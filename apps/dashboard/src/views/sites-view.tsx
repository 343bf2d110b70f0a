/**
 * Sites: when each last asked for work, what it is training now, its recent failures, revoked or not. The admin
 * role also registers sites (the new token is shown here once and never again) and revokes them.
 */
import { useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { canAdminister, useSession } from '../api/session';
import { ConfirmButton } from '../components/confirm-button';
import { ProblemBox } from '../components/problem-box';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';
import { allPages, useLoad } from '../components/use-load';
import {
  FederationsDocument,
  RegisterSiteDocument,
  RevokeSiteDocument,
  type SiteFieldsFragment,
  SitesDocument,
} from '../graphql/generated';
import { href } from '../router';

interface Issued {
  name: string;
  token: string;
}

function RegisterSite({ onRegistered }: { onRegistered: (site: SiteFieldsFragment, token: string) => void }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <form
      class="panel"
      id="register-site"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setProblem(null);
        try {
          const { registerSite } = await api.request(RegisterSiteDocument, { name: name.trim() });
          onRegistered(registerSite.site, registerSite.token);
          setName('');
        } catch (error) {
          setProblem(asProblem(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>Register a site</h3>
      <div class="actions">
        <label for="site-name">New site's name</label>
        <input
          id="site-name"
          type="text"
          required
          pattern="[A-Za-z0-9._\-]{1,100}"
          aria-describedby="site-name-help"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" class="primary" data-action="register-site" disabled={busy}>
          Register site
        </button>
      </div>
      <p id="site-name-help" class="muted">
        1 to 100 letters, digits, dots, dashes or underscores.
      </p>
      <ProblemBox problem={problem} title="The site was not registered." />
    </form>
  );
}

function IssuedToken({ issued, onHide }: { issued: Issued; onHide: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="notice" role="status" id="issued-token">
      <p>
        Site <strong>{issued.name}</strong> is registered. Its token is shown <strong>this once</strong>: the
        coordinator keeps only its hash. Give it to the site's agent now (<code>FEDSTROKE_SITE_TOKEN</code>).
      </p>
      <p class="secret" data-token>
        {issued.token}
      </p>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            navigator.clipboard?.writeText(issued.token).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy the token'}
        </button>
        <button type="button" data-action="hide-token" onClick={onHide}>
          I have it: hide the token
        </button>
      </div>
    </div>
  );
}

export function SitesView() {
  const { api, role } = useSession();
  const admin = canAdminister(role);
  const sites = useLoad(() => allPages((offset) => api.request(SitesDocument, { offset }).then((d) => d.sites)), []);
  const federations = useLoad(
    () => allPages((offset) => api.request(FederationsDocument, { offset }).then((d) => d.federations)),
    [],
  );
  const [issued, setIssued] = useState<Issued | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const byId = new Map((federations.data ?? []).map((f) => [f.id, f]));

  const replace = (site: SiteFieldsFragment) =>
    sites.set((items) => {
      const rest = (items ?? []).filter((s) => s.id !== site.id);
      return [...rest, site].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });

  const revoke = async (site: SiteFieldsFragment) => {
    setProblem(null);
    try {
      replace((await api.request(RevokeSiteDocument, { id: site.id })).revokeSite);
    } catch (error) {
      setProblem(asProblem(error));
    }
  };

  const assignment = (site: SiteFieldsFragment) => {
    const a = site.currentAssignment;
    if (!a) return <span class="muted">none</span>;
    const federation = byId.get(a.federationId);
    const round = federation?.currentRound?.id === a.roundId ? ` round ${federation.currentRound.index}` : '';
    return (
      <span>
        training for <a href={href.federation(a.federationId)}>{federation?.name ?? a.federationId.slice(0, 8)}</a>
        {round} since <TimeText value={a.assignedAt} />
      </span>
    );
  };

  return (
    <>
      <h2>Sites</h2>
      <div class="actions">
        <button type="button" onClick={sites.reload} disabled={sites.loading}>
          Reload
        </button>
      </div>
      {admin && (
        <RegisterSite
          onRegistered={(site, token) => {
            replace(site);
            setIssued({ name: site.name, token });
          }}
        />
      )}
      {issued && <IssuedToken issued={issued} onHide={() => setIssued(null)} />}
      <ProblemBox problem={sites.problem} title="The sites could not be loaded." />
      <ProblemBox problem={problem} title="That did not work." />
      {sites.data && (
        <table id="sites">
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Current assignment</th>
              <th scope="col">Failures</th>
              <th scope="col">Registered</th>
              {admin && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {sites.data.map((site) => (
              <tr key={site.id} data-site={site.name}>
                <th scope="row">{site.name}</th>
                <td>
                  <StatusBadge status={site.status} />
                  {site.revokedAt && (
                    <div class="muted">
                      since <TimeText value={site.revokedAt} />
                    </div>
                  )}
                </td>
                <td>{site.lastSeenAt ? <TimeText value={site.lastSeenAt} /> : <span class="muted">never</span>}</td>
                <td>{assignment(site)}</td>
                <td>
                  {site.failures.totalCount === 0 ? (
                    <span class="muted">none</span>
                  ) : (
                    <>
                      <strong>{site.failures.totalCount}</strong>
                      <ul>
                        {site.failures.items.map((f) => (
                          <li key={f.id}>
                            <StatusBadge status={f.status} /> {f.rejectionReason ?? ''} (
                            <TimeText value={f.updatedAt} />)
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </td>
                <td>
                  <TimeText value={site.createdAt} />
                </td>
                {admin && (
                  <td>
                    {site.status === 'ACTIVE' && (
                      <ConfirmButton
                        label={`Revoke ${site.name}…`}
                        question={`Revoke ${site.name}? Its token stops working at once; the site needs a new registration to take part again.`}
                        confirmLabel="Yes, revoke it"
                        action="revoke"
                        onConfirm={() => void revoke(site)}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
