import { REQUEST_LOG_LIMIT } from './constants.js';
import type { EmulatorCounters, EmulatorRoute, RequestLogEntry } from './emulator.interfaces.js';

/** Filter accepted by {@link RequestCounters.count}. */
export type CounterFilter = { route?: EmulatorRoute; vault?: string; status?: number; clientId?: string };

/**
 * Request counters and a bounded request log shared by the vault servers and the identity server
 * (both call {@link record}). Entries hold routes, paths, statuses and client ids only — never
 * secret values, tokens or query strings. Counts by route survive log truncation.
 */
export class RequestCounters implements EmulatorCounters {
  private entries: RequestLogEntry[] = [];
  private routes = new Map<string, Map<string, number>>();

  constructor(private readonly limit = REQUEST_LOG_LIMIT) {}

  /** Records one finished (or abandoned: status 0) request. */
  record(entry: RequestLogEntry): void {
    const clean: RequestLogEntry = {
      time: entry.time,
      route: entry.route,
      method: entry.method,
      path: stripQuery(entry.path),
      status: entry.status,
      durationMs: entry.durationMs,
    };
    if (entry.vault !== undefined) clean.vault = entry.vault;
    if (entry.clientId !== undefined) clean.clientId = entry.clientId;
    if (entry.fault !== undefined) clean.fault = entry.fault;
    this.entries.push(clean);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    let byStatus = this.routes.get(clean.route);
    if (!byStatus) {
      byStatus = new Map();
      this.routes.set(clean.route, byStatus);
    }
    const status = String(clean.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  count(filter: CounterFilter = {}): number {
    const { route, vault, status, clientId } = filter;
    if (vault === undefined && clientId === undefined) {
      // Exact even after the log was truncated.
      let total = 0;
      for (const [r, byStatus] of this.routes) {
        if (route !== undefined && r !== route) continue;
        for (const [s, n] of byStatus) if (status === undefined || s === String(status)) total += n;
      }
      return total;
    }
    return this.entries.filter(
      (e) =>
        (route === undefined || e.route === route) &&
        (vault === undefined || e.vault?.toLowerCase() === vault.toLowerCase()) &&
        (status === undefined || e.status === status) &&
        (clientId === undefined || e.clientId === clientId),
    ).length;
  }

  byRoute(): Record<string, Record<string, number>> {
    const result: Record<string, Record<string, number>> = {};
    for (const [route, byStatus] of this.routes) result[route] = Object.fromEntries(byStatus);
    return result;
  }

  log(): readonly RequestLogEntry[] {
    return this.entries.slice();
  }

  reset(): void {
    this.entries = [];
    this.routes = new Map();
  }
}

function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
