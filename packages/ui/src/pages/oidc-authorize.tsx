import { useEffect, useState } from 'react';
import { apiPath } from '../api/client';
import { ApiError } from '../api/errors';
import { getToken } from '../api/session';
import { Busy } from '../components/busy';
import { ErrorBox } from '../components/error-box';

/** The route of a provider's authorization endpoint, as Vault's UI names it. */
const AUTHORIZE_ROUTE = /^vault\/identity\/oidc\/provider\/([^/]+)\/authorize$/;

/** The provider named by an authorization-endpoint route, or undefined for any other route. */
export function authorizeProvider(route: string): string | undefined {
  return AUTHORIZE_ROUTE.exec(route)?.[1];
}

/** The authorization request's parameters the provider's authorize API takes, from the page address. */
const PARAMS = ['client_id', 'scope', 'redirect_uri', 'response_type', 'state', 'nonce', 'max_age', 'code_challenge', 'code_challenge_method'] as const;

/**
 * A Coffer OIDC provider's authorization endpoint: an application sent the
 * browser here (code flow). The user is signed in to the UI (the login page
 * came first if not); the page asks the provider's authorize API for a code
 * with the user's token, whose entity is the one the application learns
 * about, and sends the browser back to the application's redirect_uri with
 * code and state. A refusal (unknown client, redirect URI not registered,
 * entity not assigned…) is shown here and nothing is sent anywhere: the
 * application's address is only trusted once the provider accepted it.
 */
export function OidcAuthorizePage({ provider }: { provider: string }) {
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const query = new URLSearchParams(location.search);
    const body: Record<string, string> = {};
    for (const name of PARAMS) {
      const value = query.get(name);
      if (value !== null) body[name] = value;
    }
    let cancelled = false;
    void (async () => {
      const path = apiPath('identity', 'oidc', 'provider', provider, 'authorize');
      const res = await fetch(`/v1/${path}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': getToken(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
      const answer = (await res.json().catch(() => ({}))) as { code?: string; state?: string; error?: string; error_description?: string; errors?: string[] };
      if (cancelled) return;
      if (!res.ok || !answer.code) {
        const messages = answer.errors ?? [answer.error_description ? `${answer.error}: ${answer.error_description}` : (answer.error ?? 'no authorization code in the answer')];
        setError(new ApiError(res.status, messages, 'POST', path));
        return;
      }
      const back = new URL(body.redirect_uri ?? '');
      back.searchParams.set('code', answer.code);
      if (answer.state !== undefined) back.searchParams.set('state', answer.state);
      location.assign(back.toString());
    })().catch((err: unknown) => {
      if (!cancelled) setError(err);
    });
    return () => {
      cancelled = true;
    };
  }, [provider]);

  return (
    <main id="main" className="center">
      <h1>Sign in to an application</h1>
      {error === undefined ? (
        <Busy label={`Signing you in through the "${provider}" provider…`} />
      ) : (
        <>
          <p>The application's sign-in request was refused; you have not been signed in to it.</p>
          <ErrorBox error={error} />
        </>
      )}
    </main>
  );
}
