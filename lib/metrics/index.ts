/**
 * Prometheus metrics (prom-client), scraped at GET /api/metrics with the bearer METRICS_TOKEN. One registry
 * per process, kept on globalThis: scripts/serve-next.ts (requests), the route handlers, the in-process
 * worker and the AMS client are separate module copies in the production build and must share it.
 * Labels are bounded: routes are normalised patterns (ids and tokens replaced), result codes come from
 * Antom's finite list, queues from the job registry.
 */
import client, { type Counter, type Gauge, type Histogram, type Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  amsCalls: Counter<'endpoint' | 'result' | 'code'>;
  amsDuration: Histogram<'endpoint'>;
  notifications: Counter<'channel' | 'status'>;
  notificationLag: Histogram<'channel'>;
  tokenRefreshes: Counter<'outcome'>;
  jobs: Counter<'queue' | 'result'>;
  jobDuration: Histogram<'queue'>;
  openAttempts: Gauge<'age'>;
  queueJobs: Gauge<'queue' | 'state'>;
  reconciliationOpen: Gauge;
}

const globalForMetrics = globalThis as unknown as { daikouMetrics?: Metrics };

function build(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'daikou_' });
  const r = [registry];
  return {
    registry,
    httpRequests: new client.Counter({ name: 'daikou_http_requests_total', help: 'HTTP requests answered, by normalised route and status', labelNames: ['method', 'route', 'status'], registers: r }),
    httpDuration: new client.Histogram({
      name: 'daikou_http_request_duration_seconds',
      help: 'HTTP request latency by normalised route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    amsCalls: new client.Counter({
      name: 'daikou_ams_calls_total',
      help: 'AMS (Antom) call attempts by endpoint, result (S, F, U, timeout, network, http_5xx, unverified) and result code',
      labelNames: ['endpoint', 'result', 'code'],
      registers: r,
    }),
    amsDuration: new client.Histogram({
      name: 'daikou_ams_call_duration_seconds',
      help: 'AMS call attempt latency by endpoint',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30],
      registers: r,
    }),
    notifications: new client.Counter({ name: 'daikou_notifications_received_total', help: 'Antom notifications received, by channel and the HTTP status answered', labelNames: ['channel', 'status'], registers: r }),
    notificationLag: new client.Histogram({
      name: 'daikou_notification_lag_seconds',
      help: "Seconds from the notification's signed Request-Time to its processing here (verified deliveries)",
      labelNames: ['channel'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200, 86_400],
      registers: r,
    }),
    tokenRefreshes: new client.Counter({ name: 'daikou_token_refreshes_total', help: 'Access-token refresh runs by outcome', labelNames: ['outcome'], registers: r }),
    jobs: new client.Counter({ name: 'daikou_jobs_total', help: 'Job runs in this process by queue and result (completed, failed)', labelNames: ['queue', 'result'], registers: r }),
    jobDuration: new client.Histogram({ name: 'daikou_job_duration_seconds', help: 'Job run time by queue', labelNames: ['queue'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300], registers: r }),
    openAttempts: new client.Gauge({ name: 'daikou_open_payment_attempts', help: 'Payment attempts without a final answer (CREATED, PROCESSING, UNKNOWN) by age band; read from the database at scrape', labelNames: ['age'], registers: r }),
    queueJobs: new client.Gauge({ name: 'daikou_queue_jobs', help: 'Jobs in the queue by queue and state (created, retry, active, failed); read from the database at scrape', labelNames: ['queue', 'state'], registers: r }),
    reconciliationOpen: new client.Gauge({ name: 'daikou_reconciliation_open_items', help: 'Reconciliation discrepancies still OPEN; read from the database at scrape', registers: r }),
  };
}

/** This process's metrics. */
export function metrics(): Metrics {
  globalForMetrics.daikouMetrics ??= build();
  return globalForMetrics.daikouMetrics;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The route label of a request path: query dropped, ids and tokens replaced (a buyer link's token must never
 * become a label), static assets folded, at most four segments.
 */
export function routeLabel(url: string | undefined): string {
  const pathname = (url ?? '/').split('?')[0]!.split('#')[0]!;
  if (pathname.startsWith('/_next/')) return '/_next/*';
  if (pathname.startsWith('/buyer/')) return '/buyer/*';
  const segments = pathname.split('/').filter(Boolean).slice(0, 5);
  const label = segments.map((segment, i) => {
    if (i >= 4) return '*';
    if (UUID.test(segment)) return ':id';
    if (/^\d+$/.test(segment)) return ':n';
    if (segment.length > 24 || /[^A-Za-z0-9._-]/.test(segment) || (/\d/.test(segment) && segment.length > 12)) return ':token';
    return segment;
  });
  return `/${label.join('/')}`;
}

/** Records one answered HTTP request under its route label (routeLabel). */
export function observeRequest(method: string | undefined, route: string, status: number, seconds: number): void {
  const m = metrics();
  const verb = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(method ?? '') ? method! : 'OTHER';
  m.httpRequests.inc({ method: verb, route, status: String(status) });
  m.httpDuration.observe({ method: verb, route }, seconds);
}
