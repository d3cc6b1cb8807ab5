/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by area (this library, the Azure SDK,
 * MSAL, Node internals, GC, idle) and the top functions by self time.
 *
 *   node bench/profile-summary.mjs FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The area a call frame belongs to, from its URL. */
export function areaOf(frame) {
  const url = frame.url ?? '';
  if (frame.functionName === '(garbage collector)') return 'GC';
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(program)') return 'program (native, not attributed)';
  if (url.includes('/libs/keyvault-config/')) return 'keyvault-config (this library)';
  if (url.includes('/bench/')) return 'bench harness';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    const name = pkg[1];
    if (name.startsWith('@azure/msal') || name === '@azure/identity') return 'identity / MSAL';
    if (name.startsWith('@azure') || name.startsWith('@typespec')) return 'Azure SDK (core + keyvault)';
    return `other package (${name})`;
  }
  if (url.startsWith('node:') || url === '') return 'Node internals (http, tls, streams, timers)';
  return 'other';
}

const toMs = (us) => Math.round(us / 100) / 10;

/** Self time in ms by area and by function. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const areas = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    total += us;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const file = (frame.url ?? '')
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*\/(libs|bench)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, toMs(v)]);
  return { totalMs: toMs(total), areas: sorted(areas), functions: sorted(functions) };
}

/** Human-readable summary lines. */
export function formatSummary(summary, top = 25) {
  const lines = [`total sampled: ${summary.totalMs} ms`, 'self time by area:'];
  for (const [area, ms] of summary.areas) lines.push(`  ${String(ms).padStart(8)} ms  ${area}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [name, ms] of summary.functions.slice(0, top))
    lines.push(`  ${String(ms).padStart(8)} ms  ${name}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  if (positionals.length === 0) {
    console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top 25]');
    process.exit(2);
  }
  for (const file of positionals) {
    console.log(`== ${file}`);
    console.log(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8'))), Number(values.top)));
  }
}
