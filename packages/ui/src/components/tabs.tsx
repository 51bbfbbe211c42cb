import { Link } from '../router';

/** Section tabs as links (each tab has its own address), marked for assistive technology. */
export function Tabs({ tabs, current, label }: { tabs: { route: string; title: string; id: string }[]; current: string; label: string }) {
  return (
    <nav aria-label={label} className="tabs">
      <ul>
        {tabs.map((t) => (
          <li key={t.id}>
            <Link to={t.route} aria-current={t.id === current ? 'page' : undefined} className={t.id === current ? 'active' : undefined}>
              {t.title}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
