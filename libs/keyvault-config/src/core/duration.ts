/**
 * Durations as options take them: a number of milliseconds, or a string such as `'500ms'`, `'30s'`,
 * `'5m'`, `'1h'`, `'1d'` or a combination in decreasing order (`'1h30m'`). A bare numeric string is
 * milliseconds, like a number.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
/** Units from largest to smallest: a compound duration must use them in this order, each once. */
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

const WHOLE = /^\s*(\d+(?:\.\d+)?)\s*$/;
const COMPOUND = /^(?:\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+$/i;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gi;

/**
 * Parses a duration into whole milliseconds (rounded). Returns `undefined` for anything that is not a
 * finite, non-negative duration — the caller turns that into an error naming its option.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const whole = WHOLE.exec(value);
  if (whole) return Math.round(Number(whole[1]));
  if (!COMPOUND.test(value)) return undefined;

  let total = 0;
  let lastRank = -1;
  for (const [, amount, rawUnit] of value.matchAll(PART)) {
    const unit = rawUnit!.toLowerCase() as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    // '5m1h' or '1m2m' is more likely a typo than an intent: refuse it rather than guess.
    if (rank <= lastRank) return undefined;
    lastRank = rank;
    total += Number(amount) * UNIT_MS[unit];
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** `90000` → `'1m30s'`, `1500` → `'1.5s'`: for log lines (inverse of {@link parseDuration}, roughly). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000) * 1_000;
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * UNIT_MS[unit];
  }
  return parts.join('');
}
