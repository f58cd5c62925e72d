// `kordon verify <bundle.zip>`: checks an evidence bundle offline, without the database or the
// network. Self-contained on purpose (node:crypto and fflate only): an auditor can read this one
// file to see what is checked.
//
//   1. every file listed in manifest.json is in the zip with that SHA-256, and no file is unlisted;
//   2. manifest.sig is a valid Ed25519 signature of manifest.json's bytes (key from --public-key,
//      else the key embedded in the manifest, which proves integrity but not origin);
//   3. the snapshot digest is SHA-256 of the RFC 8785 (JCS) serialization of
//      verification/digest-input.json, and that document's four content set hashes are recomputed
//      from verification/content.json (policy bodies, workloads, namespaces, findings), and every
//      policy file under manifests/policies/ is one of the hashed policy bodies;
//   4. the links of chain.json: each digested snapshot's prevDigest is the digest of the one before.
import { readFileSync, statSync } from 'node:fs';
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { unzipSync } from 'fflate';
import { CliError, EXIT_BAD_INPUT, EXIT_OK } from './exit-codes';

export const EXIT_VERIFY_FAILED = 1;
export const BUNDLE_FORMAT = 'kordon-evidence-bundle/v1';

export interface VerifyOptions {
  publicKeyFile?: string;
  json?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface VerifyResult {
  ok: boolean;
  /** The first check that failed, naming the file or link. */
  failure: string | null;
  warnings: string[];
  checked: { files: number; signature: 'public-key' | 'embedded-key' | null; digest: string | null; chainLinks: number };
}

/** RFC 8785 (JCS) for JSON values: keys sorted by UTF-16 code units, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const setHash = (hashes: string[]): string => sha256([...hashes].sort().join('\n'));

interface ManifestFile { path: string; sha256: string; bytes?: number }
interface Manifest {
  format?: string;
  hashAlgorithm?: string;
  snapshot?: { id?: string; digest?: string | null };
  signature?: { algorithm?: string; keyId?: string; publicKeyPem?: string };
  files?: ManifestFile[];
}

class Failed extends Error {}

function readKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the public key ${file}: ${(e as Error).message}`);
  }
  try {
    const key = createPublicKey(text.includes('-----BEGIN') ? text : { key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key`);
    return key;
  } catch (e) {
    throw new CliError(`${file} is not an Ed25519 public key (PEM or base64 SPKI): ${(e as Error).message}`);
  }
}

function parseJson<T>(files: Record<string, Uint8Array>, path: string): T {
  const bytes = files[path];
  if (!bytes) throw new Failed(`${path} is missing from the bundle`);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    throw new Failed(`${path} is not valid JSON`);
  }
}

/** Recomputes the snapshot's four content set hashes from verification/content.json. */
function checkContent(files: Record<string, Uint8Array>, input: Record<string, unknown>): void {
  const content = parseJson<{
    policies?: { hash: string; body: string }[];
    workloads?: ({ hash: string } & Record<string, unknown>)[];
    namespaces?: Record<string, unknown>[];
    labelSets?: { hash: string; labels: unknown }[];
    findings?: ({ hash: string } & Record<string, unknown>)[];
  }>(files, 'verification/content.json');
  const policies = content.policies ?? [];
  for (const p of policies) {
    if (sha256(p.body) !== p.hash) throw new Failed(`verification/content.json: the body of policy ${p.hash} does not hash to its address`);
  }
  const expect = (name: string, got: string) => {
    if (input[name] !== null && input[name] !== undefined && input[name] !== got) {
      throw new Failed(`set ${name.replace(/SetHash$/, '')}: verification/content.json hashes to ${got}, the snapshot digest covers ${String(input[name])}`);
    }
  };
  expect('policySetHash', setHash(policies.map((p) => p.hash)));
  const workloads = content.workloads ?? [];
  for (const w of workloads) {
    const { hash, ...row } = w;
    if (sha256(canonicalJson(row)) !== hash) throw new Failed(`verification/content.json: workload ${String(w.namespace)}/${String(w.kind)}/${String(w.name)} does not hash to its address`);
  }
  expect('workloadSetHash', setHash(workloads.map((w) => w.hash)));
  expect('namespaceSetHash', sha256(canonicalJson(content.namespaces ?? [])));
  const findings = content.findings ?? [];
  for (const f of findings) {
    const { hash, ...row } = f;
    if (sha256(canonicalJson(row)) !== hash) throw new Failed(`verification/content.json: finding ${String(f.ruleId)} does not hash to its address`);
  }
  expect('findingSetHash', setHash(findings.map((f) => f.hash)));
  for (const l of content.labelSets ?? []) {
    if (sha256(canonicalJson(l.labels ?? {})) !== l.hash) throw new Failed(`verification/content.json: label set ${l.hash} does not hash to its address`);
  }
  // The policy files an auditor reads are the hashed bodies, byte for byte.
  const bodies = new Set(policies.map((p) => p.hash));
  for (const path of Object.keys(files).filter((p) => p.startsWith('manifests/policies/'))) {
    if (!bodies.has(sha256(files[path]))) throw new Failed(`${path} is not one of the policy bodies the snapshot digest covers`);
  }
}

function checkChain(files: Record<string, Uint8Array>, snapshotId: string | undefined, digest: string | null | undefined, prevDigest: unknown): number {
  const chain = parseJson<{ links?: { id: string; startedAt: string; digest: string | null; prevDigest: string | null; pruned?: boolean }[] }>(files, 'chain.json');
  const links = [...(chain.links ?? [])].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
  let prev: string | null | undefined; // undefined: before the first digested link of the range
  let checked = 0;
  for (const l of links) {
    if (l.digest === null) {
      if (prev !== undefined) throw new Failed(`chain.json: snapshot ${l.id} (${l.startedAt}) has no digest although the chain started before it`);
      continue;
    }
    if (prev !== undefined && l.prevDigest !== prev) {
      throw new Failed(`chain.json: link broken at snapshot ${l.id} (${l.startedAt}): it chains to ${l.prevDigest ?? 'nothing'}, the snapshot before it has digest ${prev ?? 'none'}`);
    }
    prev = l.digest;
    checked++;
  }
  if (snapshotId && digest) {
    const own = links.find((l) => l.id === snapshotId);
    if (own && (own.digest !== digest || own.prevDigest !== prevDigest)) throw new Failed(`chain.json: snapshot ${snapshotId} is listed with another digest or link than manifest.json and verification/digest-input.json`);
  }
  return checked;
}

export function verifyZip(zip: Uint8Array, key: KeyObject | null): VerifyResult {
  const warnings: string[] = [];
  const checked: VerifyResult['checked'] = { files: 0, signature: null, digest: null, chainLinks: 0 };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (e) {
    throw new CliError(`not a zip file: ${(e as Error).message}`);
  }
  if (!files['manifest.json']) throw new CliError('not a Kordon evidence bundle: manifest.json is missing');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as Manifest;
  } catch {
    throw new CliError('not a Kordon evidence bundle: manifest.json is not JSON');
  }
  if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files)) throw new CliError(`not a Kordon evidence bundle: manifest.json format is ${JSON.stringify(manifest.format)}, expected ${BUNDLE_FORMAT}`);
  try {
    // 1. Signature first: the manifest is what every other check trusts.
    const sig = files['manifest.sig'];
    if (!sig) throw new Failed('manifest.sig is missing');
    let k = key;
    if (k) checked.signature = 'public-key';
    else {
      if (!manifest.signature?.publicKeyPem) throw new Failed('manifest.json embeds no public key; pass --public-key');
      try {
        k = createPublicKey(manifest.signature.publicKeyPem);
      } catch {
        throw new Failed('manifest.json: the embedded public key is not a key');
      }
      checked.signature = 'embedded-key';
      warnings.push(`no --public-key: the signature was checked with the key embedded in the bundle (id ${manifest.signature.keyId ?? '?'}); that proves the files were not changed after signing, not who signed them. Get the key from /api/evidence/public-key.`);
    }
    const ok = verifySignature(null, files['manifest.json'], k, Buffer.from(Buffer.from(sig).toString('utf8').trim(), 'base64'));
    if (!ok) throw new Failed(`manifest.sig: the Ed25519 signature of manifest.json does not verify with ${checked.signature === 'public-key' ? 'the given public key' : 'the embedded key'}`);

    // 2. Every file's SHA-256.
    const listed = new Set<string>();
    for (const f of manifest.files!) {
      listed.add(f.path);
      const bytes = files[f.path];
      if (!bytes) throw new Failed(`${f.path} is listed in manifest.json but missing from the bundle`);
      const got = sha256(bytes);
      if (got !== f.sha256) throw new Failed(`${f.path}: SHA-256 is ${got}, manifest.json says ${f.sha256}`);
      checked.files++;
    }
    for (const path of Object.keys(files)) {
      if (path !== 'manifest.json' && path !== 'manifest.sig' && !path.endsWith('/') && !listed.has(path)) throw new Failed(`${path} is in the bundle but not listed in manifest.json`);
    }

    // 3. The snapshot digest, recomputed from the bundle's own files.
    const input = parseJson<Record<string, unknown>>(files, 'verification/digest-input.json');
    const digest = manifest.snapshot?.digest ?? null;
    if (digest === null) {
      warnings.push('the snapshot was written before digests: not chained (written before digests); only file hashes and the signature were checked');
    } else {
      const got = sha256(canonicalJson(input));
      if (got !== digest) throw new Failed(`verification/digest-input.json hashes to ${got}, the snapshot digest is ${digest}`);
      if (input.id !== manifest.snapshot?.id) throw new Failed('verification/digest-input.json is the digest input of another snapshot');
      checkContent(files, input);
      checked.digest = digest;
    }

    // 4. The chain links in range.
    checked.chainLinks = checkChain(files, manifest.snapshot?.id, digest, input.prevDigest ?? null);
    return { ok: true, failure: null, warnings, checked };
  } catch (e) {
    if (e instanceof Failed) return { ok: false, failure: e.message, warnings, checked };
    throw e;
  }
}

/** The `verify` command: 0 verified, 1 verification failed, 2 bad input. */
export async function verifyBundle(bundlePath: string, opts: VerifyOptions): Promise<number> {
  const key = opts.publicKeyFile ? readKey(opts.publicKeyFile) : null;
  let zip: Uint8Array;
  try {
    if (!statSync(bundlePath).isFile()) throw new Error('not a file');
    zip = readFileSync(bundlePath);
  } catch (e) {
    throw new CliError(`cannot read ${bundlePath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const r = verifyZip(zip, key);
  if (opts.json) opts.stdout(`${JSON.stringify(r, null, 2)}\n`);
  for (const w of r.warnings) opts.stderr(`kordon: warning: ${w}\n`);
  if (!r.ok) {
    opts.stderr(`kordon: verification FAILED: ${r.failure}\n`);
    return EXIT_VERIFY_FAILED;
  }
  if (!opts.json) {
    opts.stdout(
      `verified: ${r.checked.files} files match manifest.json; signature ok (${r.checked.signature === 'public-key' ? 'given public key' : 'embedded key'}); ` +
        `${r.checked.digest ? `snapshot digest ${r.checked.digest} recomputed` : 'no snapshot digest'}; ${r.checked.chainLinks} chain links checked\n`,
    );
  }
  return EXIT_OK;
}

export { EXIT_BAD_INPUT };
