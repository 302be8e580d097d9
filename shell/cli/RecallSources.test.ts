/**
 * `mags recall --sources`: recall's candidate sources switched on by name (ablation from the
 * command line), recorded in the Recalled event; unknown or repeated names are a usage error.
 */
import { afterAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Recall from "../../core/Recall.ts"
import { parseSources } from "./commands/recall.ts"
import { mags, ROOT, tempDir } from "./testing.ts"

const dir = tempDir()
afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("parseSources", () => {
  it("parseSources(SOURCES.join(',')) = SOURCES; spaces and order kept", () => {
    expect(parseSources(Recall.SOURCES.join(","))).toEqual([...Recall.SOURCES])
    expect(parseSources("walk, lexical")).toEqual(["walk", "lexical"])
  })

  it("refuses an unknown, a repeated or no name", () => {
    expect(parseSources("lexical,bm25")).toHaveProperty("error")
    expect(parseSources("key,key")).toHaveProperty("error")
    expect(parseSources(" , ")).toHaveProperty("error")
  })
})

describe("mags recall --sources", () => {
  it("records the sources in the Recalled event; a bad list is a usage error and records nothing", () => {
    const env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
    expect(mags(["ingest", "--speaker", "Kim", NodePath.join(ROOT, "examples", "demo", "diary.txt")], env).code).toBe(0)
    const ok = mags(["recall", "Where does Ola live?", "--sources", "lexical,vector"], env)
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain("Ola")
    const bad = mags(["recall", "Where does Ola live?", "--sources", "lexical,grep"], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("unknown source")
    const events = mags(["replay", "--events"], env).stdout.split("\n").filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { _tag: string; input: { sources?: Array<string> } }).filter((e) => e._tag === "Recalled")
    expect(events.map((e) => e.input.sources)).toEqual([["lexical", "vector"]])
  })
})
