/** The pasted token lives in sessionStorage: it survives a reload of this tab and is gone when the tab closes. */
const KEY = 'fedstroke.dashboard.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
