import fc from 'fast-check';

/*
 * The knobs of the property tests (payloads.property.test.ts, graphql.property.test.ts).
 *
 *   FUZZ_RUNS=3000       runs per property (default 120; costly properties run a fraction)
 *   FUZZ_SEED=random     a fresh seed per run, to explore; the default is a constant, so that
 *                        `npm test` cannot fail at random: a failure found with a random seed
 *                        becomes a fixed regression case, not a flaky CI run
 *   FUZZ_SEED=<n>        replay the seed a failure printed
 *   FUZZ_PATH=<p>        with FUZZ_SEED and `-t` naming the one failing property: replay
 *                        its shrunk counterexample directly
 *
 * e.g. `FUZZ_SEED=random FUZZ_RUNS=1000 npx vitest run test/fuzz/payloads.property.test.ts`.
 */

const DEFAULT_SEED = 22;

function readInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer${name === 'FUZZ_SEED' ? " or 'random'" : ''}, got ${JSON.stringify(text)}`);
  return value;
}

const seedText = process.env.FUZZ_SEED?.trim() || String(DEFAULT_SEED);
/** fast-check's seed for every property of the run (a 32-bit integer). */
export const FUZZ_SEED = seedText === 'random' ? (Math.random() * 0x1_0000_0000) | 0 : readInt('FUZZ_SEED', seedText);
export const FUZZ_RUNS = readInt('FUZZ_RUNS', process.env.FUZZ_RUNS?.trim() || '120');
const FUZZ_PATH = process.env.FUZZ_PATH?.trim() || undefined;

/** On failure, lead fast-check's report with the environment that replays it. */
function replayHint<T>(): fc.Plugin<T> {
  return () => ({
    onAllRunsComplete: (details) => {
      if (!details.failed) return;
      const replay = `replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} npx vitest run <file> -t '<this property>'`;
      throw new Error(`${replay}\n${fc.defaultReportMessage(details) ?? ''}`, { cause: details.errorInstance });
    },
  });
}

/** fast-check parameters for one property: the run's seed, `numRuns`, the replay hint. */
export function fuzzParams<T>(numRuns: number, more: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { ...more, seed: FUZZ_SEED, ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}), numRuns, plugins: [replayHint<T>()] };
}
