'use client';
// The error boundary body every route folder's error.tsx uses: an unexpected failure while
// rendering a page (API errors are shown by the pages themselves), with a retry.
export function RouteError({ what, error, reset }: { what: string; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="page">
      <section className="state state-error" role="alert">
        <h2>{what} could not be shown</h2>
        <p>{error.digest ? `Error ${error.digest}` : error.message}</p>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </section>
    </main>
  );
}
