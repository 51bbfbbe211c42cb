// The token lives in sessionStorage: it is gone when the tab closes, and it is
// never written to localStorage or a cookie. Only the last login method (not a
// secret) is remembered across sessions.

const TOKEN_KEY = 'coffer.token';
const METHOD_KEY = 'coffer.login-method';

type Listener = () => void;
const listeners = new Set<Listener>();

export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  for (const l of listeners) l();
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface LoginMethod {
  type: 'token' | 'userpass' | 'approle';
  mount: string;
}

export function lastLoginMethod(): LoginMethod {
  try {
    const saved = JSON.parse(localStorage.getItem(METHOD_KEY) ?? 'null') as LoginMethod | null;
    if (saved && ['token', 'userpass', 'approle'].includes(saved.type) && typeof saved.mount === 'string') return saved;
  } catch {
    // a damaged entry is simply forgotten
  }
  return { type: 'token', mount: '' };
}

export function rememberLoginMethod(method: LoginMethod): void {
  localStorage.setItem(METHOD_KEY, JSON.stringify(method));
}

/** Why the user was sent back to the login page, shown there once. */
let logoutReason = '';
export function takeLogoutReason(): string {
  const r = logoutReason;
  logoutReason = '';
  return r;
}
export function endSession(reason = ''): void {
  logoutReason = reason;
  setToken('');
}
