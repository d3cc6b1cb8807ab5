import type { AccessToken } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { TokenFlight } from './token-flight.js';

const token: AccessToken = { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
const never = (): Promise<AccessToken | null> => new Promise(() => undefined);

describe('TokenFlight', () => {
  it('gives up a request that never answers after its timeout, aborting its signal', async () => {
    let seen: AbortSignal | undefined;
    let ended = 0;
    const flight = new TokenFlight(
      (signal) => {
        seen = signal;
        return never();
      },
      () => ended++,
      20,
    );
    await expect(flight.join(undefined)).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen?.aborted).toBe(true);
    expect(flight.open).toBe(false);
    expect(ended).toBe(1);
  });

  it('is given up when its last caller leaves, not before', async () => {
    const flight = new TokenFlight(never, () => undefined, 60_000);
    const first = new AbortController();
    const second = new AbortController();
    const a = flight.join(first.signal);
    const b = flight.join(second.signal);
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    expect(flight.open).toBe(true);
    second.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(flight.open).toBe(false);
  });

  it('answers every caller with the one token', async () => {
    let calls = 0;
    const flight = new TokenFlight(
      async () => {
        calls++;
        return token;
      },
      () => undefined,
    );
    await expect(Promise.all([flight.join(undefined), flight.join(undefined)])).resolves.toEqual([
      token,
      token,
    ]);
    expect(calls).toBe(1);
  });
});
