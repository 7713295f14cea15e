import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('closest name', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('genral', 'general')).toBe(1);
    expect(editDistance('secert', 'secret')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'url')).toBe(3);
  });

  it('suggests the plausible typo, case-insensitively, and nothing for an unrelated name', () => {
    const sections = ['general', 'enable', 'ami', 'cloud', 'pbx', 'ivr'];
    expect(closest('genral', sections)).toBe('general');
    expect(closest('GENERAL2', sections)).toBe('general');
    expect(closest('clod', sections)).toBe('cloud');
    expect(closest('bindprot', ['BINDPORT', 'BINDADDR', 'URL'])).toBe('BINDPORT');
    expect(closest('metrics', sections)).toBeUndefined();
    expect(closest('xyz', ['url', 'mac'])).toBeUndefined();
  });
});
