import { canSeeFederations, canSeeInference, ROLE_LABELS, useSession } from '../api/session';
import { href, type Route, useRoute } from '../router';
import { FederationView } from './federation-view';
import { FederationsList } from './federations-list';
import { InferenceJobView } from './inference-job';
import { InferenceJobs } from './inference-jobs';
import { SitesView } from './sites-view';

function NotForRole({ what, roles }: { what: string; roles: string }) {
  return (
    <p class="notice" data-not-for-role>
      {what} are shown to the {roles} role{roles.includes(' or ') ? 's' : ''} only.
    </p>
  );
}

function Page({ route }: { route: Route }) {
  const { role } = useSession();
  const federations = canSeeFederations(role);
  const inference = canSeeInference(role);
  switch (route.view) {
    case 'home':
      return federations ? <FederationsList /> : inference ? <InferenceJobs /> : null;
    case 'federations':
      return federations ? <FederationsList /> : <NotForRole what="Federations" roles="admin or read-only" />;
    case 'federation':
      return federations ? (
        <FederationView id={route.id} />
      ) : (
        <NotForRole what="Federations" roles="admin or read-only" />
      );
    case 'sites':
      return federations ? <SitesView /> : <NotForRole what="Sites" roles="admin or read-only" />;
    case 'inference':
    case 'inference-job':
      if (!inference) {
        return (
          <NotForRole
            what="Inference jobs carry patient images and clinical results; they"
            roles="admin or inference"
          />
        );
      }
      return route.view === 'inference' ? <InferenceJobs /> : <InferenceJobView id={route.id} />;
  }
}

export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const { role } = useSession();
  const route = useRoute();
  const label = ROLE_LABELS[role];
  const current = (view: Route['view'][]) => (view.includes(route.view) ? 'page' : undefined);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>fedstroke</h1>
        <nav aria-label="Sections">
          <ul>
            {canSeeFederations(role) && (
              <li>
                <a href={href.federations} aria-current={current(['federations', 'federation', 'home'])}>
                  Federations
                </a>
              </li>
            )}
            {canSeeFederations(role) && (
              <li>
                <a href={href.sites} aria-current={current(['sites'])}>
                  Sites
                </a>
              </li>
            )}
            <li>
              <a href={href.inference} aria-current={current(['inference', 'inference-job'])}>
                Inference
              </a>
            </li>
          </ul>
        </nav>
        <p class="role" id="role" data-role={role}>
          <span>
            Signed in as <strong>{label.name}</strong>: {label.means}.
          </span>
          <button type="button" onClick={onSignOut}>
            Forget token
          </button>
        </p>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
