import type { KeyVaultConfigLogger } from './interfaces.js';

/**
 * Warnings of a refresh cycle that the previous cycle already wrote are not repeated (an expired secret
 * loaded under `expiredSecrets: 'warn'` would otherwise warn on every cycle); they go to debug.
 */
export class CycleLogger implements KeyVaultConfigLogger {
  private previous = new Set<string>();
  private current = new Set<string>();

  constructor(private readonly target: KeyVaultConfigLogger) {}

  log(message: string): void {
    this.target.log(message);
  }
  warn(message: string): void {
    this.current.add(message);
    if (this.previous.has(message)) this.target.debug?.(message);
    else this.target.warn(message);
  }
  error(message: string): void {
    this.target.error(message);
  }
  debug(message: string): void {
    this.target.debug?.(message);
  }
  /** Call when a cycle ends: its warnings are the ones the next cycle will not repeat. */
  endCycle(): void {
    this.previous = this.current;
    this.current = new Set();
  }
}
