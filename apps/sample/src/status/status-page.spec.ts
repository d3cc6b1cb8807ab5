import { describe, expect, it } from 'vitest';
import { renderStatusPage } from './status-page.js';
import type { StatusView } from './status.interfaces.js';

const view: StatusView = {
  vaults: ['myvault.vault.azure.net'],
  credential: {
    name: 'ManagedIdentityCredential',
    detail: 'App Service',
    objectId: '11111111-1111-1111-1111-111111111111',
    clientId: '22222222-2222-2222-2222-222222222222',
    tenantId: '33333333-3333-3333-3333-333333333333',
  },
  masterSecrets: { present: false, variables: [] },
  loadedAt: new Date('2026-01-02T03:04:05.000Z'),
  elapsedMs: 42,
  entries: [
    {
      key: 'Sample.ApiKey',
      secretName: 'Sample--ApiKey',
      vault: 'myvault.vault.azure.net',
      version: 'abcdef0123456789abcdef0123456789',
      updatedOn: new Date('2026-01-01T00:00:00.000Z'),
      source: 'list',
      status: 'loaded',
    },
    {
      key: '<script>alert(1)</script>',
      secretName: 'Evil--Name',
      vault: 'myvault.vault.azure.net',
      source: 'list',
      status: 'skipped',
      reason: 'disabled',
    },
  ],
  timeline: [
    {
      step: 'get',
      vault: 'myvault.vault.azure.net',
      startMs: 60,
      durationMs: 9,
      secretName: 'Sample--ApiKey',
      status: 200,
    },
    { step: 'challenge', vault: 'myvault.vault.azure.net', startMs: 2, durationMs: 10, status: 401 },
    { step: 'token', vault: 'myvault.vault.azure.net', startMs: 12, durationMs: 30 },
    {
      step: 'list',
      vault: 'myvault.vault.azure.net',
      startMs: 42,
      durationMs: 15,
      page: 1,
      items: 2,
      status: 200,
    },
    {
      step: 'get',
      vault: 'myvault.vault.azure.net',
      startMs: 61,
      durationMs: 12,
      secretName: '<img src=x>',
      status: 429,
      attempt: 2,
    },
  ],
  refresh: {
    intervalMs: 5000,
    lastSuccessAt: new Date('2026-01-02T03:04:10.000Z'),
    nextRefreshAt: new Date('2026-01-02T03:04:15.000Z'),
    consecutiveFailures: 2,
    lastError: { code: 'VAULT_UNREACHABLE' },
  },
  database: { connectionString: 'loaded', secretName: 'Sample--Database--ConnectionString', version: 'v9' },
  recentChanges: [
    {
      at: new Date('2026-01-02T03:04:10.000Z'),
      added: [],
      updated: [
        {
          key: 'Sample.ApiKey',
          secretName: 'Sample--ApiKey',
          vault: 'myvault.vault.azure.net',
          kind: 'updated',
          version: 'new',
          previousVersion: 'old',
        },
      ],
      removed: [],
    },
  ],
};

describe('renderStatusPage', () => {
  const page = renderStatusPage(view);

  it('shows the vault, the credential and the identity', () => {
    expect(page).toContain('myvault.vault.azure.net');
    expect(page).toContain('ManagedIdentityCredential');
    expect(page).toContain('App Service');
    for (const id of [view.credential!.objectId!, view.credential!.clientId!, view.credential!.tenantId!]) {
      expect(page).toContain(id);
    }
  });

  it('says "No master secret" when the configuration holds none', () => {
    expect(page).toMatch(/id="master-secret" data-present="false"><span class="ok">No master secret<\/span>/);
    expect(page).not.toContain('class="warn"');
    expect(page).toContain('configuration holds only the vault URL');
  });

  it('warns about a master secret by name and kind, with what to use on App Service and AKS', () => {
    const servicePrincipal = renderStatusPage({
      ...view,
      credential: { name: 'EnvironmentCredential', detail: 'service principal, client secret' },
      masterSecrets: {
        present: true,
        variables: [
          { name: 'AZURE_CLIENT_SECRET', kind: 'client secret' },
          { name: '<b>DB_CONNECTION_STRING', kind: 'connection string' },
        ],
      },
    });
    const section = servicePrincipal.slice(servicePrincipal.indexOf('<h2>Identity'));
    expect(section).toMatch(/id="master-secret" data-present="true" class="warn"/);
    expect(section).toContain('<code>AZURE_CLIENT_SECRET</code> (client secret)');
    expect(section).toContain('<code>&lt;b&gt;DB_CONNECTION_STRING</code> (connection string)');
    expect(section).toContain('master-secret world this\n  library exists to remove');
    expect(section).toContain('az webapp identity assign');
    expect(section).toContain('azure.workload.identity/client-id');
    expect(servicePrincipal).toContain('EnvironmentCredential</code> (service principal, client secret)');
    expect(servicePrincipal).not.toContain('holds only the vault URL');
    expect(servicePrincipal).not.toContain('no master secret involved');
  });

  it('lists every key with secret name, version, updated time and source', () => {
    expect(page).toContain('Sample--ApiKey');
    expect(page).toContain('abcdef0123456789abcdef0123456789');
    expect(page).toContain('2026-01-01T00:00:00.000Z');
    expect(page).toContain('>list<');
    expect(page).toContain('skipped (disabled)');
  });

  it('shows the refresh state, the connection string as "loaded, version …" and recent changes', () => {
    expect(page).toContain('every 5 s');
    expect(page).toContain('2026-01-02T03:04:15.000Z');
    expect(page).toContain('2 consecutive failure(s)');
    expect(page).toMatch(/loaded<\/span>, version <code>v9<\/code>/);
    expect(page).toContain('old → new');
  });

  it('shows the startup timeline in start order: challenge, token, list page, gets (retries marked)', () => {
    const section = page.slice(page.indexOf('How the app got its secrets'), page.indexOf('<h2>Refresh'));
    const steps = [...section.matchAll(/<tr><td>\+(\d+) ms<\/td><td>(\d+) ms<\/td><td>([^<]*)</g)].map(
      (m) => [Number(m[1]), m[3]!.split(':')[0]],
    );
    expect(steps).toEqual([
      [2, 'challenge'],
      [12, 'token'],
      [42, 'list page 1 (2 secrets)'],
      [60, 'get Sample--ApiKey'],
      [61, 'get &lt;img src=x&gt; (retry 1)'],
    ]);
    expect(section).toContain('<td>429</td>');
    expect(renderStatusPage({ ...view, timeline: [] })).toContain('Not recorded.');
  });

  it('escapes everything that came from outside', () => {
    expect(page).not.toContain('<img src=x>');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it("shows the last error's code, never its message (the page is unauthenticated)", () => {
    expect(page).toContain('<code>VAULT_UNREACHABLE</code>');
    const withMessage = { code: 'VAULT_UNREACHABLE', message: 'answered: CANARY-page-value' };
    const other = renderStatusPage({ ...view, refresh: { ...view.refresh, lastError: withMessage } });
    expect(other).not.toContain('CANARY-page-value');
  });

  it('says "off" when refresh is off and "missing" for an absent connection string', () => {
    const other = renderStatusPage({
      ...view,
      refresh: { consecutiveFailures: 0 },
      database: { connectionString: 'missing', secretName: 'Sample--Database--ConnectionString' },
      recentChanges: [],
    });
    expect(other).toMatch(/Interval<\/dt><dd><span class="muted">off/);
    expect(other).toContain('>missing<');
    expect(other).toContain('None since startup');
  });
});
