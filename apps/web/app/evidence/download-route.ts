// The shared handler of the evidence page's non-JSON downloads (bundle, CSV, report): checks the
// query, then passes the API's answer through unchanged (its status and error body included).
import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { downloadScope, passThroughDownload } from './evidence-data';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message: string) {
  return NextResponse.json({ statusCode: 400, error: 'Bad Request', message }, { status: 400 });
}

export async function downloadRoute(req: NextRequest, apiPath: (cluster: string) => string, opts: { rangeAllowed?: boolean } = {}): Promise<Response> {
  const q = req.nextUrl.searchParams;
  const cluster = q.get('cluster');
  if (!cluster || !UUID.test(cluster)) return fail('pass cluster=<id> (and at=<date>, or from=<date>&to=<date>)');
  if (opts.rangeAllowed === false && (q.get('from') || q.get('to'))) return fail('this download is of one date: pass at=<date>, not from/to');
  const scope = downloadScope(q);
  if ('error' in scope) return fail(scope.error);
  return passThroughDownload(apiPath(cluster), scope.query);
}
