/**
 * Boots a Nest testing module for the e2e tests and closes it after the running test (through the
 * emulator fixture's afterTest), so no refresh timer outlives its test.
 */
import { Test, type TestingModule } from '@nestjs/testing';
import type { ModuleMetadata } from '@nestjs/common';
import type { EmulatorFixture } from './emulator.fixture.js';

/** Compiles and initialises a module importing `imports`; it is closed after the running test. */
export async function bootApp(
  fx: EmulatorFixture,
  imports: ModuleMetadata['imports'],
): Promise<TestingModule> {
  const app = await Test.createTestingModule({ imports }).compile();
  fx.afterTest(app, (a) => a.close());
  await app.init();
  return app;
}
