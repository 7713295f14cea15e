/**
 * fast-check settings shared by the property tests: a fixed seed and run
 * count, so `npm test` is repeatable and quick; fast-check's failure report
 * names the seed and the shrunk counterexample. FUZZ_SEED / FUZZ_RUNS change
 * them for a longer hunt (`FUZZ_SEED=7 FUZZ_RUNS=20000 npx vitest run test/fuzz`).
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Run a property with the suite's seed; `runs` scales the default. */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, runs = RUNS): void | Promise<void> {
  return fc.assert(property as fc.IProperty<Ts>, { seed: FUZZ_SEED, numRuns: runs, verbose: 1 });
}

/** Strings over an alphabet that hits the edges of our parsers (controls, separators, non-ASCII). */
export const nastyString = (maxLength = 40) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcXYZ+*#_-./\\@,&:; %\r\n\0\u00e9\u{1F600}'.split('')), maxLength }),
    fc.constantFrom('.', '..', 'null', 'undefined', 'NaN', 'Infinity', '-1', '', ' ', 'general', '[object Object]'),
  );
