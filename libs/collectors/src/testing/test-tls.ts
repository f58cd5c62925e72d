// Owns the throwaway TLS identity the fake API servers present: a self-signed certificate for
// localhost/127.0.0.1 generated in memory at first use and never written to disk. The RSA key
// comes from node:crypto because node-forge's pure-JS key generation takes seconds.
import { generateKeyPairSync } from 'node:crypto';
import selfsigned from 'selfsigned';

export interface TestTls {
  cert: string;
  key: string;
  /** The certificate is its own CA: clients trust exactly this PEM. */
  ca: string;
}

let cached: TestTls | undefined;

export function testTls(): TestTls {
  cached ??= makeTls();
  return cached;
}

/** A fresh, unrelated self-signed identity: a CA that does not verify the fake servers. */
export function otherTestTls(): TestTls {
  return makeTls();
}

function makeTls(): TestTls {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const options = {
    days: 2,
    algorithm: 'sha256',
    keyPair: { publicKey, privateKey },
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  };
  // `keyPair` is supported by selfsigned 2.x but missing from its type declarations.
  const pems = selfsigned.generate([{ name: 'commonName', value: 'kordon-test' }], options as Parameters<typeof selfsigned.generate>[1]);
  return { cert: pems.cert, key: pems.private, ca: pems.cert };
}
