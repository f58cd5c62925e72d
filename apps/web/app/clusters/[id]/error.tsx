'use client';
// An unexpected failure while rendering a cluster page (API errors are shown in the page itself).
export default function ClusterError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="page">
      <section className="state state-error" role="alert">
        <h2>This cluster page could not be shown</h2>
        <p>{error.digest ? `Error ${error.digest}` : error.message}</p>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </section>
    </main>
  );
}
