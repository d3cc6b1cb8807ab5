/**
 * Test helper for the emulator's specs (not built into dist: tsconfig.build.json excludes testing/).
 * Returns the error `fn` throws, so a spec can assert on its type and fields; fails when it does not throw.
 */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}
