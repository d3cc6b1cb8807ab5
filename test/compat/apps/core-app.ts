/**
 * A generated Express consumer of `nestjs-keyvault-config/core`, installed with no Nest and no rxjs,
 * compiled as CommonJS and as ESM like the Nest apps. `watchKeyVaultSecrets` loads at startup;
 * POST /refresh runs a cycle (a rotation), GET /health reports the watcher's health.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import {
  KeyVaultConfigError,
  isKeyVaultConfigError,
  loadKeyVaultSecrets,
  watchKeyVaultSecrets,
  type KeyVaultLoadOnceOptions,
} from 'nestjs-keyvault-config/core';

const KEYS = ['Db.Password', 'Api.Key', 'Gone.Soon'] as const;
const keysOf = (changes: ReadonlyArray<{ key: string }>): string[] => changes.map((change) => change.key);
const fingerprint = (value: unknown): string | null =>
  typeof value === 'string' ? createHash('sha256').update(value).digest('hex').slice(0, 12) : null;

async function main(): Promise<void> {
  // The README's core example: process.env.KEY_VAULT_URL is string | undefined.
  const options: KeyVaultLoadOnceOptions = { vaultUrl: process.env.KEY_VAULT_URL, maxRetries: 0 };
  const watcher = await watchKeyVaultSecrets(options);
  // A second, one-shot load through the other entry function; a failure is one coded error.
  const once = await loadKeyVaultSecrets(options);
  const failure = await loadKeyVaultSecrets({ vaultUrl: 'not a vault url' }).catch((error: unknown) => error);
  const coded =
    isKeyVaultConfigError(failure) && failure instanceof KeyVaultConfigError ? failure.code : null;

  const app = express();
  app.get('/probe', (_request, response) => {
    response.json({
      keys: Object.fromEntries(KEYS.map((key) => [key, fingerprint(watcher.get(key))])),
      dbOptions: fingerprint((once.config['Db'] as Record<string, unknown> | undefined)?.['Password']),
      environment: Object.values(process.env).map(fingerprint),
      errorCode: coded,
    });
  });
  app.post('/refresh', (_request, response) => {
    void watcher.refresh().then((summary) => {
      response.json({
        ok: summary.ok,
        updated: keysOf(summary.changes.updated),
        removed: keysOf(summary.changes.removed),
      });
    });
  });
  app.get('/health', (_request, response) => {
    const health = watcher.health();
    const status = { up: 'ok', degraded: 'degraded', down: 'error' }[health.status];
    response.status(health.status === 'down' ? 503 : 200).json({ status, details: { keyvault: health } });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`LISTENING ${(server.address() as { port: number }).port}`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void watcher.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
