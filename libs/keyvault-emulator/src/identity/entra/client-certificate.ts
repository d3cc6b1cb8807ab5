// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
type X509KeyPair = x509.X509CertificateCreateSelfSignedParams['keys'];

const ALGORITHM: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

const pem = (der: ArrayBuffer, label: string): string =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

/**
 * A service principal's certificate as `az ad sp create-for-rbac --create-cert` hands it out: one PEM
 * file with the private key and the self-signed certificate (what AZURE_CLIENT_CERTIFICATE_PATH and
 * ClientCertificateCredential read), plus the certificate alone (what is uploaded to the app registration).
 */
export async function generateClientCertificate(
  subject: string,
): Promise<{ combinedPem: string; certificatePem: string }> {
  const crypto = webcrypto as unknown as X509Crypto;
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as unknown as X509KeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: `CN=${subject}`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 365 * 86_400_000),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    },
    crypto,
  );
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey);
  const certificatePem = `${certificate.toString('pem')}\n`;
  return { combinedPem: `${pem(keyDer, 'PRIVATE KEY')}${certificatePem}`, certificatePem };
}
