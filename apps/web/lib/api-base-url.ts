// Where the Kordon API lives, read per call so one build runs against any API (tests start the
// same build against stand-ins on random ports).

export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.KORDON_API_URL?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  const port = env.API_PORT?.trim() || '3001';
  return `http://127.0.0.1:${port}`;
}
