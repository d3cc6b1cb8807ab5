/**
 * One credential shared by every vault client, load and refresh of a process, and the per-caller handles
 * that say who it authenticated as. The credential holds what the process really shares (the token
 * requests in flight and the identity of the last token); a handle holds its caller's logger, so the
 * identity line of one load never goes to another load's logger — the credential cannot tell which load
 * a token is for (vault clients are shared), so it tells every handle still waiting, each once.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { formatCredentialInfo } from './credential-attribution.js';
import { rememberFailureContext, type CredentialFailureContext } from './credential-failure.js';
import type { KeyVaultConfigLogger, KeyVaultCredentialInfo } from './interfaces.js';
import { authenticatedLine } from './messages/index.js';
import { decodeTokenClaims } from './token-claims.js';
import { TokenFlight, type TokenFlightAnswers } from './token-flight.js';

/** The credential handed to every SecretClient, and what it knows about the last token. */
export interface ResolvedCredential {
  /** What SecretClient gets (the same object for every caller of the same credential: clients are cached by it). */
  credential: TokenCredential;
  /** Which credential produced the last token, and its identity claims; `undefined` before the first token. */
  describe(): KeyVaultCredentialInfo | undefined;
  /**
   * While a token request of this credential is unanswered: what the identity endpoint answered to it so
   * far (for TIMEOUT's message); undefined when no token request is pending.
   */
  pendingToken?(): TokenFlightAnswers | undefined;
}

/** How a token's credential is named: by the chain's rules, or as the custom credential's class. */
export type Attribute = (token: string) => { name: string; detail?: string };

function flightKey(scopes: string | string[], options: GetTokenOptions): string {
  return JSON.stringify([
    Array.isArray(scopes) ? scopes : [scopes],
    options.tenantId ?? null,
    options.claims ?? null,
    options.enableCae ?? null,
  ]);
}

/** One caller of a shared credential (a load and its refreshes) and the logger it writes to. */
class CredentialHandle implements ResolvedCredential {
  constructor(
    readonly credential: SharedCredential,
    readonly logger: KeyVaultConfigLogger,
  ) {}

  describe(): KeyVaultCredentialInfo | undefined {
    return this.credential.describe();
  }

  pendingToken(): TokenFlightAnswers | undefined {
    return this.credential.pendingToken();
  }
}

/**
 * Wraps the real credential: asks it for tokens (sharing one request among concurrent identical callers),
 * remembers which credential answered and the identity claims — never the token — and tells each handle's
 * logger who that is, once per logger and identity. One instance per underlying credential, so the object
 * SecretClients get is stable across vaults, loads and refreshes.
 */
export class SharedCredential implements TokenCredential {
  private info: KeyVaultCredentialInfo | undefined;
  private readonly inFlight = new Map<string, TokenFlight>();
  /** Handles not yet told who authenticated (a load that has not seen a token of this credential yet). */
  private readonly waiting = new Set<CredentialHandle>();
  /** Identity lines each logger has been given. */
  private readonly told = new WeakMap<KeyVaultConfigLogger, Set<string>>();

  constructor(
    private readonly inner: TokenCredential,
    private readonly attribute: Attribute,
    private readonly context: CredentialFailureContext,
  ) {}

  describe(): KeyVaultCredentialInfo | undefined {
    return this.info === undefined ? undefined : { ...this.info };
  }

  /** A handle for one caller: told at once when the identity is known, else at the next token. */
  handle(logger: KeyVaultConfigLogger): CredentialHandle {
    const handle = new CredentialHandle(this, logger);
    if (this.info === undefined) this.waiting.add(handle);
    else this.tell(handle);
    return handle;
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
    const key = flightKey(scopes, options);
    let flight = this.inFlight.get(key);
    if (flight === undefined || !flight.open) {
      // Concurrent callers (other vaults, loads) share one request; each still leaves on its own abort
      // signal, and a flight given up (all callers gone, or hung) is never joined again.
      const started: TokenFlight = new TokenFlight(
        (signal) => this.acquire(scopes, { ...options, abortSignal: signal }),
        () => {
          if (this.inFlight.get(key) === started) this.inFlight.delete(key);
        },
      );
      flight = started;
      this.inFlight.set(key, flight);
    }
    return flight.join(options.abortSignal);
  }

  /** The answers of the token requests in flight, together (what a load that timed out was waiting for). */
  pendingToken(): TokenFlightAnswers | undefined {
    if (this.inFlight.size === 0) return undefined;
    const all: TokenFlightAnswers = { sent: 0, statuses: [], failed: 0 };
    for (const { answers } of this.inFlight.values()) {
      all.sent += answers.sent;
      all.statuses.push(...answers.statuses);
      all.failed += answers.failed;
    }
    return all;
  }

  private async acquire(scopes: string | string[], options: GetTokenOptions): Promise<AccessToken | null> {
    let token: AccessToken | null;
    try {
      token = await this.inner.getToken(scopes, options);
    } catch (error) {
      rememberFailureContext(error, this.context);
      throw error;
    }
    if (token) this.noteSuccess(token.token);
    return token;
  }

  private noteSuccess(token: string): void {
    const claims = decodeTokenClaims(token);
    const info: KeyVaultCredentialInfo = { ...this.attribute(token) };
    if (claims?.objectId) info.objectId = claims.objectId;
    if (claims?.clientId) info.clientId = claims.clientId;
    if (claims?.tenantId) info.tenantId = claims.tenantId;
    this.info = info;
    for (const handle of this.waiting) this.tell(handle);
    this.waiting.clear();
  }

  private tell(handle: CredentialHandle): void {
    if (this.info === undefined) return;
    const line = formatCredentialInfo(this.info);
    let lines = this.told.get(handle.logger);
    if (lines === undefined) this.told.set(handle.logger, (lines = new Set()));
    if (lines.has(line)) return;
    lines.add(line);
    handle.logger.log(authenticatedLine(line));
  }
}
