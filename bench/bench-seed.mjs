/** What every part of the load benchmark agrees on. */

/** Key Vault's (and the emulator's) list page size. */
export const PAGE_SIZE = 25;

/** The benchmark's seed: N secrets under one section, so the default mapping nests them. */
export function benchSeed(n) {
  return Array.from({ length: n }, (_, i) => ({
    name: `Bench--Secret-${String(i).padStart(5, '0')}`,
    value: `value-${i}`,
  }));
}

/** Strategies compared by default (see strategies.mjs). */
export const STRATEGIES = ['library', 'dotnet', 'naive-all'];
/**
 * On request only: `naive-serial` (≈ (N + ⌈N/25⌉) × latency: 20+ s at the defaults),
 * `library-explicit` (explicit mode: `secrets` = every name, no list call), `sdk-listfirst` (the
 * library's order — next page asked for before the page's gets are queued — on the bare SDK: what the
 * library costs on top of it) and `dotnet-als` (the dotnet strategy after one AsyncLocalStorage.run,
 * i.e. with Node's promise hooks on, to measure their cost).
 */
export const EXTRA_STRATEGIES = ['naive-serial', 'library-explicit', 'sdk-listfirst', 'dotnet-als'];
