// Property-based fuzzing of every API input: each operation of GET /api/openapi.json (so a route
// someone adds is fuzzed automatically) gets generated path parameters, query strings and bodies
// (built from the operation's own parameter and body schemas, then damaged: wrong types, unknown
// fields, unicode, huge and deeply nested values, malformed JSON), over HTTP against the real
// AppModule and a real PostgreSQL, with admin, security and manager tokens. Invariant: never a
// 5xx, and every 4xx body says what is wrong. Seeded: a failure prints the seed and path; rerun
// with FUZZ_SEED=<seed> to reproduce.
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzArbitraries as arb } from '@kordon/collectors/testing';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { SnapshotsService } from '../snapshots/snapshots.service';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** Generated requests per operation; ~70 operations. */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_API_RUNS ?? 25);
/** Generated uploads for POST /api/analyze, the route that parses the most. */
const ANALYZE_RUNS = Number(process.env.FUZZ_ANALYZE_RUNS ?? 250);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Schema = {
  $ref?: string; type?: string | string[]; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; required?: string[];
  format?: string; minimum?: number; maximum?: number; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[]; example?: unknown; additionalProperties?: boolean | Schema;
};
interface Parameter { name: string; in: 'path' | 'query' | 'header'; schema?: Schema; required?: boolean }
interface Operation {
  key: string;
  method: (typeof METHODS)[number];
  path: string;
  parameters: Parameter[];
  body?: Schema;
  consumes: string[];
}

/** `some` once in `oneIn` cases, else `otherwise`. */
function rarely<T, U>(some: fc.Arbitrary<T>, otherwise: U, oneIn: number): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(otherwise) }, { weight: 1, arbitrary: some });
}

const REASON_ONLY = /^(Bad Request|Not Found|Forbidden|Unauthorized|Conflict|Error|Unprocessable Entity|Payload Too Large|Unsupported Media Type)$/i;

const junk = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constantFrom(1e308, -0, 2 ** 63, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '[object Object]', '__proto__', 'constructor', '../../etc/passwd', '%00', '\u202e', 'x'.repeat(5_000), '<script>', "' OR 1=1 --", '1970-01-01', '9999-12-31T23:59:59Z', '-1', '0', 'NaN'),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

describe('API fuzz: every operation of the OpenAPI document', () => {
  let t: TestApp;
  let operations: Operation[] = [];
  let components: Record<string, Schema> = {};
  const known: Record<string, string[]> = { id: [], namespace: [], name: [] };
  const auths: Record<string, { Authorization: string }> = {};
  let cases = 0;
  const perOperation: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  const started = Date.now();

  beforeAll(async () => {
    t = await startTestApp();
    const http = t.app.getHttpServer();
    // Real data behind the real ids, so the generated requests reach past the 404s.
    const cluster = await request(http).post('/api/clusters').set(ADMIN_AUTH).send({ name: 'fuzz', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201);
    const outcome = await t.app.get(SnapshotsService).run(cluster.body.id, { trigger: 'manual' });
    expect(outcome.status).toBe('succeeded');
    known.id.push(cluster.body.id, outcome.snapshotId!);
    const [w] = await t.sql<{ namespace: string; name: string }>(
      `SELECT w.namespace, w.name FROM snapshot s JOIN workload_set_member m ON m.set_hash = s.workload_set_hash
         JOIN workload_object w ON w.hash = m.workload_hash WHERE s.id = $1 ORDER BY w.namespace, w.name LIMIT 1`,
      [outcome.snapshotId],
    );
    known.namespace.push(w.namespace);
    known.name.push(w.name);
    auths.admin = ADMIN_AUTH;
    auths.security = (await issueToken(t.app, 'security', { name: 'fuzz-security' })).auth;
    auths.manager = (await issueToken(t.app, 'manager', { name: 'fuzz-manager' })).auth;

    const doc = (await request(http).get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
      components?: { schemas?: Record<string, Schema> };
    };
    components = doc.components?.schemas ?? {};
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const content = op.requestBody?.content ?? {};
        operations.push({
          key: `${method.toUpperCase()} ${path}`, method, path, parameters: op.parameters ?? [],
          body: content['application/json']?.schema ?? Object.values(content)[0]?.schema, consumes: Object.keys(content),
        });
      }
    }
    operations = operations.filter((o) => o.path.startsWith('/api/') || o.path === '/metrics');
  });

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`[fuzz] api seed ${SEED}: ${cases} cases over ${operations.length} operations in ${seconds} s; statuses ${JSON.stringify(statuses)}\n`);
    await t?.close();
  });

  const resolve = (s: Schema | undefined): Schema | undefined => {
    if (!s?.$ref) return s;
    return components[s.$ref.replace('#/components/schemas/', '')];
  };

  /** A value for a schema: usually of the right shape (so validation runs deep), sometimes damaged. */
  function valueFor(schema: Schema | undefined, name: string, depth = 0): fc.Arbitrary<unknown> {
    const s = resolve(schema);
    if (!s || depth > 4) return junk;
    const alts: fc.Arbitrary<unknown>[] = [];
    const variants = [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])];
    if (variants.length) alts.push(fc.oneof(...variants.map((v) => valueFor(v, name, depth + 1))));
    if (s.enum?.length) alts.push(fc.constantFrom(...s.enum));
    if (s.example !== undefined) alts.push(fc.constant(s.example));
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'string') {
      alts.push(knownFor(name));
      if (s.format === 'date-time' || /at$|since|from|until|to$|asOf|date/i.test(name)) alts.push(fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') }).map((d) => d.toISOString()));
      if (s.format === 'uri' || /url/i.test(name)) alts.push(fc.webUrl(), fc.constantFrom('http://127.0.0.1:1/x', 'file:///etc/passwd', 'https://'));
      alts.push(fc.string({ unit: 'grapheme', maxLength: 30 }));
    } else if (type === 'integer' || type === 'number') {
      alts.push(fc.integer({ min: (s.minimum ?? 0) - 2, max: (s.maximum ?? 1000) + 2 }), fc.integer());
    } else if (type === 'boolean') {
      alts.push(fc.boolean());
    } else if (type === 'array') {
      alts.push(fc.array(valueFor(s.items, name, depth + 1), { maxLength: 4 }));
    } else if (type === 'object' || s.properties) {
      alts.push(objectFor(s, depth));
    }
    if (!alts.length) alts.push(junk);
    return fc.oneof({ weight: 5, arbitrary: fc.oneof(...alts) }, { weight: 1, arbitrary: junk });
  }

  function objectFor(s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const props = s.properties ?? {};
    const keys = Object.keys(props);
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const k of keys) shape[k] = valueFor(props[k], k, depth + 1);
    const base = keys.length ? fc.record(shape, { requiredKeys: [] }) : fc.constant({});
    // Occasionally an unknown field (whitelist + forbidNonWhitelisted must name it).
    return fc.tuple(base, rarely(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), junk), null, 6)).map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
  }

  function knownFor(name: string): fc.Arbitrary<string> {
    const pool = /namespace/i.test(name) ? known.namespace : /^(name|from|to)$/.test(name) ? [...known.name, ...known.namespace.map((n, i) => `${n}/${known.name[i]}`)] : known.id;
    return pool.length ? fc.constantFrom(...pool) : fc.uuid();
  }

  // DELETE never gets the real ids: the seeded cluster must stay for the other operations.
  const pathValue = (p: Parameter, op: Operation): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: op.method === 'delete' ? 0 : 3, arbitrary: knownFor(p.name).map(encodeURIComponent) },
      { weight: 2, arbitrary: fc.uuid().map(encodeURIComponent) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%C0%AF', '%00', '..', '.', 'x'.repeat(4000), '-1', '1e400', '%E2%80%AE', '%2F..%2F') },
      { weight: 1, arbitrary: valueFor(p.schema, p.name).map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? 'x')) },
    ).filter((s) => s.length > 0);

  function queryFor(op: Operation): fc.Arbitrary<string> {
    const params = op.parameters.filter((p) => p.in === 'query');
    const entry = (p: Parameter) => valueFor(p.schema, p.name).map((v) => (Array.isArray(v) ? v.map((x) => [p.name, x] as const) : [[p.name, v] as const]));
    const known = params.length ? fc.array(fc.oneof(...params.map(entry)), { maxLength: params.length + 1 }).map((xs) => xs.flat()) : fc.constant([]);
    const unknown = rarely(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), junk).map(([k, v]) => [[k, v] as const]), [], 6);
    const raw = rarely(fc.constantFrom('a=%ZZ', '%', '&&&=', 'limit[]=1&limit[x]=2', 'cursor=%00', 'a[b][c][d][e][f][g]=1', `x=${'y'.repeat(8000)}`), '', 8);
    return fc.tuple(known, unknown, raw).map(([k, u, r]) => {
      const parts = [...k, ...u].map(([name, v]) => `${encodeURIComponent(name)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`);
      if (r) parts.push(r);
      return parts.join('&');
    });
  }

  type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; type: string; text: string };

  function bodyFor(op: Operation): fc.Arbitrary<Body> {
    if (op.method === 'get' || op.method === 'delete') return fc.oneof({ weight: 6, arbitrary: fc.constant({ kind: 'none' } as Body) }, { weight: 1, arbitrary: junk.map((value) => ({ kind: 'json', value }) as Body) });
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    return fc.oneof(
      { weight: 8, arbitrary: valueFor(op.body, 'body').map((value) => ({ kind: 'json', value }) as Body) },
      { weight: 1, arbitrary: junk.map((value) => ({ kind: 'json', value }) as Body) },
      { weight: 1, arbitrary: fc.constantFrom<Body>(
        { kind: 'raw', type: 'application/json', text: '{"name": ' },
        { kind: 'raw', type: 'application/json', text: '{"a":1,}' },
        { kind: 'raw', type: 'application/json', text: deep(5_000) },
        { kind: 'raw', type: 'application/json', text: `{"a":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}` },
        { kind: 'raw', type: 'application/json', text: '"just a string"' },
        { kind: 'raw', type: 'application/json', text: '\ufeff{}' },
        { kind: 'raw', type: 'application/json; charset=latin1', text: '{}' },
        { kind: 'raw', type: 'application/json', text: `{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}` },
        { kind: 'raw', type: 'text/plain', text: 'hello' },
        { kind: 'raw', type: 'application/x-www-form-urlencoded', text: 'a=1&b[c]=2' },
        { kind: 'raw', type: 'application/yaml', text: 'a: [1, 2\nb: {' },
        { kind: 'raw', type: 'application/yaml', text: 'kind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}\n' },
        { kind: 'raw', type: 'application/json', text: JSON.stringify({ big: 'x'.repeat(1_100_000) }) },
      ) },
    );
  }

  // Regressions found by the fuzzer, pinned so they stay fixed whatever the seed.
  it('a failed report.html or posture.csv answers its error as JSON, not as text/html', async () => {
    for (const path of ['/api/clusters/not-a-cluster/evidence/report.html', `/api/clusters/${known.id[0]}/evidence/report.html?cursor=%00`]) {
      const res = await request(t.app.getHttpServer()).get(path).set(ADMIN_AUTH);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.message).toMatch(/\w{4,}/);
    }
  });

  function expectAnswer(res: request.Response, what: string): void {
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    expect(res.status, what).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers['content-type'], what).toMatch(/^application\/json/);
      expect(res.body?.statusCode, what).toBe(res.status);
      expect(typeof res.body?.message, what).toBe('string');
      expect(res.body.message.length, what).toBeGreaterThan(8);
      expect(res.body.message, what).not.toMatch(REASON_ONLY);
    }
  }

  it('POST /api/analyze: generated manifests (YAML, JSON, { files }, damaged) are analysed or refused with the problems named', async () => {
    const http = t.app.getHttpServer();
    let located = 0;
    const upload = fc.oneof(
      { weight: 3, arbitrary: arb.manifestText.map((f) => ({ type: f.kind.endsWith('json') ? 'application/json' : 'application/yaml', text: f.text })) },
      { weight: 1, arbitrary: fc.array(arb.manifestText, { minLength: 1, maxLength: 3 }).map((fs) => ({ type: 'application/json', text: JSON.stringify({ files: fs.map((f, i) => ({ name: `m${i}.yaml`, text: f.text })) }) })) },
      { weight: 1, arbitrary: fc.array(arb.manifestDocument, { minLength: 1, maxLength: 3 }).map((docs) => ({ type: 'text/yaml; charset=utf-8', text: arb.yamlOf(docs) })) },
    );
    await fc.assert(
      fc.asyncProperty(upload, fc.constantFrom('', 'connections=true', 'connections=false', 'connections=maybe'), fc.constantFrom('admin', 'security'), async ({ type, text }, query, role) => {
        cases++;
        perOperation['POST /api/analyze (manifests)'] = (perOperation['POST /api/analyze (manifests)'] ?? 0) + 1;
        const res = await request(http).post(`/api/analyze${query ? `?${query}` : ''}`).set(auths[role]).set('Content-Type', type).send(text).timeout(30_000);
        const what = `POST /api/analyze?${query} (${type}, ${text.length} chars: ${JSON.stringify(text.slice(0, 200))}) → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`;
        expectAnswer(res, what);
        if (res.status === 400 && !query.includes('maybe')) {
          // A refused upload lists what is wrong: file/line for syntax, object and field for the rest.
          const problems = res.body.details?.info?.problems as { code: string; message: string }[] | undefined;
          // Either the body was not JSON at all (the message says where), or the manifests were read and each problem is listed.
          if (!problems) expect(res.body.message, what).toMatch(/^Malformed JSON in the request body( at line \d+, column \d+)?: \S|contains a NUL character|nested deeper than/);
          for (const p of problems ?? []) {
            expect(p.message, what).toMatch(/\w{4,}/);
            if (p.message.startsWith('Malformed YAML')) {
              expect(p.message, what).toMatch(/^Malformed YAML in \S+ at line \d+, column \d+: \S/);
              located++;
            }
          }
        }
      }),
      { seed: SEED, numRuns: ANALYZE_RUNS, endOnFailure: true },
    );
    // Not vacuous: damaged YAML was generated and refused with its line and column.
    expect(located).toBeGreaterThan(0);
  }, 300_000);

  /** Headers a client may send wrong: cache validators, Accept, an odd charset. Mostly none. */
  const headers = rarely(
    fc.dictionary(
      fc.constantFrom('If-None-Match', 'If-Modified-Since', 'Accept', 'Accept-Encoding', 'X-Request-Id', 'Cache-Control', 'Range'),
      fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.constantFrom('*', 'W/"x"', '"', 'text/html', 'application/xml', 'gzip;q=x', 'bytes=0-1,5-', 'no-cache', 'x'.repeat(2000))),
      { maxKeys: 3 },
    ),
    {} as Record<string, string>,
    5,
  );

  it('a malformed JSON body is a 400 naming the request body, line and column', async () => {
    const http = t.app.getHttpServer();
    const cases: [string, RegExp][] = [
      ['{"name": "x",\n  "source": }', /^Malformed JSON in the request body at line 2, column 13: /],
      ['{"name": ', /^Malformed JSON in the request body at line 1, column 10: /],
      ['{{}', /^Malformed JSON in the request body at line 1, column 2: /],
    ];
    for (const [text, message] of cases) {
      const res = await request(http).post('/api/analyze').set(ADMIN_AUTH).set('Content-Type', 'application/json').send(text);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it('answers every generated request below 500, and every 4xx names the problem', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const http = t.app.getHttpServer();
    // Operations whose valid body would reach an outside service (Azure discovery): always add
    // an unknown field so the request is refused by validation before any outside call.
    const outside = new Set(['POST /api/clusters/discover']);
    for (const [index, op] of operations.entries()) {
      // The placeholders of the path are its parameters, whether or not the document lists them.
      const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => op.parameters.find((p) => p.in === 'path' && p.name === name) ?? { name, in: 'path' as const });
      const pathArb = fc.tuple(...pathParams.map((p) => pathValue(p, op))).map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]), op.path));
      await fc.assert(
        fc.asyncProperty(pathParams.length ? pathArb : fc.constant(op.path), queryFor(op), bodyFor(op), fc.constantFrom('admin', 'admin', 'security', 'manager'), headers, async (path, query, body, role, extra) => {
          cases++;
          perOperation[op.key] = (perOperation[op.key] ?? 0) + 1;
          const url = query ? `${path}?${query}` : path;
          let req = request(http)[op.method](url).set(extra).set(auths[role]).timeout(30_000);
          if (body.kind === 'json') {
            const value = outside.has(op.key) && body.value && typeof body.value === 'object' && !Array.isArray(body.value) ? { ...body.value, fuzzUnknownField: 1 } : body.value;
            req = req.set('Content-Type', 'application/json').send(JSON.stringify(value ?? null));
          } else if (body.kind === 'raw') {
            req = req.set('Content-Type', body.type).send(body.text);
          }
          const res = await req;
          const what = `${op.method.toUpperCase()} ${url.slice(0, 300)} as ${role} → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`;
          expectAnswer(res, what);
        }),
        { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }
  }, 300_000);

  it('stays within bounded memory after all of the above', () => {
    // Deep, huge and repeated bodies must not have grown the heap without bound.
    expect(process.memoryUsage().heapUsed).toBeLessThan(1024 * 1024 * 1024);
  });
});
