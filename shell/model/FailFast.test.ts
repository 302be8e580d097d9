/**
 * Fail fast offline, end to end: `mags ask` with a model URI that cannot be fetched gives its one
 * line and exit code by itself (the resolution gives up after 10 s of silence), instead of hanging;
 * the bound is the test's timeout, not a timed assertion. Runs offline (nothing is downloaded: the
 * repository named does not exist, and a network that answers says so at once).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { exitCodes } from "../cli/Errors.ts"
import { magsAsync, tempDir } from "../cli/testing.ts"

let dir: string

beforeAll(() => {
  dir = tempDir("mags-failfast-")
})

afterAll(() => {
  NodeFs.rmSync(dir, { recursive: true, force: true })
})

describe("mags fails fast on a model it cannot reach", () => {
  it("an hf: model URI not in the models directory → one line, exit 8, no hang", async () => {
    const env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test", MAGS_MODEL: "hf:mags-test/no-such-repo/no-such-model.Q4_K_M.gguf" }
    const r = await magsAsync(["ask", "Where does Mira live?"], env, 45_000)
    expect(r.code, r.stderr).toBe(exitCodes.ModelFailed)
    const lines = r.stderr.trim().split("\n")
    expect(lines.length).toBe(1)
    expect(lines[0]).toMatch(/^mags: cannot load model hf:mags-test\/no-such-repo\/no-such-model\.Q4_K_M\.gguf: could not resolve model URI/)
  }, 50_000)
})
