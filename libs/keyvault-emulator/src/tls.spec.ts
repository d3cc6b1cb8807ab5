import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTlsMaterial } from './tls.js';

describe('generateTlsMaterial', () => {
  it('creates an RSA 2048 CA and a loopback server certificate signed by it', async () => {
    const material = await generateTlsMaterial();
    const ca = new X509Certificate(material.caCert);
    const server = new X509Certificate(material.serverCert);

    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBeDefined();
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(createPrivateKey(material.serverKey).asymmetricKeyType).toBe('ec');
  });

  it('adds extra host names to the server certificate', async () => {
    const material = await generateTlsMaterial(['myhost.test', '10.1.2.3']);
    const server = new X509Certificate(material.serverCert);
    expect(server.checkHost('myhost.test')).toBe('myhost.test');
    expect(server.checkIP('10.1.2.3')).toBe('10.1.2.3');
  });
});
