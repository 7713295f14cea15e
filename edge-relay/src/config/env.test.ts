import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../protocol/src/log.js';
import { readEnvironment } from './env.js';

describe('relay environment', () => {
  it('reads DATA_DIR, LOG_LEVEL and LOG_FORMAT, defaulting to info and json', () => {
    expect(readEnvironment({ DATA_DIR: '/var/lib/coocenter', LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' })).toEqual({
      dataDir: '/var/lib/coocenter',
      logLevel: 'debug',
      logFormat: 'pretty',
    });
    expect(readEnvironment({})).toEqual({ dataDir: undefined, logLevel: 'info', logFormat: 'json' });
    expect(readEnvironment({ LOG_LEVEL: 'verbose' }).logLevel).toBe('info');
    expect(readEnvironment({ LOG_FORMAT: 'text' }).logFormat).toBe('json');
  });

  it('is the only reader: a logger logs at the level it is given, whatever LOG_LEVEL says', () => {
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'error';
    try {
      const lines: string[] = [];
      createLogger({ write: (l) => lines.push(l) }).info('started');
      createLogger({ level: 'warn', write: (l) => lines.push(l) }).info('dropped');
      expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['started']);
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });
});
