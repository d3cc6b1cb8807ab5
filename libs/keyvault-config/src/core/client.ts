/**
 * One SecretClient per vault URL per credential (and per client options), so that a process makes one
 * challenge round trip per vault and the SDK's token cache is shared by every load. The first request
 * on a new client runs alone (see {@link VaultClient.enter}): concurrent first requests would each get
 * a 401 challenge, since the SDK's challenge state is only set once the first one completes.
 */
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { recordErrorBody } from './errors.js';
import type { ParsedVaultUrl } from './vault-url.js';
import { responseGuardPolicy } from './response-guard.js';
import { throttlingRetryPolicy } from './retry.js';
import { timelinePolicy } from './timeline.js';

/** A cached client and its first-request gate. */
export interface VaultClient {
  readonly client: SecretClient;
  /** Vault host (for messages and the report). */
  readonly host: string;
  /**
   * Call before a request. Returns a release function when this caller makes the client's first
   * request (call it when that request settles); otherwise waits until the first request settled and
   * returns undefined.
   */
  enter(): Promise<(() => void) | undefined>;
}

class GatedClient implements VaultClient {
  private state: 'cold' | 'priming' | 'warm' = 'cold';
  private primed?: Promise<void>;

  constructor(
    readonly client: SecretClient,
    readonly host: string,
  ) {}

  async enter(): Promise<(() => void) | undefined> {
    if (this.state === 'warm') return undefined;
    if (this.state === 'priming') {
      await this.primed;
      return undefined;
    }
    this.state = 'priming';
    let release!: () => void;
    this.primed = new Promise<void>((resolve) => {
      release = () => {
        this.state = 'warm';
        resolve();
      };
    });
    return release;
  }
}

/** Keeps Key Vault's error bodies for messages (the SDK's pager drops them). */
const errorBodyPolicy: PipelinePolicy = {
  name: 'keyVaultConfigErrorBodyPolicy',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status >= 400) recordErrorBody(request, response.bodyAsText ?? undefined);
    return response;
  },
};

/**
 * Options every client is built with: the caller's, plus loopback handling, the vault throttle policy
 * (perRetry: inside the SDK's retry, so it alone handles 429s — retry.ts), the error-body policy and the
 * startup timeline's recorder.
 */
export function buildClientOptions(
  vault: ParsedVaultUrl,
  clientOptions: SecretClientOptions | undefined,
  maxRetries: number,
): SecretClientOptions {
  const retryOptions = { ...clientOptions?.retryOptions, maxRetries };
  return {
    ...clientOptions,
    retryOptions,
    additionalPolicies: [
      // First of the perRetry policies, so that the caller's perRetry policies still see every
      // attempt, the throttle's retries included.
      { policy: throttlingRetryPolicy(retryOptions), position: 'perRetry' },
      ...(clientOptions?.additionalPolicies ?? []),
      // Outermost of ours: it judges the answer the SDK would read, after every retry.
      { policy: responseGuardPolicy, position: 'perCall' },
      { policy: errorBodyPolicy, position: 'perCall' },
      // After the retry policy: sees each attempt, and the Authorization header the challenge set.
      { policy: timelinePolicy(), position: 'perRetry' },
    ],
    // The emulator (and any loopback vault) answers with the public cloud's resource in its challenge;
    // a real vault keeps the SDK's check that the challenge matches its domain.
    ...(vault.loopback ? { disableChallengeResourceVerification: true } : {}),
    // http:// passed validation only for loopback hosts (the SDK refuses plain http otherwise).
    ...(vault.url.startsWith('http:') ? { allowInsecureConnection: true } : {}),
  };
}

const NO_OPTIONS = {};
const cache = new WeakMap<TokenCredential, WeakMap<object, Map<string, VaultClient>>>();

/**
 * The cached client for this vault, credential and options (by identity of the `clientOptions`
 * object), creating it on first use.
 */
export function getVaultClient(
  credential: TokenCredential,
  vault: ParsedVaultUrl,
  clientOptions: SecretClientOptions | undefined,
  maxRetries: number,
): VaultClient {
  let byOptions = cache.get(credential);
  if (!byOptions) {
    byOptions = new WeakMap();
    cache.set(credential, byOptions);
  }
  const optionsKey = clientOptions ?? NO_OPTIONS;
  let byUrl = byOptions.get(optionsKey);
  if (!byUrl) {
    byUrl = new Map();
    byOptions.set(optionsKey, byUrl);
  }
  const key = `${vault.url}|${maxRetries}`;
  let entry = byUrl.get(key);
  if (!entry) {
    const client = new SecretClient(
      vault.url,
      credential,
      buildClientOptions(vault, clientOptions, maxRetries),
    );
    entry = new GatedClient(client, vault.host);
    byUrl.set(key, entry);
  }
  return entry;
}
