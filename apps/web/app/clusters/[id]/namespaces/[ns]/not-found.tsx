import Link from 'next/link';

export default function NamespaceNotFound() {
  return (
    <main id="main" className="page">
      <section className="state" role="alert" data-testid="not-found">
        <h2>No such namespace or policy</h2>
        <p>
          The cluster, namespace or policy is not in the snapshot asked for. It may have been created later or deleted
          since: try another date, or go back to the <Link href="/">fleet overview</Link>.
        </p>
      </section>
    </main>
  );
}
