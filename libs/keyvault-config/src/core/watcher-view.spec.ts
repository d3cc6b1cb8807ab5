import { describe, expect, it } from 'vitest';
import { printedForms } from '../testing/printed.fixtures.js';
import { MemoryLogger, snapshot } from '../testing/refresh.fixtures.js';
import { Watcher } from './watcher.js';

const CANARY = 'watcher-view-canary';

describe('printing the core watcher (watchKeyVaultSecrets)', () => {
  it('shows its report and state at any depth and in JSON, never a value', async () => {
    const value = `${CANARY}-value`;
    const nested = { Password: `${CANARY}-nested` };
    const initial = snapshot([
      ['Api.Key', 'v1', value, 'Api--Key'],
      ['Database', 'v2', nested, 'Database'],
    ]);
    const w = new Watcher(initial, undefined, { logger: new MemoryLogger() });
    const texts = printedForms(w);
    for (const text of texts) expect(text).not.toContain(CANARY);
    expect(texts[0]).toMatch(/^Watcher \{/);
    expect(texts[1]).toContain("secretName: 'Api--Key'");
    expect(texts[3]).toContain('deeper: Watcher {');
    const json = JSON.parse(texts[4]!) as { report: { entries: { key: string }[] }; state: unknown };
    expect(json.report.entries.map((e) => e.key)).toEqual(['Api.Key', 'Database']);
    expect(json.state).toMatchObject({ consecutiveFailures: 0, loaded: 2 });
    // The public API still gives the values.
    expect(w.config).toEqual({ 'Api.Key': value, Database: nested });
    expect(w.get('Database.Password')).toBe(nested.Password);
    await w.stop();
  });
});
