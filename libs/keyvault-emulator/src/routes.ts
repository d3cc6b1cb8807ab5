/**
 * The one list of route names that counters, the request log and faults refer to. The
 * {@link EmulatorRoute} type is derived from it, so adding a route here is the only change needed for
 * validation (admin API, command line) and typing to know it.
 */
export const EMULATOR_ROUTES = [
  'secrets.set',
  'secrets.get',
  'secrets.list',
  'secrets.versions',
  'secrets.update',
  'secrets.delete',
  'deleted.get',
  'deleted.list',
  'deleted.recover',
  'deleted.purge',
  'vault.unknown',
  'identity.appservice',
  'identity.imds',
  'identity.probe',
  'identity.entra',
  'identity.legacy',
] as const;

/** Names of the routes counters, logs and faults refer to. */
export type EmulatorRoute = (typeof EMULATOR_ROUTES)[number];

/** True for a known route name (untrusted input: admin API, command line). */
export const isEmulatorRoute = (value: unknown): value is EmulatorRoute =>
  (EMULATOR_ROUTES as readonly unknown[]).includes(value);

/** True for identity.* routes (served by the identity server, not a vault). */
export const isIdentityRoute = (route: EmulatorRoute): boolean => route.startsWith('identity.');
