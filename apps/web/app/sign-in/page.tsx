// Sign-in: paste an API token once (kept in an httpOnly cookie), or sign in with the company's
// OpenID provider when KORDON_OIDC_* is set. On the embedded default the page says where the
// generated admin token is, so a newcomer gets in without reading code.
import type { Metadata } from 'next';
import { oidcSettings } from '../../lib/oidc';
import { safeNext } from '../../lib/safe-next';
import { signInWithToken } from './actions';
import './sign-in.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  empty: 'Paste an API token to sign in.',
  invalid: 'That token was refused: it is unknown, revoked or expired.',
  unreachable: 'The Kordon API could not be reached. Check that it is running, then try again.',
  'rate-limited': 'Too many sign-in attempts. Wait a minute and try again.',
  'oidc-off': 'Single sign-on is not configured on this Kordon. Sign in with an API token.',
  'oidc-stale': 'That sign-in took too long or was started in another browser. Try again.',
  'oidc-denied': 'Sign-in was cancelled at the identity provider.',
  'oidc-unavailable': 'The identity provider could not be reached. Try again, or sign in with an API token.',
  'oidc-failed': 'The identity provider’s answer could not be verified. Try again; if it persists, ask an administrator to check the OIDC settings.',
  'oidc-no-access-token':
    'The identity provider issued no access token for the Kordon API. An administrator must add the Kordon API scope to KORDON_OIDC_SCOPES.',
  'oidc-refused':
    'You signed in, but the Kordon API refused the token (wrong audience or issuer, or expired). An administrator must check KORDON_OIDC_AUDIENCE and KORDON_OIDC_SCOPES.',
  'oidc-no-role':
    'You signed in, but your account has no Kordon role. Ask an administrator to assign you one of the app roles Kordon.Admin, Kordon.Security, Kordon.Auditor or Kordon.Manager.',
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const sp = await searchParams;
  const one = (k: string) => (Array.isArray(sp[k]) ? sp[k]![0] : (sp[k] as string | undefined));
  const next = safeNext(one('next'));
  const error = one('error');
  const hint = process.env.KORDON_SIGN_IN_HINT?.trim();
  const oidc = oidcSettings();
  return (
    <main className="sign-in">
      <section className="sign-in-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Kordon</h1>
        <p className="muted">NetworkPolicy segmentation posture across your AKS fleet.</p>
        {one('signedOut') ? <p role="status" className="notice notice-info">You are signed out.</p> : null}
        {one('expired') ? <p role="status" className="notice notice-warn">Your session ended: sign in again.</p> : null}
        {error ? (
          <p role="alert" className="notice notice-bad">
            {ERRORS[error] ?? 'Sign-in failed.'}
          </p>
        ) : null}
        {oidc ? (
          <>
            <form action="/auth/oidc/start" method="post" className="sign-in-sso">
              <input type="hidden" name="next" value={next} />
              <button type="submit" className="button button-primary">
                Sign in with {oidc.name}
              </button>
            </form>
            <p className="sign-in-or" aria-hidden>
              <span>or with an API token</span>
            </p>
          </>
        ) : null}
        <form action={signInWithToken} className="sign-in-form">
          <input type="hidden" name="next" value={next} />
          <label htmlFor="token">API token</label>
          <input id="token" name="token" type="password" autoComplete="off" required placeholder="kdn_…" />
          <button type="submit" className={oidc ? 'button' : 'button button-primary'}>
            Sign in
          </button>
        </form>
        {hint ? (
          <div className="notice notice-info" data-testid="sign-in-hint">
            <strong>Demo mode.</strong> {hint}
          </div>
        ) : null}
      </section>
    </main>
  );
}
