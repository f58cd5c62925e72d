// The product header: name, the pages the signed-in role may open, who is signed in (and as what
// role), sign-out, and when this view was rendered (auditors quote it).
import Link from 'next/link';
import { formatTimestamp } from '../../lib/format';
import { can, ROLE_LABEL, type Permission } from '../../lib/permissions';
import { getSession } from '../../lib/session';

const NAV: { href: string; label: string; needs: Permission }[] = [
  { href: '/', label: 'Fleet', needs: 'read:aggregates' },
  { href: '/rollout', label: 'Rollout', needs: 'read:aggregates' },
  { href: '/findings', label: 'Findings', needs: 'read:detail' },
  { href: '/exceptions', label: 'Exceptions', needs: 'read:detail' },
  { href: '/alerts', label: 'Alerts', needs: 'read:detail' },
  { href: '/evidence', label: 'Evidence', needs: 'export:evidence' },
  { href: '/admin', label: 'Administration', needs: 'admin' },
];

export async function AppHeader({ now }: { now?: Date }) {
  const session = await getSession();
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href="/" className="brand" aria-label="Kordon fleet overview">
          <span className="brand-mark" aria-hidden>
            <svg viewBox="0 0 24 24" width="22" height="22">
              <rect x="2" y="2" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.95" />
              <rect x="14" y="2" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.55" />
              <rect x="2" y="14" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.55" />
              <rect x="14" y="14" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.95" />
            </svg>
          </span>
          <span className="brand-name">Kordon</span>
        </Link>
        {session ? (
          <nav aria-label="Main" className="main-nav">
            {NAV.filter((n) => can(session.role, n.needs)).map((n) => (
              <Link key={n.href} href={n.href}>
                {n.label}
              </Link>
            ))}
          </nav>
        ) : (
          <span className="tagline">NetworkPolicy segmentation posture across your AKS fleet</span>
        )}
        <span className="header-end">
          {now ? (
            <span className="as-of">
              rendered <time dateTime={now.toISOString()}>{formatTimestamp(now.toISOString())}</time>
            </span>
          ) : null}
          {session ? (
            <span className="whoami" data-testid="whoami">
              <span className="whoami-name">{session.name}</span>
              <span className="role-badge" data-role={session.role}>
                {ROLE_LABEL[session.role]}
              </span>
              <form action="/sign-out" method="post">
                <button type="submit" className="button button-ghost">
                  Sign out
                </button>
              </form>
            </span>
          ) : null}
        </span>
      </div>
    </header>
  );
}
