'use client';
// Tabs of the administration pages; the current one is marked for screen readers too.
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/admin', label: 'Overview', exact: true },
  { href: '/admin/clusters', label: 'Clusters', exact: false },
  { href: '/admin/tokens', label: 'API tokens', exact: false },
  { href: '/admin/audit', label: 'Audit log', exact: false },
];

export function AdminNav() {
  const path = usePathname() ?? '';
  return (
    <nav className="admin-nav" aria-label="Administration">
      {TABS.map((t) => {
        const current = t.exact ? path === t.href : path === t.href || path.startsWith(`${t.href}/`);
        return (
          <Link key={t.href} href={t.href} aria-current={current ? 'page' : undefined} className={current ? 'current' : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
