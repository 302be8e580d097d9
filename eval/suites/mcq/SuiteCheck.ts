/**
 * SuiteCheck — the test every MCQ suite (`mcq`, `mcq-hard`) passes on a quick run: a test
 * helper (vitest's `expect`), not part of a suite.
 *
 * @since 0.3.0
 */
import { expect } from "vitest"
import type { Suite, SuiteResult } from "../../Suite.ts"
import * as Embed from "./Embed.ts"
import type { EmbedderChoice } from "./Harness.ts"

/**
 * Runs the suite `makeSuite` builds over the hash embedder, quick, seed 1, twice, and expects
 * the suite's `name`, an `accuracy` row in [0, 1] of that suite for each of `systems`, more than
 * two notes, and the same rows the second time (deterministic for a seed). Returns the first result.
 */
export const quickRunChecked = async (
  makeSuite: (make: { readonly embedder: EmbedderChoice }) => Suite,
  name: string,
  systems: ReadonlyArray<string>
): Promise<SuiteResult> => {
  const suite = makeSuite({ embedder: async () => ({ embedder: Embed.fallback }) })
  const quick = () => suite.run({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} })
  const r = await quick()
  expect(suite.name).toBe(name)
  for (const system of systems) {
    const row = r.rows.find((x) => x.system === system && x.metric === "accuracy")
    expect(row?.suite).toBe(name)
    expect(row!.value).toBeGreaterThanOrEqual(0)
    expect(row!.value).toBeLessThanOrEqual(1)
  }
  expect(r.notes.length).toBeGreaterThan(2)
  expect((await quick()).rows).toEqual(r.rows)
  return r
}
