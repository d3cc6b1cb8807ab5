/**
 * Helpers for the library's e2e tests (with emulator.fixture.ts, which starts the emulator and hands out
 * vaults): a capturing logger, the canary check that proves no secret value leaks, and a test-only "DNS"
 * for `VaultName=` references.
 */
import { connect, type ConnectionOptions } from 'node:tls';
import { Agent } from 'node:https';
import { inspect } from 'node:util';
import type { Emulator } from 'keyvault-emulator';
import type { KeyVaultConfigLogger } from 'nestjs-keyvault-config';
import { expect } from 'vitest';

/** Every secret value the load tests seed contains this, so any leak is found by one search. */
export const CANARY = 'CANARY-5ecr3t-7d41';

/** A canary-bearing value. */
export const secretValue = (label: string | number): string => `${CANARY}-${label}`;

/** A logger that keeps every line (level-prefixed). */
export type CapturedLogger = KeyVaultConfigLogger & {
  lines: string[];
  warnings(): string[];
  infos(): string[];
};

/** A logger that keeps every line (level-prefixed). */
export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  return {
    lines,
    log: (m) => lines.push(`log ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
    warnings: () => lines.filter((l) => l.startsWith('warn ')).map((l) => l.slice(5)),
    infos: () => lines.filter((l) => l.startsWith('log ')).map((l) => l.slice(4)),
  };
}

/** Everything reachable from a value, as text: inspect with hidden fields, plus the `cause` chain. */
function dump(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(inspect(current, { depth: 12, showHidden: true, getters: true, maxStringLength: Infinity }));
    if (current instanceof Error) parts.push(String(current.message), String(current.stack));
    try {
      parts.push(JSON.stringify(current) ?? '');
    } catch {
      // circular: inspect above covered it
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** Fails if the canary appears anywhere in these (errors with their cause chain, reports, log lines). */
export function expectNoCanary(...things: unknown[]): void {
  for (const thing of things) {
    const text = dump(thing);
    expect(text.includes(CANARY), `a secret value leaked into: ${text.slice(0, 300)}`).toBe(false);
  }
}

/** A JWT (every token the emulator issues is one): no part of one may reach any output. */
const JWT = /eyJ[\w-]{6,}\.eyJ[\w-]{6,}/;

/** Fails if a token appears in these (inspected to full depth with hidden fields, and as JSON). */
export function expectNoToken(...things: unknown[]): void {
  for (const thing of things) {
    let text = inspect(thing, { depth: Infinity, showHidden: true, getters: true });
    for (let e: unknown = thing; e instanceof Error; e = e.cause) text += `\n${e.message}\n${e.stack}`;
    try {
      text += JSON.stringify(thing) ?? '';
    } catch {
      // circular: inspect covered it
    }
    expect(text.match(JWT)?.[0], 'a token reached the output').toBeUndefined();
  }
}

/** Runs `fn`, expecting it to reject; returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

/**
 * Test-only DNS for `VaultName=` references: an https Agent that connects every host to the emulator
 * vault's loopback port (so `https://<name>.vault.azure.net` reaches it, with the SDK's challenge-
 * resource check still on) and skips the host name check of the emulator's certificate, whose SANs
 * are loopback only. Never use outside tests.
 */
export function emulatorVaultAgent(emulator: Emulator, vaultName?: string): Agent {
  const port = emulator.vault(vaultName).port;
  const ca = emulator.caCert;
  class LoopbackVaultAgent extends Agent {
    override createConnection(options: ConnectionOptions): ReturnType<typeof connect> {
      return connect({
        ...options,
        host: '127.0.0.1',
        port,
        ca,
        checkServerIdentity: () => undefined,
      });
    }
  }
  return new LoopbackVaultAgent({ keepAlive: true });
}
