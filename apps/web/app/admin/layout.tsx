// Administration (admin role): clusters, API tokens, the audit log. One check here for every
// sub-route: another role sees "needs the admin role" and none of the admin pages run.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { can, ROLE_LABEL } from '../../lib/permissions';
import { getSession } from '../../lib/session';
import { AppHeader } from '../_components/app-header';
import { AdminNav } from './_components/admin-nav';
import './admin.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Administration' };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const now = new Date();
  const session = await getSession();
  const allowed = can(session?.role, 'admin');
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page admin">
        {allowed ? (
          <>
            <AdminNav />
            {children}
          </>
        ) : (
          <section className="state state-error" role="alert" data-testid="needs-admin">
            <h2>Administration needs the admin role</h2>
            <p>
              You are signed in as {session ? <strong>{session.name}</strong> : 'nobody'}
              {session ? ` with the ${ROLE_LABEL[session.role]} role` : ''}. Registering clusters, managing API tokens and
              reading the audit log need the <strong>Admin</strong> role: ask an administrator, or sign in with an admin token.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
