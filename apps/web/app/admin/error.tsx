'use client';
// A page of the administration failed to render (not an API answer: those are shown in place).
export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="state state-error" role="alert">
      <h2>This administration page failed</h2>
      <p>{error.message || 'Something went wrong while rendering it.'}</p>
      {error.digest ? <p className="state-code">error {error.digest}</p> : null}
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
