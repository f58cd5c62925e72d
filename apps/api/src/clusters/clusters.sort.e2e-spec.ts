// The cluster list's orders on the seeded demo fleet (four clusters, one per engine): every sort
// pages (limit 1) through the same clusters as one page, in the order computed independently from
// the summaries (ties by name in the same direction); a cursor only works with its own sort.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary } from '@kordon/contracts';
import { startTestApp, type TestApp } from '../../test/test-app';
import { AUTH, seedDemo } from '../posture/testing/read-api.fixture';
import { CLUSTER_SORTS } from './dto/register-cluster.dto';

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);

function expected(all: ClusterSummary[], sort: string): string[] {
  const field = sort.replace(/^-/, '');
  const desc = sort.startsWith('-');
  const value = (c: ClusterSummary): string | number | null => {
    const p = c.posture;
    if (field === 'coverage') return p ? (p.ingress.pods + p.egress.pods) / 2 : null;
    if (field === 'ingressCoverage') return p?.ingress.pods ?? null;
    if (field === 'egressCoverage') return p?.egress.pods ?? null;
    if (field === 'findings') return p?.findings ? Object.values(p.findings).reduce((a, b) => a + b, 0) : null;
    if (field === 'lastSnapshot') return c.lastSnapshot?.startedAt ?? null;
    return (c as unknown as Record<string, string | null>)[field];
  };
  return [...all]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va !== vb) {
        if (va === null) return 1;
        if (vb === null) return -1;
        return (va < vb ? -1 : 1) * (desc ? -1 : 1);
      }
      return (a.name < b.name ? -1 : 1) * (desc ? -1 : 1);
    })
    .map((c) => c.name);
}

describe('cluster list sorting', () => {
  let t: TestApp;
  let all: ClusterSummary[];
  const get = (url: string) => request(t.app.getHttpServer()).get(url).set(AUTH);

  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t, NOW);
    all = (await get('/api/clusters').expect(200)).body.items;
    expect(all).toHaveLength(4);
  });
  afterAll(async () => t?.close());

  it('pages through every sort in its documented order, without duplicates or gaps', async () => {
    for (const sort of CLUSTER_SORTS) {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: ClusterSummary[]; nextCursor: string | null } = (await get(`/api/clusters?sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
        names.push(...page.items.map((c) => c.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect({ sort, names }).toEqual({ sort, names: expected(all, sort) });
    }
    // The coverage order really differs from the name order on this fleet.
    expect(expected(all, '-coverage')).not.toEqual(expected(all, 'name'));
  });

  it('sorts within a filter, and refuses an unknown sort or a cursor of another sort', async () => {
    const prod = (await get('/api/clusters?environment=prod&sort=-coverage').expect(200)).body.items as ClusterSummary[];
    expect(prod.map((c) => c.name)).toEqual(expected(all.filter((c) => c.environment === 'prod'), '-coverage'));
    await get('/api/clusters?sort=size').expect(400);
    const first = (await get('/api/clusters?sort=-coverage&limit=1').expect(200)).body;
    const res = await get(`/api/clusters?sort=name&cursor=${first.nextCursor}`).expect(400);
    expect(res.body.details).toMatchObject({ code: 'CURSOR_SORT_MISMATCH', cursorSort: '-coverage', sort: 'name' });
  });
});
