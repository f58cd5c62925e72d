// Environment configuration, parsed once at boot into a typed object. Every bad value is
// reported at once (not the first one only) so an operator fixes the lot in one go.
import { z } from 'zod';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DEFAULT_RETENTION, parseRetention } from '../retention/retention-policy';

/** An Ed25519 private key from PKCS#8 PEM or base64 DER; null when it is not one. */
export function parseEd25519PrivateKey(text: string): KeyObject | null {
  try {
    const t = text.trim();
    const key = t.includes('-----BEGIN') ? createPrivateKey(t.replace(/\\n/g, '\n')) : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}
const isEd25519PrivateKey = (v: string) => parseEd25519PrivateKey(v) !== null;

const port = (fallback: number) =>
  z.coerce.number().int().min(1, 'must be a port number 1-65535').max(65535, 'must be a port number 1-65535').default(fallback);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const csv = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));

/** The roles of the Prisma enum, listed here so configuration parsing needs no generated client. */
export const ROLES = ['admin', 'security', 'auditor', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/** Entra ID app roles named as the README suggests. */
export const DEFAULT_OIDC_ROLE_MAP = 'Kordon.Admin=admin,Kordon.Security=security,Kordon.Auditor=auditor,Kordon.Manager=manager';

const onOff = (fallback: 'on' | 'off' | 'auto') =>
  z
    .enum(['on', 'off', 'auto', 'true', 'false', '1', '0'], { message: 'must be on, off or auto' })
    .default(fallback)
    .transform((v) => (v === 'true' || v === '1' ? 'on' : v === 'false' || v === '0' ? 'off' : v) as 'on' | 'off' | 'auto');

export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  PORT: port(3000),
  API_PORT: port(3001),
  API_HOST: z.string().default('0.0.0.0'),
  KORDON_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  KORDON_WEB_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  KORDON_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a whole number 0-100000' })
    .int('must be a whole number 0-100000')
    .min(0, 'must be a whole number 0-100000')
    .max(100000, 'must be a whole number 0-100000')
    .default(60),
  KORDON_OIDC_ISSUER: z.string().url('must be the issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0').optional(),
  KORDON_OIDC_AUDIENCE: csv,
  KORDON_OIDC_JWKS_URI: z.string().url('must be a URL').optional(),
  KORDON_OIDC_ROLE_CLAIM: z.string().regex(/^[\w:/.-]{1,200}$/, 'must be a claim name (dots reach into nested objects)').default('roles'),
  KORDON_OIDC_ROLE_MAP: z
    .string()
    .default(DEFAULT_OIDC_ROLE_MAP)
    .transform((v, ctx) => {
      const map: Record<string, Role> = {};
      for (const pair of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = pair.lastIndexOf('=');
        const value = at > 0 ? pair.slice(0, at).trim() : '';
        const role = at > 0 ? pair.slice(at + 1).trim() : '';
        if (!value || !(ROLES as readonly string[]).includes(role)) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" must be <claim value>=<${ROLES.join('|')}>` });
          continue;
        }
        map[value] = role as Role;
      }
      return map;
    }),
  KORDON_DEMO: onOff('auto'),
  KORDON_SCHEDULER: onOff('on'),
  KORDON_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  /** Ed25519 private key (PKCS#8 PEM, or its DER in base64) that signs evidence bundles. */
  KORDON_EVIDENCE_SIGNING_KEY: z
    .string()
    .refine(isEd25519PrivateKey, 'must be an Ed25519 private key: PKCS#8 PEM or its DER in base64 (openssl genpkey -algorithm ed25519)')
    .optional(),
  /** Which snapshots are kept as they age: tier:age,… (see apps/api/src/retention/retention-policy.ts). */
  KORDON_RETENTION: z
    .string()
    .default(DEFAULT_RETENTION)
    .superRefine((v, ctx) => {
      try {
        parseRetention(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** An origin (scheme://host[:port]) whose pages may call the API cross-origin; unset: none. */
  KORDON_WEB_ORIGIN: z
    .string()
    .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://kordon.example.com (scheme and host, no path)')
    .optional(),
  /** When set, GET /metrics needs it as a bearer token (Prometheus `authorization` credentials). */
  KORDON_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  KORDON_DATA_DIR: z.string().default('.kordon'),
  KORDON_EMBEDDED_PG_PORT: port(54329),
  KORDON_SCHEDULE_MINUTES: z.coerce.number().int().min(5).max(10080).default(60),
  /**
   * Every cluster is due this many seconds after its last snapshot started, in place of its
   * schedule minutes; the scheduler then ticks every quarter of it. For tests and drills; unset
   * in production.
   */
  KORDON_SCHEDULE_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds 2-3600' })
    .int('must be a whole number of seconds 2-3600')
    .min(2, 'must be a whole number of seconds 2-3600')
    .max(3600, 'must be a whole number of seconds 2-3600')
    .optional(),
  /** A running snapshot whose worker has not beaten for this long was interrupted (crash, SIGKILL). */
  KORDON_HEARTBEAT_SILENCE_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds 4-3600' })
    .int('must be a whole number of seconds 4-3600')
    .min(4, 'must be a whole number of seconds 4-3600')
    .max(3600, 'must be a whole number of seconds 4-3600')
    .default(120),
  KORDON_READ_CACHE_MB: z.coerce
    .number({ message: 'must be a whole number of megabytes 0-4096' })
    .int('must be a whole number of megabytes 0-4096')
    .min(0, 'must be a whole number of megabytes 0-4096')
    .max(4096, 'must be a whole number of megabytes 0-4096')
    .default(64),
  // 0: this process runs no snapshot jobs (a dashboard replica; worker replicas run them).
  KORDON_WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(16).default(2),
  // Threads that collect and analyse snapshots off the API's event loop: `auto` (the default) is
  // min(KORDON_WORKER_CONCURRENCY, CPUs - 1, at least 1); 0 runs them on the API thread.
  KORDON_ANALYSIS_THREADS: z
    .union([z.literal('auto'), z.coerce.number({ message: 'must be auto or a whole number 0-16' }).int('must be auto or a whole number 0-16').min(0, 'must be auto or a whole number 0-16').max(16, 'must be auto or a whole number 0-16')])
    .default('auto'),
  // Scheduling priority (Linux nice, 0-19) of the analysis threads: above 0 the API thread's reads
  // go first when the CPUs are busy, and the threads take what is left (all of it when idle).
  KORDON_ANALYSIS_NICE: z.coerce
    .number({ message: 'must be a whole number 0-19' })
    .int('must be a whole number 0-19')
    .min(0, 'must be a whole number 0-19')
    .max(19, 'must be a whole number 0-19')
    .default(10),
  // Reachability reports computed at once per API process (cold: rebuild a snapshot, run the
  // engine), and how many more may wait for a turn before the API answers 503.
  KORDON_REACHABILITY_CONCURRENCY: z.coerce
    .number({ message: 'must be a whole number 1-16' })
    .int('must be a whole number 1-16')
    .min(1, 'must be a whole number 1-16')
    .max(16, 'must be a whole number 1-16')
    .default(2),
  KORDON_REACHABILITY_QUEUE: z.coerce
    .number({ message: 'must be a whole number 0-1000' })
    .int('must be a whole number 0-1000')
    .min(0, 'must be a whole number 0-1000')
    .max(1000, 'must be a whole number 0-1000')
    .default(8),
  KORDON_SNAPSHOT_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  KORDON_EXCLUDED_NAMESPACES: csv,
  KORDON_KUBECONFIG: z.string().optional(),
  KORDON_KUBE_CONTEXTS: csv,
  KORDON_AZURE_SUBSCRIPTIONS: csv.pipe(z.array(z.string().regex(GUID, 'each subscription must be a GUID'))),
  KORDON_AZURE_RESOURCE_GROUP: z.string().optional(),
  KORDON_AZURE_TAGS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const tags: Record<string, string> = {};
      for (const pair of v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []) {
        const [key, ...rest] = pair.split('=');
        if (!key || rest.length === 0) {
          ctx.addIssue({ code: 'custom', message: `tag "${pair}" must be key=value` });
          continue;
        }
        tags[key] = rest.join('=');
      }
      return tags;
    }),
  KORDON_ARM_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.infer<typeof envSchema> & {
  /** The database URL actually in use (DATABASE_URL or the embedded server's). */
  databaseUrl: string;
};

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Rules between variables, checked on the raw strings so they are reported together with the
 * per-variable ones (a schema-level refinement would only run once every variable parsed).
 */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const issues: string[] = [];
  if (env.KORDON_OIDC_ISSUER && !env.KORDON_OIDC_AUDIENCE) {
    issues.push('KORDON_OIDC_AUDIENCE: is required with KORDON_OIDC_ISSUER (the application ID URI or client id tokens are issued for)');
  }
  if (!env.KORDON_OIDC_ISSUER) {
    for (const name of ['KORDON_OIDC_AUDIENCE', 'KORDON_OIDC_JWKS_URI', 'KORDON_OIDC_ROLE_CLAIM', 'KORDON_OIDC_ROLE_MAP']) {
      if (env[name]) issues.push(`${name}: has no effect without KORDON_OIDC_ISSUER`);
    }
  }
  if (env.KORDON_WEB_TOKEN && env.KORDON_WEB_TOKEN === env.KORDON_ADMIN_TOKEN) {
    issues.push('KORDON_WEB_TOKEN: must differ from KORDON_ADMIN_TOKEN (the web app reads as an auditor)');
  }
  return issues;
}

/** Parses the environment; throws one ConfigError listing every bad variable. */
export function parseEnv(env: NodeJS.ProcessEnv): z.infer<typeof envSchema> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  const issues = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (issues.length || !result.success) throw new ConfigError(issues);
  return result.data;
}
