// The page a role may not open: say which role it needs instead of showing an error.
import Link from 'next/link';
import { ROLE_LABEL } from '../../../../../lib/permissions';
import type { RoleName } from '@kordon/contracts';

export function NeedsRole({ role, what, current }: { role: RoleName; what: string; current?: RoleName | null }) {
  return (
    <section className="state needs-role" role="alert" data-testid="needs-role">
      <h2>
        <span aria-hidden>🔒</span> {what} needs the {ROLE_LABEL[role].toLowerCase()} role
      </h2>
      <p>
        {current ? `You are signed in as ${ROLE_LABEL[current].toLowerCase()}, which sees aggregates only. ` : ''}
        Ask an administrator for {/^[aeiou]/.test(role) ? "an" : "a"} {role} token, or go back to the <Link href="/">fleet overview</Link>.
      </p>
    </section>
  );
}
