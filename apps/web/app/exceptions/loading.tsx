export default function Loading() {
  return (
    <main id="main" className="page" aria-busy="true">
      <p className="muted" role="status">Loading exceptions…</p>
    </main>
  );
}
