import { describe, expect, it } from 'vitest';
import { CycleLogger } from './cycle-logger.js';
import { MemoryLogger } from '../testing/refresh.fixtures.js';

describe('CycleLogger', () => {
  it('does not repeat a warning the previous cycle wrote', () => {
    const target = new MemoryLogger();
    const logger = new CycleLogger(target);
    logger.warn('expired');
    logger.endCycle();
    logger.warn('expired');
    logger.warn('new');
    logger.endCycle();
    logger.endCycle();
    logger.warn('expired');
    expect(target.at('warn')).toEqual(['expired', 'new', 'expired']);
    expect(target.at('debug')).toEqual(['expired']);
  });
});
