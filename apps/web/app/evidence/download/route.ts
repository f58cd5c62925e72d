// Download of one snapshot's evidence document as a JSON attachment:
// `/evidence/download?cluster=<id>&at=<date>` (the snapshot in force then) or `&snapshot=<id>`.
// Fetched with the signed-in user's own credential, so the API's role check applies (a manager
// gets the API's 403 back, as JSON). The document is passed through unchanged: its digests verify.
import { NextResponse, type NextRequest } from 'next/server';
import { isKordonApiError } from '../../../lib/api-client';
import { parseAt } from '../../../lib/as-of';
import { evidenceDocument, evidenceFileName, snapshotInForce } from '../evidence-data';

export const dynamic = 'force-dynamic';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(statusCode: number, error: string, message: string) {
  return NextResponse.json({ statusCode, error, message }, { status: statusCode });
}

export async function GET(req: NextRequest) {
  const q = req.nextUrl.searchParams;
  const cluster = q.get('cluster');
  const snapshot = q.get('snapshot');
  const atRaw = q.get('at');
  const asOf = parseAt(atRaw);
  if (atRaw && !asOf) return fail(400, 'Bad Request', 'at must be a date (YYYY-MM-DD) or an ISO 8601 time');
  if (snapshot && !UUID.test(snapshot)) return fail(400, 'Bad Request', 'snapshot must be a UUID');
  if (!snapshot && !(cluster && UUID.test(cluster))) return fail(400, 'Bad Request', 'pass cluster=<id> (and at=<date>) or snapshot=<id>');
  try {
    const id = snapshot ?? (await snapshotInForce(cluster!, asOf?.at ?? null)).snapshot.id;
    const doc = await evidenceDocument(id);
    const date = asOf && /^\d{4}-\d{2}-\d{2}$/.test(atRaw!) ? atRaw! : doc.snapshot.startedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
    return new NextResponse(JSON.stringify(doc, null, 2), {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${evidenceFileName(doc.cluster.name, date)}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (isKordonApiError(err)) return NextResponse.json(err.body, { status: err.status });
    throw err;
  }
}
