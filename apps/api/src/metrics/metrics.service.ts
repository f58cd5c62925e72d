// The process's Prometheus series (prom-client, one registry per app so several apps in one test
// process never share one): snapshots (duration and outcome per cluster, objects collected), the
// job queues (depth and the age of the oldest waiting job, read from pg-boss's table at scrape),
// HTTP requests (duration by route and status), the database pool, and alert deliveries; plus
// Node's default process series.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PrismaService } from '../prisma/prisma.service';
import { SnapshotEvents } from '../snapshots/snapshot-events';
import { MetricsRepository } from './metrics.repository';

/** The object counts a snapshot records (snapshot.counts), exported per kind. */
const OBJECT_KINDS = ['namespaces', 'pods', 'workloads', 'networkPolicies', 'crdPolicies', 'services', 'nodes'] as const;

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly snapshotDuration: Histogram<'cluster' | 'outcome'>;
  readonly snapshots: Counter<'cluster' | 'outcome'>;
  readonly objects: Gauge<'cluster' | 'kind'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly alertDeliveries: Counter<'format' | 'outcome'>;

  constructor(
    events: SnapshotEvents,
    private readonly repo: MetricsRepository,
    prisma: PrismaService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'kordon_' });
    this.snapshotDuration = new Histogram({
      name: 'kordon_snapshot_duration_seconds',
      help: 'Time from a snapshot starting to its commit or failure, per cluster and outcome',
      labelNames: ['cluster', 'outcome'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.snapshots = new Counter({ name: 'kordon_snapshots_total', help: 'Snapshots finished, per cluster and outcome (succeeded, failed)', labelNames: ['cluster', 'outcome'], registers });
    this.objects = new Gauge({ name: 'kordon_snapshot_objects', help: "Objects collected by the cluster's last succeeded snapshot, per kind", labelNames: ['cluster', 'kind'], registers });
    this.httpDuration = new Histogram({
      name: 'kordon_http_request_duration_seconds',
      help: 'API request duration by route (the matched pattern; read-cache for answers served from the cache) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.alertDeliveries = new Counter({ name: 'kordon_alert_deliveries_total', help: 'Webhook deliveries of alerts, per payload format and outcome (delivered, failed)', labelNames: ['format', 'outcome'], registers });
    const jobs = this.repo;
    new Gauge({
      name: 'kordon_queue_jobs',
      help: 'Jobs per queue and state (created, retry, active) in pg-boss',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const r of await jobs.queueDepth()) this.set({ queue: r.queue, state: r.state }, r.jobs);
      },
    });
    new Gauge({
      name: 'kordon_queue_oldest_waiting_job_age_seconds',
      help: 'Age of the oldest job waiting to run (created or retry, due now) per queue',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const r of await jobs.oldestWaiting()) this.set({ queue: r.queue }, r.ageSeconds);
      },
    });
    new Gauge({
      name: 'kordon_db_pool_connections',
      help: "This process's database pool: connections open (total), idle, and requests waiting for one",
      labelNames: ['state'],
      registers,
      collect() {
        const pool = prisma.pool;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    events.on(async (e) => {
      this.snapshotDuration.observe({ cluster: e.clusterName, outcome: e.status }, e.durationMs / 1000);
      this.snapshots.inc({ cluster: e.clusterName, outcome: e.status });
      if (e.status !== 'succeeded') return;
      const counts = await this.repo.snapshotCounts(e.snapshotId);
      for (const kind of OBJECT_KINDS) if (typeof counts?.[kind] === 'number') this.objects.set({ cluster: e.clusterName, kind }, counts[kind]);
    });
  }

  /** Records one answered request (called when the response has finished). */
  request(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }
}
