import { describe, expect, it } from 'vitest';
import { validateFaultSpec } from './fault-spec.js';
import { EMULATOR_ROUTES, isEmulatorRoute, isIdentityRoute } from './routes.js';

describe('the route list', () => {
  it('is the one source every validator accepts', () => {
    for (const route of EMULATOR_ROUTES) {
      expect(isEmulatorRoute(route)).toBe(true);
      expect(validateFaultSpec({ route, status: 500 }).route).toBe(route);
    }
    expect(isEmulatorRoute('secrets.backup')).toBe(false);
    expect(() => validateFaultSpec({ route: 'secrets.backup', status: 500 })).toThrow(
      /Known routes: secrets\.set/,
    );
  });

  it('tells identity routes from vault routes', () => {
    expect(EMULATOR_ROUTES.filter(isIdentityRoute)).toEqual([
      'identity.appservice',
      'identity.imds',
      'identity.probe',
      'identity.entra',
      'identity.legacy',
    ]);
  });
});
