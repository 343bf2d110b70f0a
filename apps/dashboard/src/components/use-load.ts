import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';

export interface Loaded<T> {
  data: T | null;
  problem: ApiProblem | null;
  loading: boolean;
  reload: () => void;
  /** Replace the data in place (a mutation answered with the new state). */
  set: (update: (data: T | null) => T | null) => void;
}

/** Runs `load` when `deps` change (and on reload()); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setProblem(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (!current) return;
        setProblem(asProblem(error));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, problem, loading, reload, set: setData };
}

/** Every page of an offset-paginated list (the coordinator caps a page at 500). */
export async function allPages<T>(page: (offset: number) => Promise<{ hasMore: boolean; items: T[] }>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const next = await page(items.length);
    items.push(...next.items);
    if (!next.hasMore || next.items.length === 0) return items;
  }
}
