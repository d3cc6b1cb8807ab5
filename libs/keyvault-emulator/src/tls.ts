// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A certificate authority and a loopback server certificate it signed, all as PEM. */
export interface EmulatorTlsMaterial {
  /** PEM of the self-signed CA (what clients must trust). */
  caCert: string;
  /** PEM of the server certificate (SANs 127.0.0.1, ::1, localhost). */
  serverCert: string;
  /** PKCS#8 PEM of the server certificate's private key. */
  serverKey: string;
}

const RSA_PARAMS: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/**
 * The server key is ECDSA P-256: generated in about a millisecond (an RSA 2048 key takes 150–300 ms and
 * this runs in every test file's beforeAll) and accepted by every TLS stack the Azure SDKs use.
 */
const SERVER_KEY_PARAMS: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
type X509KeyPair = x509.X509CertificateCreateSelfSignedParams['keys'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Random positive serial number (hex), 16 bytes like most CAs use. */
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // DER INTEGER must stay positive
  bytes[0] |= 0x01; // and must not start with a redundant zero byte
  return Buffer.from(bytes).toString('hex');
}

/**
 * Generates a fresh CA (RSA 2048, self-signed) and a server certificate (ECDSA P-256) for 127.0.0.1,
 * ::1 and localhost signed by it — with WebCrypto only, no openssl binary. Key generation runs on
 * Node's thread pool, so the event loop stays free meanwhile.
 * Extra host names/IPs (e.g. a non-loopback `host` option) can be added to the SANs.
 */
export async function generateTlsMaterial(extraHosts: readonly string[] = []): Promise<EmulatorTlsMaterial> {
  const [caKeys, serverKeys] = (await Promise.all([
    webcrypto.subtle.generateKey(RSA_PARAMS, true, ['sign', 'verify']),
    webcrypto.subtle.generateKey(SERVER_KEY_PARAMS, true, ['sign', 'verify']),
  ])) as unknown as X509KeyPair[];
  const now = Date.now();
  const notBefore = new Date(now - HOUR_MS); // tolerate small clock skew between processes
  const ca = await createCaCertificate(caKeys, notBefore, now);
  const server = await createServerCertificate(
    ca,
    caKeys,
    serverKeys,
    serverSans(extraHosts),
    notBefore,
    now,
  );
  const serverKeyDer = await webcrypto.subtle.exportKey(
    'pkcs8',
    serverKeys.privateKey as unknown as webcrypto.CryptoKey,
  );
  return {
    caCert: ca.toString('pem') + '\n',
    serverCert: server.toString('pem') + '\n',
    serverKey: toPem(serverKeyDer, 'PRIVATE KEY'),
  };
}

/** Node's WebCrypto, typed as the provider @peculiar/x509 expects (the DOM lib is not loaded here). */
const x509Crypto = webcrypto as unknown as X509Crypto;

/** The self-signed CA, valid ten years; a random suffix in its name tells two emulators' CAs apart. */
async function createCaCertificate(
  caKeys: X509KeyPair,
  notBefore: Date,
  now: number,
): Promise<x509.X509Certificate> {
  const caName = `CN=Key Vault Emulator Local CA ${serialNumber().slice(0, 8)}, O=keyvault-emulator`;
  return x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: caName,
      notBefore,
      notAfter: new Date(now + 3650 * DAY_MS),
      keys: caKeys,
      signingAlgorithm: RSA_PARAMS,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, x509Crypto),
      ],
    },
    x509Crypto,
  );
}

/** The loopback names every client may use, plus the extra hosts (wildcard binds are no name). */
function serverSans(extraHosts: readonly string[]): x509.JsonGeneralNames {
  const sans: x509.JsonGeneralNames = [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
    { type: 'dns', value: 'localhost' },
  ];
  for (const host of extraHosts) {
    if (['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::', ''].includes(host)) continue;
    sans.push(
      /^[\d.]+$/.test(host) || host.includes(':')
        ? { type: 'ip', value: host }
        : { type: 'dns', value: host },
    );
  }
  return sans;
}

/** The server's leaf certificate, signed by the CA. */
async function createServerCertificate(
  ca: x509.X509Certificate,
  caKeys: X509KeyPair,
  serverKeys: X509KeyPair,
  sans: x509.JsonGeneralNames,
  notBefore: Date,
  now: number,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: 'CN=127.0.0.1, O=keyvault-emulator',
      issuer: ca.subject,
      notBefore,
      // Under 398 days: the longest validity some TLS stacks (Apple, browsers) accept for leaf certificates.
      notAfter: new Date(now + 397 * DAY_MS),
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: RSA_PARAMS,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(sans, false),
        await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, x509Crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, x509Crypto),
      ],
    },
    x509Crypto,
  );
}
