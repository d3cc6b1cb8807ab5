/**
 * The load report: one entry per key, loaded or skipped with the reason. Never a value — entries are
 * built from names and properties only.
 */
import type {
  KeyVaultCredentialInfo,
  KeyVaultLoadReport,
  KeyVaultReportEntry,
  KeyVaultTimelineEntry,
  KeyVaultThrottlingFigures,
} from './interfaces.js';
import { redactPayload } from './redaction.js';

/**
 * What an entry is built from: the entry's own fields without its status and reason (a subset of
 * SecretProperties, so a value cannot slip in). Mounted files carry the visible path and the
 * modification time instead of a version.
 */
export type ReportSubject = Omit<KeyVaultReportEntry, 'status' | 'reason'>;

/** A loaded entry (optionally with a warning, e.g. expired). */
export function loadedEntry(subject: ReportSubject, warning?: string): KeyVaultReportEntry {
  return { ...pick(subject), status: 'loaded', ...(warning ? { reason: warning } : {}) };
}

/** A skipped entry with its reason. */
export function skippedEntry(subject: ReportSubject, reason: string): KeyVaultReportEntry {
  return { ...pick(subject), status: 'skipped', reason };
}

function pick(subject: ReportSubject): ReportSubject {
  const entry: ReportSubject = {
    key: subject.key,
    secretName: subject.secretName,
    vault: subject.vault,
    source: subject.source,
  };
  if (subject.version !== undefined) entry.version = subject.version;
  if (subject.updatedOn !== undefined) entry.updatedOn = subject.updatedOn;
  if (subject.path !== undefined) entry.path = subject.path;
  if (subject.modifiedOn !== undefined) entry.modifiedOn = subject.modifiedOn;
  return entry;
}

/** Assembles the report; `loaded` counts the loaded entries. */
export function buildReport(input: {
  vaults: string[];
  mounts?: string[];
  credential?: KeyVaultCredentialInfo;
  loadedAt: Date;
  elapsedMs: number;
  entries: KeyVaultReportEntry[];
  /** Absent: no request was made (e.g. the options were invalid). */
  throttling?: KeyVaultThrottlingFigures;
  error?: { code: string; message: string };
  timeline?: KeyVaultTimelineEntry[];
}): KeyVaultLoadReport {
  const report: KeyVaultLoadReport = {
    vaults: input.vaults,
    ...(input.mounts && input.mounts.length > 0 ? { mounts: input.mounts } : {}),
    loadedAt: input.loadedAt,
    elapsedMs: Math.round(input.elapsedMs),
    loaded: input.entries.filter((e) => e.status === 'loaded').length,
    entries: input.entries,
    throttling: input.throttling ?? { responses429: 0, waitedMs: 0, lowestConcurrency: 0 },
  };
  if (input.credential) report.credential = input.credential;
  if (input.error) report.error = input.error;
  if (input.timeline) report.timeline = input.timeline;
  // Names, hosts and codes only; checked against the values held all the same (redaction.ts).
  return redactPayload(report);
}
