// API tokens: create (shown once), list (never the token), revoke.
import type { TokenView } from '@kordon/contracts';
import type { Metadata } from 'next';
import { apiClient } from '../../../lib/api-client';
import { ApiErrorState } from '../../_components/state-message';
import { load } from '../_components/load';
import { TokenTable } from './columns';
import { CreateToken } from './create-token';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API tokens · Administration' };

export default async function TokensPage() {
  const tokens = await load(() => apiClient.getAll<TokenView>('/tokens', { limit: 200 }));
  return (
    <>
      <div className="page-title">
        <h1>API tokens</h1>
        <p className="page-sub">
          For people (paste one on the sign-in page) and automation (<code>Authorization: Bearer</code>). Kordon stores only a
          token&apos;s SHA-256: it is shown once, when created.
        </p>
      </div>
      <CreateToken />
      <section className="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        {!tokens.ok ? (
          <ApiErrorState error={tokens.error} what="the API tokens" />
        ) : (
          <>
            <p className="muted">
              {tokens.data.filter((t) => t.status === 'active').length} active · {tokens.data.filter((t) => t.status === 'expired').length}{' '}
              expired · {tokens.data.filter((t) => t.status === 'revoked').length} revoked
            </p>
            <TokenTable tokens={tokens.data} />
          </>
        )}
      </section>
    </>
  );
}
