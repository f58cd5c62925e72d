// Download of a cluster's per-namespace posture as CSV: `/evidence/posture-csv?cluster=<id>&at=<date>`.
import type { NextRequest } from 'next/server';
import { downloadRoute } from '../download-route';

export const dynamic = 'force-dynamic';

export function GET(req: NextRequest) {
  return downloadRoute(req, (cluster) => `/clusters/${encodeURIComponent(cluster)}/evidence/posture.csv`, { rangeAllowed: false });
}
