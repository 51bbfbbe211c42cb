import { Tabs } from '../components/tabs';
import { PageTitle } from '../layout';
import { AccessApprole } from './access-approle';
import { AccessLeases } from './access-leases';
import { AccessMethods } from './access-methods';
import { AccessTokens } from './access-tokens';
import { AccessUserpass } from './access-userpass';

const TABS = [
  { id: '', route: 'access', title: 'Auth methods' },
  { id: 'userpass', route: 'access/userpass', title: 'Userpass users' },
  { id: 'approle', route: 'access/approle', title: 'AppRole roles' },
  { id: 'tokens', route: 'access/tokens', title: 'Tokens' },
  { id: 'leases', route: 'access/leases', title: 'Leases' },
];

export function AccessPage({ tab, mount }: { tab: string; mount: string }) {
  return (
    <>
      <PageTitle>Access</PageTitle>
      <Tabs tabs={TABS} current={tab} label="Access sections" />
      {tab === '' ? <AccessMethods /> : null}
      {tab === 'userpass' ? <AccessUserpass mount={mount || 'userpass'} /> : null}
      {tab === 'approle' ? <AccessApprole mount={mount || 'approle'} /> : null}
      {tab === 'tokens' ? <AccessTokens /> : null}
      {tab === 'leases' ? <AccessLeases /> : null}
    </>
  );
}
