// What an uploaded kubeconfig may contain. Uploads come over the API, so they must not make the
// API host run programs (exec plugins, auth-provider helpers) or read its files (tokenFile,
// client-certificate, certificate-authority paths): only inline credentials are accepted.
// Operators who need exec plugins (kubelogin…) use KORDON_KUBECONFIG on the host instead.
import { parse } from 'yaml';

const FORBIDDEN_USER_KEYS = ['exec', 'auth-provider', 'tokenFile', 'client-certificate', 'client-key'];
const FORBIDDEN_CLUSTER_KEYS = ['certificate-authority'];

type Named = { name?: unknown; user?: Record<string, unknown>; cluster?: Record<string, unknown>; context?: Record<string, unknown> };

/** Returns what is wrong with an uploaded kubeconfig (empty when acceptable). */
export function checkUploadedKubeconfig(text: string, context?: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return [`kubeconfig is not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['kubeconfig must be a YAML mapping (kind: Config)'];
  const cfg = doc as { clusters?: Named[]; users?: Named[]; contexts?: Named[]; 'current-context'?: string };
  const problems: string[] = [];
  if (!Array.isArray(cfg.clusters) || cfg.clusters.length === 0) problems.push('kubeconfig has no clusters');
  if (!Array.isArray(cfg.contexts) || cfg.contexts.length === 0) problems.push('kubeconfig has no contexts');
  for (const u of Array.isArray(cfg.users) ? cfg.users : []) {
    for (const key of FORBIDDEN_USER_KEYS) {
      if (u?.user && key in u.user) problems.push(`users[${String(u.name)}].user.${key} is not accepted in an uploaded kubeconfig (use inline token or client-certificate-data)`);
    }
  }
  for (const c of Array.isArray(cfg.clusters) ? cfg.clusters : []) {
    for (const key of FORBIDDEN_CLUSTER_KEYS) {
      if (c?.cluster && key in c.cluster) problems.push(`clusters[${String(c.name)}].cluster.${key} is not accepted in an uploaded kubeconfig (use certificate-authority-data)`);
    }
  }
  const wanted = context ?? cfg['current-context'];
  if (Array.isArray(cfg.contexts) && wanted && !cfg.contexts.some((c) => c?.name === wanted)) {
    problems.push(`context "${wanted}" is not in the kubeconfig`);
  }
  return problems;
}
