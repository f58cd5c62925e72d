// The printable HTML report of a cluster at a date or over a range, opened in a tab (print it or
// save it as PDF): `/evidence/report?cluster=<id>&at=<date>` or `&from=<date>&to=<date>`.
import type { NextRequest } from 'next/server';
import { downloadRoute } from '../download-route';

export const dynamic = 'force-dynamic';

export function GET(req: NextRequest) {
  return downloadRoute(req, (cluster) => `/clusters/${encodeURIComponent(cluster)}/evidence/report.html`);
}
