import type { SealStatus } from './app';
import { PageTitle } from './layout';
import { AccessPage } from './pages/access';
import { DashboardPage } from './pages/dashboard';
import { EnginesPage } from './pages/engines';
import { KvPage } from './pages/kv';
import { PluginsPage } from './pages/plugins';
import { PoliciesPage } from './pages/policies';
import { PolicyPage } from './pages/policy';
import { ToolsPage } from './pages/tools';
import { Link } from './router';

/** The page for a route (the part of the address after /ui/). */
export function routePage(route: string, seal: SealStatus) {
  const parts = route.split('/');
  const [section, ...rest] = parts;
  switch (section) {
    case '':
      return <DashboardPage seal={seal} />;
    case 'secrets':
      return <EnginesPage />;
    case 'kv':
      return <KvPage full={rest.join('/')} />;
    case 'policies':
      return rest.length > 0 && rest[0] !== '' ? <PolicyPage name={rest.join('/')} /> : <PoliciesPage />;
    case 'access':
      return <AccessPage tab={rest[0] ?? ''} mount={rest[1] ?? ''} />;
    case 'plugins':
      return <PluginsPage />;
    case 'tools':
      return <ToolsPage tool={rest[0] ?? ''} />;
    default:
      return (
        <>
          <PageTitle>Page not found</PageTitle>
          <p>
            There is no page at /ui/{route}. Go to the <Link to="">dashboard</Link>.
          </p>
        </>
      );
  }
}
