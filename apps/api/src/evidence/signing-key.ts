// The Ed25519 key that signs evidence bundles: KORDON_EVIDENCE_SIGNING_KEY, else a key made at
// start (bundles then verify only against this process's public key; a warning says so).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module';
import { parseEd25519PrivateKey, type AppConfig } from '../config/env.schema';

@Injectable()
export class EvidenceSigningKey {
  private readonly logger = new Logger(EvidenceSigningKey.name);
  private readonly key: KeyObject;
  readonly publicKeyPem: string;
  /** First 16 hex digits of the SHA-256 of the public key's DER (SPKI). */
  readonly keyId: string;
  readonly ephemeral: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const configured = config.KORDON_EVIDENCE_SIGNING_KEY ? parseEd25519PrivateKey(config.KORDON_EVIDENCE_SIGNING_KEY) : null;
    this.ephemeral = !configured;
    this.key = configured ?? generateKeyPairSync('ed25519').privateKey;
    const pub = createPublicKey(this.key);
    this.publicKeyPem = pub.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
    if (this.ephemeral) {
      this.logger.warn(`KORDON_EVIDENCE_SIGNING_KEY is not set: evidence bundles are signed with a key made at start (id ${this.keyId}); they will not verify against the public key after a restart`);
    }
  }

  /** Base64 Ed25519 signature of `data`. */
  sign(data: Uint8Array): string {
    return sign(null, data, this.key).toString('base64');
  }
}
