// Reads YAML uploads (application/yaml, text/yaml, application/x-yaml) as raw text for the
// analyze route only; the global JSON parser keeps every other route and content type. Written
// here rather than with express.text(): express is only a transitive dependency without types,
// and this needs just a bounded UTF-8 read.
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnalyzeErrorCode, AnalyzeException } from './analyze.exception';

export const YAML_MEDIA_TYPES: readonly string[] = ['application/yaml', 'text/yaml', 'application/x-yaml'];
/** The upload limit, the same as the global JSON body limit. */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

export function mediaTypeOf(header: string | undefined): { type: string; charset: string | undefined } {
  const [type, ...params] = (header ?? '').split(';');
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return { type: type.trim().toLowerCase(), charset };
}

const tooLarge = () => new AnalyzeException(AnalyzeErrorCode.PayloadTooLarge, `the upload exceeds ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; analyze a smaller set of manifests or use the kordon CLI`);

export function readText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    // Drain so the client reads the answer instead of a reset connection.
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new AnalyzeException(AnalyzeErrorCode.InvalidInput, 'the upload is not valid UTF-8 text'));
      }
    });
    req.on('error', (err) => {
      if (!failed) reject(new AnalyzeException(AnalyzeErrorCode.InvalidInput, `the upload could not be read: ${err.message}`));
      failed = true;
    });
  });
}

type BodyRequest = IncomingMessage & { body?: unknown };

@Injectable()
export class YamlBodyMiddleware implements NestMiddleware {
  async use(req: BodyRequest, _res: ServerResponse, next: (err?: unknown) => void): Promise<void> {
    const { type, charset } = mediaTypeOf(req.headers['content-type']);
    if (!YAML_MEDIA_TYPES.includes(type)) return next();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      req.resume();
      throw new AnalyzeException(AnalyzeErrorCode.UnsupportedMediaType, `charset ${charset} is not supported; send UTF-8`);
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      req.resume();
      throw new AnalyzeException(AnalyzeErrorCode.UnsupportedMediaType, `content-encoding ${encoding} is not supported; send the YAML uncompressed`);
    }
    req.body = await readText(req, MAX_UPLOAD_BYTES);
    next();
  }
}
