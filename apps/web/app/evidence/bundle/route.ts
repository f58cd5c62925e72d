// Download of a cluster's signed evidence bundle (zip): `/evidence/bundle?cluster=<id>&at=<date>`
// or `&from=<date>&to=<date>`. Fetched with the signed-in user's own credential (the API's role
// check applies) and passed through byte for byte, so manifest.json and its signature verify.
import type { NextRequest } from 'next/server';
import { downloadRoute } from '../download-route';

export const dynamic = 'force-dynamic';

export function GET(req: NextRequest) {
  return downloadRoute(req, (cluster) => `/clusters/${encodeURIComponent(cluster)}/evidence/bundle`);
}
