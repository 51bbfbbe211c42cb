import { useEffect, useRef, type ReactNode } from 'react';
import { endSession } from './api/session';
import { Link } from './router';

const SECTIONS = [
  { route: '', title: 'Dashboard' },
  { route: 'secrets', title: 'Secrets engines' },
  { route: 'policies', title: 'Policies' },
  { route: 'access', title: 'Access' },
  { route: 'plugins', title: 'Plugins' },
  { route: 'tools', title: 'Tools' },
];

function sectionOf(route: string): string {
  const first = route.split('/')[0] ?? '';
  return first === 'kv' ? 'secrets' : first;
}

export function Layout({ route, version, children }: { route: string; version: string; children: ReactNode }) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After navigation, move focus to the new page so keyboard and screen-reader users start there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);
  const section = sectionOf(route);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Coffer</span>
        <span className="muted version">v{version}</span>
        <button type="button" className="logout" onClick={() => endSession('You logged out.')}>
          Log out
        </button>
      </header>
      <nav className="side" aria-label="Sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.route}>
              <Link to={s.route} aria-current={section === s.route ? 'page' : undefined}>
                {s.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main}>
        {children}
      </main>
    </div>
  );
}

/** Every page's heading; focusable so that navigation can move focus to it. */
export function PageTitle({ children }: { children: ReactNode }) {
  return <h1 tabIndex={-1}>{children}</h1>;
}
