/**
 * The load strategies the benchmark compares, each loading every enabled secret of one vault through
 * the real SDK and resolving to the number of values fetched.
 *
 * - `library`: this project's `loadKeyVaultSecrets` (built core), default options unless --concurrency.
 * - `dotnet`: the .NET configuration provider's strategy (Azure.Extensions.AspNetCore.Configuration
 *   .Secrets, ParallelSecretLoader) reimplemented on the JS SDK: walk the list page by page and start
 *   each page's gets as the page arrives, at most 32 in flight (a semaphore); the next page is asked
 *   for as soon as the page's gets are queued, and all gets are awaited at the end.
 * - `naive-all`: list everything first, then every get at once (Promise.all, unbounded).
 * - `naive-serial`: list everything first, then one get after the other.
 * - `library-explicit`, `sdk-listfirst`, `dotnet-als`: diagnostics, see EXTRA_STRATEGIES in
 *   bench-seed.mjs.
 * - `dotnet-retry` (bench:fleet): `dotnet` with Azure.Core's (.NET) default retry, which — unlike the
 *   JS SDK's — retries a 429 without Retry-After: 3 retries, exponential from 0.8 s (×2 each, ±20 %
 *   jitter), Retry-After when sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { retryPolicy } from '@azure/core-rest-pipeline';
import { SecretClient } from '@azure/keyvault-secrets';
import { benchSeed, EXTRA_STRATEGIES, STRATEGIES } from './bench-seed.mjs';

/**
 * The core only (no Nest): the built output of libs/keyvault-config/src/core, or another build of it
 * (BENCH_CORE = a directory holding its index.js, e.g. a copy of dist/core taken before a change).
 */
const CORE = process.env.BENCH_CORE
  ? pathToFileURL(
      resolvePath(
        isAbsolute(process.env.BENCH_CORE) ? '' : process.cwd(),
        process.env.BENCH_CORE,
        'index.js',
      ),
    ).href
  : new URL('../libs/keyvault-config/dist/core/index.js', import.meta.url).href;

/** The .NET provider's default degree of parallelism (ParallelSecretLoader). */
export const DOTNET_CONCURRENCY = 32;

let core;
/** Loads what a strategy needs (the library's core) before the clock starts. */
export async function prepareStrategy(name) {
  if (name.startsWith('library')) core ??= await import(CORE);
}

export { EXTRA_STRATEGIES, STRATEGIES } from './bench-seed.mjs';

const quiet = { log() {}, warn: (m) => console.error(m), error: (m) => console.error(m) };

/** A SecretClient as an application would build one for the emulator (loopback: no resource check). */
function sdkClient(vaultUrl, credential) {
  return new SecretClient(vaultUrl, credential, { disableChallengeResourceVerification: true });
}

/** Azure.Core's (.NET) default retry for 429, which the JS SDK's default policy does not retry. */
function dotnetRetryClient(vaultUrl, credential) {
  const strategy = {
    name: 'azureCoreDotnet429',
    retry({ retryCount, response }) {
      if (response?.status !== 429) return { skipStrategy: true };
      const header = Number(response.headers.get('retry-after'));
      const backoff = Math.min(60_000, 800 * 2 ** retryCount) * (0.8 + Math.random() * 0.4);
      return { retryAfterInMs: Number.isFinite(header) && header > 0 ? header * 1000 : backoff };
    },
  };
  return new SecretClient(vaultUrl, credential, {
    disableChallengeResourceVerification: true,
    additionalPolicies: [{ policy: retryPolicy([strategy], { maxRetries: 3 }), position: 'perCall' }],
  });
}

/** At most `limit` tasks at once (what SemaphoreSlim does in ParallelSecretLoader). */
function semaphore(limit) {
  let active = 0;
  const waiting = [];
  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      const start = () => {
        active++;
        task().then(resolve, reject).finally(release);
      };
      if (active < limit) start();
      else waiting.push(start);
    });
}

/** Runs one strategy; resolves to the number of secrets loaded. */
export async function runStrategy(strategy, { vaultUrl, credential, concurrency, n, onReport }) {
  switch (strategy) {
    case 'library':
    case 'library-explicit': {
      await prepareStrategy(strategy);
      const { report } = await core.loadKeyVaultSecrets({
        vaultUrl,
        credential,
        concurrency,
        ...(strategy === 'library-explicit' ? { secrets: benchSeed(n).map((s) => s.name) } : {}),
        env: {},
        logger: quiet,
      });
      onReport?.(report);
      return report.loaded;
    }
    case 'dotnet-als':
      // What a library using AsyncLocalStorage once does to every later promise on Node 20/22.
      new AsyncLocalStorage().run(undefined, () => undefined);
    // falls through
    case 'dotnet':
    case 'dotnet-retry': {
      const client =
        strategy === 'dotnet-retry'
          ? dotnetRetryClient(vaultUrl, credential)
          : sdkClient(vaultUrl, credential);
      const gate = semaphore(concurrency ?? DOTNET_CONCURRENCY);
      const fetches = [];
      for await (const page of client.listPropertiesOfSecrets().byPage()) {
        for (const properties of page) {
          if (properties.enabled !== true) continue;
          fetches.push(gate(() => client.getSecret(properties.name)));
        }
      }
      return (await Promise.all(fetches)).length;
    }
    case 'sdk-listfirst': {
      const client = sdkClient(vaultUrl, credential);
      const gate = semaphore(concurrency ?? DOTNET_CONCURRENCY);
      const fetches = [];
      const pages = client.listPropertiesOfSecrets().byPage();
      let pending = pages.next();
      for (;;) {
        const page = await pending;
        if (page.done) break;
        pending = pages.next(); // the list chain is the critical path: keep it moving first
        for (const properties of page.value) {
          if (properties.enabled !== true) continue;
          fetches.push(gate(() => client.getSecret(properties.name)));
        }
      }
      return (await Promise.all(fetches)).length;
    }
    case 'naive-all': {
      const client = sdkClient(vaultUrl, credential);
      const names = [];
      for await (const properties of client.listPropertiesOfSecrets()) {
        if (properties.enabled) names.push(properties.name);
      }
      return (await Promise.all(names.map((secretName) => client.getSecret(secretName)))).length;
    }
    case 'naive-serial': {
      const client = sdkClient(vaultUrl, credential);
      const names = [];
      for await (const properties of client.listPropertiesOfSecrets()) {
        if (properties.enabled) names.push(properties.name);
      }
      let loaded = 0;
      for (const secretName of names) {
        await client.getSecret(secretName);
        loaded++;
      }
      return loaded;
    }
    default:
      throw new Error(
        `Unknown strategy '${strategy}' (known: ${[...STRATEGIES, ...EXTRA_STRATEGIES, 'dotnet-retry'].join(', ')}).`,
      );
  }
}
