import { describe, expect, it } from 'vitest';
import type { DoctorReport } from './doctor.interfaces.js';
import { renderJson, renderText, timelineLines } from './doctor.report.js';

const report: DoctorReport = {
  ok: false,
  chain: 'DefaultAzureCredential',
  credential: {
    name: 'ManagedIdentityCredential',
    kind: 'managed identity',
    source: 'App Service',
    oid: 'o-1',
    appid: 'a-1',
    tid: 't-1',
  },
  credentials: [
    {
      name: 'EnvironmentCredential',
      outcome: 'unavailable',
      reason: 'Not configured',
      selected: false,
      ms: 1,
    },
    {
      name: 'ManagedIdentityCredential',
      source: 'App Service',
      outcome: 'token',
      kind: 'managed identity',
      oid: 'o-1',
      appid: 'a-1',
      tid: 't-1',
      selected: true,
      ms: 20,
    },
    { name: 'BrokerCredential', outcome: 'skipped', reason: 'no public class', selected: false, ms: 0 },
  ],
  vaults: [
    {
      host: 'v.vault.azure.net',
      url: 'https://v.vault.azure.net',
      reachable: true,
      dns: { ok: true, ms: 3, addresses: ['10.0.0.4'], detail: 'v.vault.azure.net → 10.0.0.4' },
      tls: { ok: true, ms: 9, detail: 'TLSv1.3, certificate CN=*.vault.azure.net' },
      challenge: {
        ok: true,
        ms: 12,
        tenant: 't-1',
        resource: 'https://vault.azure.net',
        detail: '401 challenge: tenant t-1, resource https://vault.azure.net',
      },
      token: { ok: true, ms: 0, detail: 'audience https://vault.azure.net matches, tenant t-1 matches' },
      list: 'allowed',
      get: 'denied',
      getTestedOn: 'Db--Password',
      counts: { listed: 1, enabled: 1, disabled: 0, expired: 0, notYetValid: 0, filteredOut: 0, keys: 1 },
      keys: [{ key: 'Db.Password', secretName: 'Db--Password', source: 'list', status: 'loaded' }],
      problems: [],
    },
  ],
  references: [
    {
      variable: 'DB',
      from: '.env',
      vault: 'v.vault.azure.net',
      secretName: 'Db--Password',
      resolves: false,
      reason: 'the secret does not exist',
    },
  ],
  validation: 'none',
  problems: [
    {
      code: 'ACCESS_DENIED',
      message: 'Access denied: the identity lacks get.',
      fix: 'az role assignment create --role "Key Vault Secrets User" --assignee o-1\naz keyvault set-policy --name v --object-id o-1 --secret-permissions get list',
    },
  ],
  warnings: [],
  startup: { ok: false, ms: 140, code: 'ACCESS_DENIED' },
  timeline: [
    { step: 'challenge', vault: 'v.vault.azure.net', startMs: 10, durationMs: 12, status: 401 },
    { step: 'token', vault: 'v.vault.azure.net', startMs: 22, durationMs: 80 },
    {
      step: 'list',
      vault: 'v.vault.azure.net',
      startMs: 102,
      durationMs: 20,
      page: 1,
      items: 1,
      status: 200,
    },
    {
      step: 'get',
      vault: 'v.vault.azure.net',
      startMs: 123,
      durationMs: 15,
      secretName: 'Db--Password',
      status: 403,
    },
  ],
  elapsedMs: 300,
};

describe('renderText', () => {
  const text = renderText(report);
  const lines = text.split('\n');

  it('one line per step, ✓ or ✗ (- for what was not tried)', () => {
    expect(lines).toContain('  ✗ EnvironmentCredential: Not configured  (1 ms)');
    expect(lines).toContain(
      '  ✓ ManagedIdentityCredential (App Service): token for oid=o-1 appid=a-1 tid=t-1 (managed identity) ← the library uses this one  (20 ms)',
    );
    expect(lines).toContain('  - BrokerCredential: no public class');
    expect(lines).toContain('  ✓ DNS: v.vault.azure.net → 10.0.0.4  (3 ms)');
    expect(lines).toContain("  ✗ get: denied on 'Db--Password' (value not read into the report)");
    expect(lines).toContain('      Db.Password ← Db--Password [list]');
    expect(lines).toContain("  ✗ DB (.env) → 'Db--Password' in v.vault.azure.net: the secret does not exist");
    expect(lines).toContain('✗ Startup load: failed with ACCESS_DENIED after 140 ms');
    expect(lines).toContain('    +22 ms  token for v.vault.azure.net  80 ms');
  });

  it('ends with the verdict, then "To fix" with each command on its own line', () => {
    const fix = lines.slice(lines.indexOf('To fix:'));
    expect(fix).toEqual([
      'To fix:',
      '  1. [ACCESS_DENIED] Access denied: the identity lacks get.',
      '       $ az role assignment create --role "Key Vault Secrets User" --assignee o-1',
      '       $ az keyvault set-policy --name v --object-id o-1 --secret-permissions get list',
      '',
    ]);
    expect(text).toContain('✗ The app would NOT start (1 problem).');
  });
});

describe('renderJson', () => {
  it('is the report itself, with the documented top-level fields', () => {
    const parsed = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(parsed).toEqual(report);
    for (const field of ['ok', 'credential', 'vaults', 'references', 'problems', 'timeline'])
      expect(parsed).toHaveProperty(field);
  });
});

describe('timelineLines', () => {
  it('folds many gets into one line with their spread', () => {
    const gets = Array.from({ length: 8 }, (_, i) => ({
      step: 'get' as const,
      vault: 'v',
      startMs: 100 + i,
      durationMs: 10 + i,
      status: 200,
      secretName: `S${i}`,
    }));
    const lines = timelineLines([
      { step: 'list', vault: 'v', startMs: 50, durationMs: 40, page: 1, items: 8, status: 200 },
      ...gets,
    ]);
    expect(lines).toEqual([
      '    +50 ms  list page 1 (8 secrets) v → 200  40 ms',
      '    +100 ms  8 gets → 200, 10–17 ms each (median 14 ms), all done at +124 ms',
    ]);
  });
});
