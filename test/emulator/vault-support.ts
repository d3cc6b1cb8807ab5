// Helpers shared by the vault-*.e2e-spec.ts files (with test/support/emulator.fixture.ts, which starts the
// emulator and sets this process's managed identity): SDK clients trusting the emulator's CA, a credential
// signing tokens in-process (for callers other than the process's managed identity), raw HTTPS calls.
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import type { Emulator } from 'keyvault-emulator';
import { request } from 'node:https';

/** A credential whose tokens the emulator signs directly (any client id, even unknown ones). */
export function signedBy(emulator: Emulator, clientId?: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token: emulator.issueToken({ clientId }), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** A SecretClient for a vault of the emulator, trusting its CA, with fast (or no) retries. */
export function secretClient(
  emulator: Emulator,
  credential: TokenCredential,
  options: SecretClientOptions & { vaultUrl?: string } = {},
): SecretClient {
  const { vaultUrl, ...clientOptions } = options;
  return new SecretClient(vaultUrl ?? emulator.vaultUrl, credential, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: emulator.caCert },
    retryOptions: { maxRetries: 0 },
    ...clientOptions,
  });
}

/** Answer of {@link raw}. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Parsed JSON of any shape: tests read error.code, value, nextLink….
  // oxlint-disable-next-line typescript/no-explicit-any
  json: any;
}

/** One HTTPS request to a vault, trusting the emulator's CA. `path` includes the query string. */
export function raw(
  emulator: Emulator,
  options: {
    method?: string;
    path: string;
    token?: string;
    /** JSON body. */
    body?: unknown;
    /** Body sent as is. */
    rawBody?: string;
    vaultUrl?: string;
    headers?: Record<string, string>;
  },
): Promise<RawResponse> {
  const url = new URL(options.path, options.vaultUrl ?? emulator.vaultUrl);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        ca: emulator.caCert,
        agent: false,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
