export default function Loading() {
  return (
    <section className="state" role="status" aria-live="polite">
      <h2>Loading…</h2>
      <p className="muted">Reading the API.</p>
    </section>
  );
}
