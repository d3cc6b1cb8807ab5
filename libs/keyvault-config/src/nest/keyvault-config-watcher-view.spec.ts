import { ConfigService } from '@nestjs/config';
import { describe, expect, it } from 'vitest';
import { Watcher } from '../core/watcher.js';
import { printedForms } from '../testing/printed.fixtures.js';
import { MemoryLogger, snapshot } from '../testing/refresh.fixtures.js';
import { KeyVaultConfigWatcher } from './keyvault-config-watcher.service.js';
import { KeyVaultSecrets } from './keyvault-secrets.deprecated.js';

const CANARY = 'service-view-canary';

describe('printing the Nest service (KeyVaultConfigWatcher, alias KeyVaultSecrets)', () => {
  it('shows its report and state at any depth and in JSON, never a value nor ConfigService', async () => {
    const value = `${CANARY}-value`;
    const nested = { Password: `${CANARY}-nested` };
    const watcher = new Watcher(
      snapshot([
        ['Api.Key', 'v1', value, 'Api--Key'],
        ['Database', 'v2', nested, 'Database'],
      ]),
      undefined,
      { logger: new MemoryLogger() },
    );
    const configService = new ConfigService({
      Api: { Key: value },
      Database: nested,
      Plain: `${CANARY}-env`,
    });
    const service: KeyVaultSecrets = new KeyVaultConfigWatcher(watcher, configService);
    const texts = printedForms(service);
    for (const text of texts) expect(text).not.toContain(CANARY);
    expect(texts[0]).toMatch(/^KeyVaultConfigWatcher \{/);
    expect(texts[1]).toContain("secretName: 'Api--Key'");
    const json = JSON.parse(texts[4]!) as { report: { loaded: number }; state: { loaded: number } };
    expect(json).toMatchObject({ report: { loaded: 2 }, state: { loaded: 2 } });
    expect(service).toBeInstanceOf(KeyVaultSecrets);
    expect(service.entry('Api.Key')?.version).toBe('v1');
    await service.onApplicationShutdown();
  });
});
