/** Hash routes (#/federations/ID …): the coordinator serves one static page, and links still work after a reload. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'federations' }
  | { view: 'federation'; id: string }
  | { view: 'sites' }
  | { view: 'inference' }
  | { view: 'inference-job'; id: string }
  | { view: 'home' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'federations') return parts[1] ? { view: 'federation', id: parts[1] } : { view: 'federations' };
  if (parts[0] === 'sites') return { view: 'sites' };
  if (parts[0] === 'inference') return parts[1] ? { view: 'inference-job', id: parts[1] } : { view: 'inference' };
  return { view: 'home' };
}

export const href = {
  federations: '#/federations',
  federation: (id: string) => `#/federations/${encodeURIComponent(id)}`,
  sites: '#/sites',
  inference: '#/inference',
  inferenceJob: (id: string) => `#/inference/${encodeURIComponent(id)}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    // Effects run after the first paint: a hash that changed in between fired no event this listener saw.
    update();
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
