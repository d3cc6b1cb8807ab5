/**
 * Vault reachability, before any credential: DNS, TLS (and which CA the connection trusted), and the
 * vault's 401 challenge (tenant and resource) read with one unauthenticated request — the same first
 * request the SDK's challenge policy sends. No token is ever sent here.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect, rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { KeyVaultConfigErrorCode, vaultNameOf } from '../../core/errors.js';
import { azKeyVaultShow } from '../../core/messages/index.js';
import type { ParsedVaultUrl } from '../../core/vault-url.js';
import { CHALLENGE_PROBE_API_VERSION } from '../doctor.constants.js';
import type { DoctorProblem, DoctorVault } from '../doctor.interfaces.js';
import { bounded, timed } from '../doctor.timing.js';

type Probe = Pick<DoctorVault, 'dns' | 'tls' | 'challenge' | 'reachable'>;

function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(error);
  return code && !message?.includes(code) ? `${code}: ${message}` : (message ?? 'failed');
}

async function probeDns(hostname: string, timeoutMs: number): Promise<NonNullable<Probe['dns']>> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return { ok: true, ms: 0, addresses: [bare], detail: `${bare} (an IP address, no lookup)` };
  const result = await timed(() => bounded(timeoutMs, () => lookup(bare, { all: true })));
  if (!result.ok) {
    return {
      ok: false,
      ms: result.ms,
      addresses: [],
      detail: `${bare} does not resolve (${errorText(result.error)})`,
    };
  }
  const addresses = result.value.map((a) => a.address);
  return { ok: true, ms: result.ms, addresses, detail: `${bare} → ${addresses.join(', ')}` };
}

/** Topmost certificate of the chain the server sent (the root, or the last one it sent). */
function topOf(certificate: DetailedPeerCertificate): DetailedPeerCertificate {
  let current = certificate;
  for (let depth = 0; depth < 10; depth++) {
    const issuer = current.issuerCertificate;
    if (!issuer || issuer === current || issuer.fingerprint256 === current.fingerprint256) break;
    current = issuer;
  }
  return current;
}

let bundledFingerprints: Set<string> | undefined;
function isBundledRoot(fingerprint256: string): boolean {
  bundledFingerprints ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  return bundledFingerprints.has(fingerprint256);
}

function nameOf(subject: DetailedPeerCertificate['subject'] | undefined): string {
  if (!subject) return 'unknown';
  return subject.CN
    ? `CN=${subject.CN}`
    : Object.entries(subject)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
}

function trustSource(top: DetailedPeerCertificate, customCa: boolean): string {
  if (customCa) return 'clientOptions.tlsOptions.ca';
  if (isBundledRoot(top.fingerprint256)) return "Node's bundled CA certificates";
  return process.env.NODE_EXTRA_CA_CERTS
    ? `NODE_EXTRA_CA_CERTS (${process.env.NODE_EXTRA_CA_CERTS})`
    : 'the system CA store';
}

function tlsHandshake(vault: URL, ca: unknown, signal: AbortSignal): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    const hostname = vault.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({
      host: hostname,
      port: Number(vault.port || 443),
      servername: isIP(hostname) ? undefined : hostname,
      ...(ca ? { ca: ca as string } : {}),
      // Verified below, so the report can say why a certificate is not trusted.
      rejectUnauthorized: false,
    });
    const onAbort = (): void => {
      socket.destroy(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}

async function probeTls(
  vault: URL,
  clientOptions: SecretClientOptions | undefined,
  timeoutMs: number,
): Promise<NonNullable<Probe['tls']>> {
  const ca = (clientOptions as { tlsOptions?: { ca?: unknown } } | undefined)?.tlsOptions?.ca;
  const result = await timed(() => bounded(timeoutMs, (signal) => tlsHandshake(vault, ca, signal)));
  if (!result.ok) {
    return {
      ok: false,
      ms: result.ms,
      detail: `no TLS connection to ${vault.host} (${errorText(result.error)})`,
    };
  }
  const socket = result.value;
  try {
    const peer = socket.getPeerCertificate(true);
    const top = topOf(peer);
    const protocol = socket.getProtocol() ?? undefined;
    const subject = nameOf(peer.subject);
    const caName = nameOf(top.subject);
    if (!socket.authorized) {
      const reason = String(socket.authorizationError ?? 'not trusted');
      return {
        ok: false,
        ms: result.ms,
        protocol,
        subject,
        ca: caName,
        detail: `certificate ${subject} issued by ${caName} is not trusted (${reason})`,
      };
    }
    const trustedBy = trustSource(top, Boolean(ca));
    return {
      ok: true,
      ms: result.ms,
      protocol,
      subject,
      ca: caName,
      trustedBy,
      detail: `${protocol ?? 'TLS'}, certificate ${subject}, trusted through ${caName} (${trustedBy})`,
    };
  } finally {
    socket.destroy();
  }
}

/** `Bearer authorization="https://login…/<tenant>", resource="https://vault.azure.net"` → its parts. */
export function parseChallenge(header: string): { authority?: string; tenant?: string; resource?: string } {
  const parts = new Map<string, string>();
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) parts.set(match[1]!.toLowerCase(), match[2]!);
  const authority = parts.get('authorization') ?? parts.get('authorization_uri');
  const scope = parts.get('scope');
  const resource = parts.get('resource') ?? scope?.replace(/\/\.default$/, '');
  let tenant: string | undefined;
  try {
    tenant = authority ? new URL(authority).pathname.split('/').filter(Boolean)[0] : undefined;
  } catch {
    tenant = undefined;
  }
  return { authority, tenant, resource };
}

async function probeChallenge(
  vault: ParsedVaultUrl,
  clientOptions: SecretClientOptions | undefined,
  timeoutMs: number,
): Promise<NonNullable<Probe['challenge']> & { answered: boolean }> {
  const tlsSettings = (clientOptions as { tlsOptions?: Record<string, unknown> } | undefined)?.tlsOptions;
  const result = await timed(() =>
    bounded(timeoutMs, (abortSignal) =>
      createDefaultHttpClient().sendRequest(
        createPipelineRequest({
          url: `${vault.url}/secrets?api-version=${CHALLENGE_PROBE_API_VERSION}&maxresults=1`,
          method: 'GET',
          abortSignal,
          allowInsecureConnection: vault.url.startsWith('http:'),
          ...(tlsSettings ? { tlsSettings } : {}),
        }),
      ),
    ),
  );
  if (!result.ok) {
    return {
      ok: false,
      answered: false,
      ms: result.ms,
      detail: `no answer from ${vault.host} (${errorText(result.error)})`,
    };
  }
  const response = result.value;
  const header = response.headers.get('www-authenticate');
  if (response.status !== 401 || !header) {
    const retryAfter = response.headers.get('retry-after');
    return {
      ok: false,
      answered: true,
      ms: result.ms,
      detail:
        response.status === 429
          ? `${vault.host} is throttling (429${retryAfter ? `, Retry-After ${retryAfter} s` : ''}) before its challenge`
          : `${vault.host} answered ${response.status} without a Key Vault challenge: is this a Key Vault URL?`,
    };
  }
  const parsed = parseChallenge(header);
  return {
    ok: Boolean(parsed.resource),
    answered: true,
    ms: result.ms,
    ...parsed,
    detail: `401 challenge: tenant ${parsed.tenant ?? 'unknown'}, resource ${parsed.resource ?? 'none'}`,
  };
}

/** DNS, then TLS (https only), then the challenge; a step is not tried when the one before failed. */
export async function probeVault(
  vault: ParsedVaultUrl,
  clientOptions: SecretClientOptions | undefined,
  timeoutMs: number,
): Promise<Probe> {
  const url = new URL(vault.url);
  const dns = await probeDns(url.hostname, timeoutMs);
  if (!dns.ok) return { reachable: false, dns };
  const tls = url.protocol === 'https:' ? await probeTls(url, clientOptions, timeoutMs) : undefined;
  if (tls && !tls.ok) return { reachable: false, dns, tls };
  const { answered, ...challenge } = await probeChallenge(vault, clientOptions, timeoutMs);
  return { reachable: answered, dns, tls, challenge };
}

/** The problem a failed probe points at (none for a throttled vault: the load reports THROTTLED). */
export function probeProblem(host: string, probe: Probe): DoctorProblem | undefined {
  const show = azKeyVaultShow(vaultNameOf(host), 'properties.vaultUri');
  const problem = (message: string, fix: string): DoctorProblem => ({
    code: KeyVaultConfigErrorCode.VaultUnreachable,
    message,
    fix,
    vault: host,
  });
  if (probe.dns && !probe.dns.ok) {
    return problem(
      `The vault host ${host} does not resolve (${probe.dns.detail}). Check the vault URL, the DNS suffix of your cloud and private DNS zones.`,
      show,
    );
  }
  if (probe.tls && !probe.tls.ok) {
    return probe.tls.ca
      ? problem(
          `The TLS certificate of ${host} is not trusted: ${probe.tls.detail}. A proxy or a private CA is in the way: trust its CA.`,
          'NODE_EXTRA_CA_CERTS=<ca.pem>',
        )
      : problem(
          `The vault ${host} is unreachable: ${probe.tls.detail}. Check the URL, firewalls, proxies and private endpoints.`,
          show,
        );
  }
  if (probe.challenge && !probe.challenge.ok && !/throttling/.test(probe.challenge.detail)) {
    return problem(`The vault ${host} did not answer like a Key Vault: ${probe.challenge.detail}.`, show);
  }
  return undefined;
}
