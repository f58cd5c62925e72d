// Secrets never reach the logs: the pino redaction paths the API uses, applied by pino itself.
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS } from './app.module';

describe('log redaction', () => {
  it('censors authorization headers, kubeconfigs and tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ req: { headers: { authorization: 'Bearer s3cret-token', cookie: 'sid=abc' } } }, 'request');
    log.info({ body: { kubeconfig: 'apiVersion: v1\nusers: [{token: s3cret-token}]' } }, 'register');
    log.info({ source: { bearerToken: 's3cret-token', token: 's3cret-token' } }, 'collect');
    const text = lines.join('');
    expect(text).not.toContain('s3cret-token');
    expect(text).not.toContain('sid=abc');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
