import type {
  KeyVaultChangeEvent,
  KeyVaultKeyChange,
  KeyVaultReportEntry,
  KeyVaultTimelineEntry,
} from 'nestjs-keyvault-config';
import { markup, type SafeHtml } from '../common/html.util.js';
import { masterSecretSection } from './master-secret-section.js';
import type { StatusView } from './status.interfaces.js';

/** Seconds between automatic reloads of the page, so a rotation shows up while you watch. */
const PAGE_RELOAD_SECONDS = 5;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; } code { font: 13px ui-monospace, monospace; } .muted { color: #57606a; }
td:nth-child(4) { white-space: nowrap; } .ok { color: #1a7f37; } .bad { color: #cf222e; } dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dt { font-weight: 600; }
.warn { border: 2px solid #cf222e; background: #fff5f5; padding: .25rem 1rem; border-radius: 6px; }
`;

const date = (value: Date | string | undefined): string => (value ? new Date(value).toISOString() : '—');

function entryRow(entry: KeyVaultReportEntry): SafeHtml {
  const status = `${entry.status}${entry.reason ? ` (${entry.reason})` : ''}`;
  return markup`      <tr><td><code>${entry.key}</code></td><td><code>${entry.secretName}</code></td><td><code>${
    entry.version ?? '—'
  }</code></td><td>${date(entry.updatedOn)}</td><td>${entry.source}</td><td class="${
    entry.status === 'loaded' ? 'ok' : 'muted'
  }">${status}</td></tr>
`;
}

/** What a timeline step was, in words. */
function stepLabel(entry: KeyVaultTimelineEntry): string {
  const retry = entry.attempt ? ` (retry ${entry.attempt - 1})` : '';
  switch (entry.step) {
    case 'challenge':
      return 'challenge: the unauthenticated first request, answered 401 with the tenant and resource';
    case 'token':
      return 'token: the managed identity endpoint (or the CLI) issues a token for the vault';
    case 'list':
      return `list page ${entry.page ?? '?'}${entry.items === undefined ? '' : ` (${entry.items} secrets)`}${retry}`;
    default:
      return `get ${entry.secretName ?? ''}${retry}`;
  }
}

function timelineRow(entry: KeyVaultTimelineEntry): SafeHtml {
  const outcome = entry.status ?? entry.error ?? '';
  return markup`      <tr><td>+${entry.startMs} ms</td><td>${entry.durationMs} ms</td><td>${stepLabel(entry)}</td><td><code>${entry.vault}</code></td><td>${outcome}</td></tr>
`;
}

function timelineSection(timeline: readonly KeyVaultTimelineEntry[], masterSecret: boolean): SafeHtml {
  if (timeline.length === 0) return markup`<p class="muted">Not recorded.</p>`;
  const sorted = [...timeline].sort((a, b) => a.startMs - b.startMs);
  const how = masterSecret
    ? 'a master secret from the configuration bought the token (see Identity above).'
    : 'no master secret involved: the platform’s identity vouched for the app.';
  return markup`<p class="muted">The startup load on the wire, before <code>ConfigService</code> had a value — ${how}</p>
  <table>
    <thead><tr><th>Start</th><th>Took</th><th>Step</th><th>Vault</th><th>Status</th></tr></thead>
    <tbody>
${sorted.map(timelineRow)}
    </tbody>
  </table>`;
}

function changeItem(kind: string, change: KeyVaultKeyChange): SafeHtml {
  const versions = change.previousVersion
    ? `${change.previousVersion} → ${change.version ?? '—'}`
    : change.version;
  const version = versions ? markup`, version <code>${versions}</code>` : '';
  const reason = change.reason ? `, ${change.reason}` : '';
  return markup`<li>${kind} <code>${change.key}</code> (<code>${change.secretName}</code>${version}${reason})</li>`;
}

function changeEvent(event: KeyVaultChangeEvent): SafeHtml {
  const items = [
    ...event.added.map((change) => changeItem('added', change)),
    ...event.updated.map((change) => changeItem('updated', change)),
    ...event.removed.map((change) => changeItem('removed', change)),
  ];
  return markup`<li>${date(event.at)}<ul>${items}</ul></li>`;
}

/** Which credential authenticated, as far as the token's claims tell. */
function credentialCell(credential: StatusView['credential']): SafeHtml {
  return credential
    ? markup`<code>${credential.name}</code>${credential.detail ? ` (${credential.detail})` : ''}`
    : markup`<span class="muted">unknown</span>`;
}

function sourceSection(view: StatusView): SafeHtml {
  const { credential } = view;
  return markup`<h2>Source</h2>
  <dl>
    <dt>Vault</dt><dd>${view.vaults.map((vault, index) => markup`${index > 0 ? ', ' : ''}<code>${vault}</code>`)}</dd>
    <dt>Credential</dt><dd id="credential">${credentialCell(credential)}</dd>
    <dt>Object id (oid)</dt><dd><code>${credential?.objectId ?? '—'}</code></dd>
    <dt>Client id (appid)</dt><dd><code>${credential?.clientId ?? '—'}</code></dd>
    <dt>Tenant id (tid)</dt><dd><code>${credential?.tenantId ?? '—'}</code></dd>
    <dt>Loaded at</dt><dd>${date(view.loadedAt)} in ${view.elapsedMs} ms</dd>
  </dl>`;
}

function refreshSection(refresh: StatusView['refresh']): SafeHtml {
  const interval =
    refresh.intervalMs === undefined
      ? markup`<span class="muted">off</span>`
      : markup`every ${refresh.intervalMs / 1000} s`;
  const lastError = refresh.lastError ? markup`: <code>${refresh.lastError.code}</code>` : '';
  const state =
    refresh.consecutiveFailures === 0
      ? markup`<span class="ok">ok</span>`
      : markup`<span class="bad">${refresh.consecutiveFailures} consecutive failure(s)${lastError}</span>`;
  return markup`<h2>Refresh</h2>
  <dl>
    <dt>Interval</dt><dd>${interval}</dd>
    <dt>Last refresh</dt><dd>${date(refresh.lastSuccessAt)}</dd>
    <dt>Next refresh</dt><dd>${date(refresh.nextRefreshAt)}</dd>
    <dt>State</dt><dd>${state}</dd>
  </dl>`;
}

function databaseLine(database: StatusView['database']): SafeHtml {
  const connectionString =
    database.connectionString === 'loaded'
      ? markup`<span class="ok">loaded</span>, version <code>${database.version ?? '—'}</code>`
      : markup`<span class="bad">missing</span>`;
  return markup`<p>Connection string (<code>${database.secretName}</code>): ${connectionString}</p>`;
}

function keysSection(entries: StatusView['entries']): SafeHtml {
  const loaded = entries.filter((entry) => entry.status === 'loaded').length;
  return markup`<h2>Keys (${loaded} loaded)</h2>
  <table>
    <thead><tr><th>Config key</th><th>Secret</th><th>Version</th><th>Updated</th><th>Source</th><th>Status</th></tr></thead>
    <tbody>
${entries.map(entryRow)}
    </tbody>
  </table>`;
}

function changesList(recentChanges: StatusView['recentChanges']): SafeHtml {
  return recentChanges.length === 0
    ? markup`<p class="muted">None since startup. Try <code>npm run sample:rotate -- Sample--ApiKey</code>.</p>`
    : markup`<ul>${recentChanges.map(changeEvent)}</ul>`;
}

const TRY_IT = markup`<h2>Try it</h2>
  <ul>
    <li><a href="/api/status">/api/status</a> — this page as JSON (names, versions, the credential, master secrets by name)</li>
    <li><a href="/health">/health</a> — the Key Vault health indicator</li>
    <li><code>curl -H "x-api-key: …" /api/greeting</code> — 200 with the key from the vault, 401 otherwise</li>
    <li><code>POST /api/tokens</code> (with <code>x-api-key</code>) and <code>GET /api/tokens/verify</code>
      (with <code>Authorization: Bearer …</code>) — HMAC tokens signed with <code>Sample--SigningKey</code></li>
    <li><a href="/api/database">/api/database</a> — the connection string, as "loaded, version …"</li>
  </ul>`;

/**
 * The status page: where the configuration came from, as whom, and which version of every key is in
 * use. Everything is escaped; nothing on it is a secret value — the view holds none to begin with.
 */
export function renderStatusPage(view: StatusView): string {
  const { masterSecrets } = view;
  return markup`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="${PAGE_RELOAD_SECONDS}">
  <title>nestjs-keyvault-config sample</title>
  <style>${STYLE}</style>
</head>
<body>
  <h1>nestjs-keyvault-config sample</h1>
  <p class="muted">${
    masterSecrets.present
      ? 'Everything below came from Key Vault, through a credential built on a master secret (see Identity).'
      : "This app's configuration holds only the vault URL. Everything below came from Key Vault through the platform's identity."
  } Values are never shown.</p>

  ${sourceSection(view)}

  <h2>Identity</h2>
  ${masterSecretSection(masterSecrets)}

  <h2>How the app got its secrets</h2>
  ${timelineSection(view.timeline, masterSecrets.present)}

  ${refreshSection(view.refresh)}

  <h2>Database</h2>
  ${databaseLine(view.database)}

  ${keysSection(view.entries)}

  <h2>Recent changes</h2>
  ${changesList(view.recentChanges)}

  ${TRY_IT}
</body>
</html>
`.value;
}
