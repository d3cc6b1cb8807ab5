/**
 * Rendering of the doctor's report: `--json` (the stable shape of {@link DoctorReport}) or text — one
 * line per step, ✓ or ✗, then "To fix" with the commands. Both render only what the report holds, and
 * the report holds no value.
 */
import type { KeyVaultTimelineEntry } from '../core/timeline.js';
import { Mark } from './doctor.constants.js';
import type { DoctorCredentialAttempt, DoctorKey, DoctorReport, DoctorVault } from './doctor.interfaces.js';

/** The report as JSON (two-space indented, one trailing newline). */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const mark = (ok: boolean): string => (ok ? Mark.ok : Mark.fail);
const ms = (value: number | undefined): string => (value === undefined ? '' : `  (${value} ms)`);

function identityText(who: { oid?: string; appid?: string; tid?: string; kind?: string }): string {
  const ids = [who.oid && `oid=${who.oid}`, who.appid && `appid=${who.appid}`, who.tid && `tid=${who.tid}`];
  const text = ids.filter(Boolean).join(' ');
  return `${text || 'no identity claims'}${who.kind && who.kind !== 'unknown' ? ` (${who.kind})` : ''}`;
}

function attemptLine(a: DoctorCredentialAttempt): string {
  const label = `${a.name}${a.source ? ` (${a.source})` : ''}`;
  if (a.outcome === 'token') {
    return `  ${Mark.ok} ${label}: token for ${identityText(a)}${a.selected ? ' ← the library uses this one' : ''}${ms(a.ms)}`;
  }
  const symbol = a.outcome === 'skipped' ? Mark.skip : Mark.fail;
  return `  ${symbol} ${label}: ${a.reason ?? a.outcome}${a.outcome === 'skipped' ? '' : ms(a.ms)}`;
}

function credentialSection(report: DoctorReport): string[] {
  const header = `Credentials — ${report.chain}${report.tokenCredentials ? ` (AZURE_TOKEN_CREDENTIALS=${report.tokenCredentials})` : ''}, each tried on its own:`;
  const lines = [header, ...report.credentials.map(attemptLine)];
  const c = report.credential;
  lines.push(
    c
      ? `  ${Mark.ok} The library authenticates as ${c.name}${c.source ? ` (${c.source})` : ''}: ${identityText(c)}`
      : `  ${Mark.fail} No credential of the chain gets a token: the app cannot authenticate.`,
  );
  return lines;
}

function permissionLine(what: 'list' | 'get', vault: DoctorVault): string | undefined {
  const value = vault[what];
  if (value === 'untested') {
    if (what === 'list' && vault.counts && vault.keys.every((k) => k.source === 'explicit')) {
      return `  ${Mark.skip} list: not needed (explicit mode only gets)`;
    }
    const why =
      what === 'list'
        ? ''
        : vault.list === 'denied'
          ? ' (list was denied, so no secret name is known: name one with --secrets to test get)'
          : ' (no secret to try it on)';
    return `  ${Mark.skip} ${what}: not tested${why}`;
  }
  const on =
    what === 'get' && vault.getTestedOn ? ` on '${vault.getTestedOn}' (value not read into the report)` : '';
  const listed = what === 'list' && vault.counts ? ` (${vault.counts.listed} secrets)` : '';
  return `  ${mark(value === 'allowed')} ${what}: ${value}${on}${listed}`;
}

function keyLine(k: DoctorKey): string {
  const version = k.version ? ` ${k.version}` : '';
  const status =
    k.status === 'loaded'
      ? k.reason
        ? ` (loaded, ${k.reason})`
        : ''
      : ` (skipped: ${k.reason ?? 'skipped'})`;
  return `      ${k.key} ← ${k.secretName}${version} [${k.source}]${status}`;
}

function vaultSection(v: DoctorVault): string[] {
  const lines = [`Vault ${v.host}:`];
  if (v.dns) lines.push(`  ${mark(v.dns.ok)} DNS: ${v.dns.detail}${ms(v.dns.ms)}`);
  if (v.tls) lines.push(`  ${mark(v.tls.ok)} TLS: ${v.tls.detail}${ms(v.tls.ms)}`);
  else if (v.dns?.ok && v.url.startsWith('http:'))
    lines.push(`  ${Mark.skip} TLS: none (http, loopback only)`);
  if (v.challenge)
    lines.push(`  ${mark(v.challenge.ok)} Challenge: ${v.challenge.detail}${ms(v.challenge.ms)}`);
  if (v.token) lines.push(`  ${mark(v.token.ok)} Token: ${v.token.detail}`);
  if (!v.reachable) return lines;
  for (const what of ['list', 'get'] as const) {
    const line = permissionLine(what, v);
    if (line) lines.push(line);
  }
  if (v.counts) {
    const c = v.counts;
    lines.push(
      `  ${mark(!v.problems.length)} Would load ${c.keys} key${c.keys === 1 ? '' : 's'}: ${c.listed} ${v.keys.some((k) => k.source === 'explicit') ? 'named' : 'listed'}, ${c.enabled} enabled, ${c.disabled} disabled, ${c.expired} expired, ${c.notYetValid} not yet valid, ${c.filteredOut} filtered out`,
    );
    lines.push(...v.keys.map(keyLine));
  }
  return lines;
}

function referenceLines(report: DoctorReport): string[] {
  if (report.references.length === 0) return [];
  return [
    'References:',
    ...report.references.map(
      (r) =>
        `  ${mark(r.resolves)} ${r.variable} (${r.from}) → ${r.secretName ? `'${r.secretName}'${r.version ? ` ${r.version}` : ''} in ${r.vault}` : 'unparsed'}${r.resolves ? ' resolves' : `: ${r.reason ?? 'does not resolve'}`}`,
    ),
  ];
}

function validationLine(report: DoctorReport): string {
  switch (report.validation) {
    case 'passed':
      return `${Mark.ok} validationSchema: passed`;
    case 'failed':
      return `${Mark.fail} validationSchema: failed`;
    case 'untested':
      return `${Mark.skip} validationSchema: not reached (the load failed before it)`;
    default:
      return `${Mark.skip} validationSchema: none configured (pass --config path/to/options.js to check one)`;
  }
}

function timelineLabel(e: KeyVaultTimelineEntry): string {
  const retry = e.attempt ? ` retry ${e.attempt - 1}` : '';
  switch (e.step) {
    case 'challenge':
      return `challenge ${e.vault} → 401`;
    case 'token':
      return `token for ${e.vault}`;
    case 'list':
      return `list page ${e.page ?? '?'}${e.items === undefined ? '' : ` (${e.items} secrets)`} ${e.vault}${retry} → ${e.status ?? e.error}`;
    default:
      return `get ${e.secretName ?? ''} ${e.vault}${retry} → ${e.status ?? e.error}`;
  }
}

/** The timeline, gets of one vault folded into one line when there are many. */
export function timelineLines(entries: readonly KeyVaultTimelineEntry[], maxGets = 5): string[] {
  const gets = entries.filter((e) => e.step === 'get');
  const fold = gets.length > maxGets;
  const lines = entries
    .filter((e) => !fold || e.step !== 'get')
    .map((e) => ({ at: e.startMs, text: `    +${e.startMs} ms  ${timelineLabel(e)}  ${e.durationMs} ms` }));
  if (fold) {
    const first = Math.min(...gets.map((g) => g.startMs));
    const last = Math.max(...gets.map((g) => g.startMs + g.durationMs));
    const durations = gets.map((g) => g.durationMs).sort((a, b) => a - b);
    const statuses = [...new Set(gets.map((g) => g.status ?? g.error))].join('/');
    lines.push({
      at: first,
      text: `    +${first} ms  ${gets.length} gets → ${statuses}, ${durations[0]}–${durations[durations.length - 1]} ms each (median ${durations[Math.floor(durations.length / 2)]} ms), all done at +${last} ms`,
    });
  }
  return lines.sort((a, b) => a.at - b.at).map((l) => l.text);
}

/** The readable report. */
export function renderText(report: DoctorReport): string {
  const lines = ['nestjs-keyvault-config doctor', '', ...credentialSection(report)];
  for (const vault of report.vaults) lines.push('', ...vaultSection(vault));
  const refs = referenceLines(report);
  if (refs.length) lines.push('', ...refs);
  lines.push('', validationLine(report));
  if (report.startup) {
    const run = report.startup;
    lines.push(
      '',
      run.ok
        ? `${Mark.ok} Startup load: ${run.loaded ?? 0} key${run.loaded === 1 ? '' : 's'} in ${run.ms} ms`
        : `${Mark.fail} Startup load: failed with ${run.code ?? 'an error'} after ${run.ms} ms`,
    );
    if (report.timeline.length) {
      lines.push('  Timeline (ms since the load began):', ...timelineLines(report.timeline));
    }
  }
  if (report.warnings.length)
    lines.push('', 'Warnings:', ...report.warnings.map((w) => `  ${Mark.warn} ${w}`));
  lines.push(
    '',
    report.ok
      ? `${Mark.ok} The app would start.`
      : `${Mark.fail} The app would NOT start (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}).`,
  );
  if (report.problems.length) {
    lines.push('', 'To fix:');
    report.problems.forEach((p, i) => {
      lines.push(`  ${i + 1}. [${p.code}] ${p.message.split('\n').join('\n     ')}`);
      if (p.fix) lines.push(...p.fix.split('\n').map((cmd) => `       $ ${cmd}`));
    });
  }
  return `${lines.join('\n')}\n`;
}
