import { useEffect, useState } from 'react';
import { getToken, onTokenChange } from './api/session';
import { Busy } from './components/busy';
import { ErrorBox } from './components/error-box';
import { Layout } from './layout';
import { InitPage } from './pages/init';
import { LoginPage } from './pages/login';
import { authorizeProvider, OidcAuthorizePage } from './pages/oidc-authorize';
import { UnsealPage } from './pages/unseal';
import { routePage } from './routes';
import { useRoute } from './router';

export interface SealStatus {
  type: string;
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  nonce: string;
  version: string;
  cluster_name?: string;
  storage_type?: string;
}

/** Sealed or uninitialized servers get the unseal/init page; without a token, the login page; then the app (or an OIDC provider's authorization page). */
export function App() {
  const [seal, setSeal] = useState<SealStatus | undefined>();
  const [sealError, setSealError] = useState<unknown>();
  const [token, setTokenState] = useState(getToken);
  const route = useRoute();

  const refreshSeal = async () => {
    try {
      const res = await fetch('/v1/sys/seal-status', { cache: 'no-store' });
      setSeal((await res.json()) as SealStatus);
      setSealError(undefined);
    } catch (err) {
      setSealError(err);
    }
  };
  useEffect(() => {
    void refreshSeal();
  }, []);
  useEffect(() => onTokenChange(() => setTokenState(getToken())), []);
  // A sealed server answers 503; check the seal again whenever the page changes.
  useEffect(() => {
    if (seal && !seal.sealed) void refreshSeal();
  }, [route]);

  if (sealError) {
    return (
      <main className="center" id="main">
        <h1>Coffer</h1>
        <ErrorBox error={sealError} />
        <button type="button" onClick={() => void refreshSeal()}>
          Retry
        </button>
      </main>
    );
  }
  if (!seal) return <Busy label="Contacting the server…" />;
  if (!seal.initialized) return <InitPage onDone={refreshSeal} />;
  if (seal.sealed) return <UnsealPage status={seal} onChange={setSeal} />;
  // An application sent the browser to a provider's authorization endpoint: log in first, then only that page.
  const provider = authorizeProvider(route);
  if (!token) return <LoginPage purpose={provider !== undefined ? 'An application asks you to sign in with your Coffer identity. Log in to continue to it.' : undefined} />;
  if (provider !== undefined) return <OidcAuthorizePage provider={provider} />;
  return (
    <Layout route={route} version={seal.version}>
      {routePage(route, seal)}
    </Layout>
  );
}
