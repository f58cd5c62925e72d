// Full-width messages in place of the table: nothing registered yet, or the API cannot be read.
import type { ApiError } from '@kordon/contracts';

export function EmptyState() {
  return (
    <section className="state state-empty" role="status">
      <h2>No clusters yet — register one through the API or run with the demo fleet.</h2>
      <p>Once a cluster is registered, Kordon snapshots it on its schedule and its posture appears here.</p>
    </section>
  );
}

export function ApiErrorState({ error, what }: { error: ApiError; what: string }) {
  const unreachable = error.statusCode === 502 || error.statusCode === 504;
  return (
    <section className="state state-error" role="alert">
      <h2>{unreachable ? 'The Kordon API is unreachable' : `Could not load ${what}`}</h2>
      <p>
        {unreachable
          ? `The dashboard is running, but it could not reach the API to load ${what}. Check that the API is up and that KORDON_API_URL points at it, then reload.`
          : error.message}
      </p>
      <p className="state-code">
        {error.statusCode} {error.error}
        {unreachable ? ` · ${error.message}` : ''}
      </p>
    </section>
  );
}
