// 404 for unknown routes and clusters the API does not know.
import Link from 'next/link';
import { AppHeader } from './_components/app-header';

export default function NotFound() {
  return (
    <>
      <AppHeader />
      <main id="main" className="page">
        <section className="state" role="status" data-testid="not-found">
          <h2>Not found</h2>
          <p>This page or cluster does not exist. It may have been removed from the fleet.</p>
          <p>
            <Link href="/">← Back to the fleet overview</Link>
          </p>
        </section>
      </main>
    </>
  );
}
