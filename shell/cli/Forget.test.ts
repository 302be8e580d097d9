/**
 * `mags forget` end to end (a child process on a temporary memory home with the test embedder):
 * a turn, a fact and a subject are deleted for good — absent from every export, from recall, and
 * after `replay --verify`; `inspect` reports the active graph and the archive; `--all` needs
 * `--yes`. And `Export.render` of a state after forget holds nothing forgotten.
 */
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Engram from "../../core/Engram.ts"
import * as Event from "../../core/Event.ts"
import * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import * as Export from "../app/Export.ts"
import { mags, tempDir } from "./testing.ts"

let dir: string
let env: Record<string, string>

beforeAll(() => {
  dir = tempDir()
  env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(
    NodePath.join(dir, "world.txt"),
    "Mira lives in Lumen.\nTobin works at the lighthouse.\nOona owns the zorblat bakery.\n"
  )
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

interface Snapshot {
  readonly graph: {
    readonly nodes: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly text: string | null }>
    readonly edges: ReadonlyArray<{ readonly id: string }>
  }
}

const snapshot = (): Snapshot => {
  const r = mags(["export", "--format", "json"], env)
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Snapshot
}

describe("mags forget", () => {
  it("forgets a turn: gone from export (json, dot), recall and replay; the confirmation lists it", () => {
    expect(mags(["ingest", NodePath.join(dir, "world.txt")], env).code).toBe(0)
    const turn = snapshot().graph.nodes.find((n) => n.kind === "episode" && n.text?.includes("zorblat"))!
    expect(turn).toBeDefined()
    const r = mags(["forget", "--episode", turn.id], env) // with its ep: prefix, as export shows it
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`forgot episode ${turn.id.slice(3)}`)
    expect(r.stdout).toMatch(new RegExp(`nodes deleted: \\d+: .*${turn.id}`))
    const json = mags(["export", "--format", "json"], env).stdout
    expect(json).not.toContain("zorblat")
    expect(json).not.toContain("Oona")
    expect(json).toContain("Tobin works at the lighthouse") // the other turns stay
    expect(mags(["export", "--format", "dot", "--all"], env).stdout).not.toContain("zorblat")
    expect(mags(["recall", "zorblat bakery", "--no-record"], env).stdout).not.toContain("zorblat")
    const verify = mags(["replay", "--verify"], env)
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain("verify: ok")
    // a second time: nothing is left to forget, nothing is recorded
    expect(mags(["forget", "--episode", turn.id], env).stdout).toContain("nothing to forget")
  })

  it("forgets a fact by id and a subject by label; inspect shows the active graph and the archive", () => {
    const fact = snapshot().graph.edges.find((e) => e.id.startsWith("f|tobin|"))!
    expect(fact).toBeDefined()
    const f = mags(["forget", "--fact", fact.id], env)
    expect(f.code).toBe(0)
    expect(f.stdout).toContain(`edges deleted: 1: ${fact.id}`)
    expect(snapshot().graph.edges.some((e) => e.id === fact.id)).toBe(false)
    const s = mags(["forget", "--subject", "Mira", "--with-episodes"], env)
    expect(s.code).toBe(0)
    expect(s.stdout).toMatch(/forgot subject "Mira"/)
    const after = mags(["export", "--format", "json"], env).stdout
    expect(after).not.toContain("Mira")
    const i = mags(["inspect"], env)
    expect(i.code).toBe(0)
    expect(i.stdout).toMatch(/\narchive: \d+ nodes \(\d+ episodes\), \d+ edges \(\d+ facts\), \d+ vectors, ~\d+ KiB; \d+ forgotten\n/)
    expect(mags(["replay", "--verify"], env).stdout).toContain("verify: ok")
  })

  it("needs exactly one target; --all needs --yes, then memory is empty", () => {
    expect(mags(["forget"], env).code).toBe(2)
    expect(mags(["forget", "--fact", "x", "--episode", "y"], env).code).toBe(2)
    const refused = mags(["forget", "--all"], env)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("--yes")
    const all = mags(["forget", "--all", "--yes"], env)
    expect(all.code).toBe(0)
    expect(all.stdout).toMatch(/forgot the whole memory/)
    expect(all.stdout).toMatch(/memory: 0 nodes, 0 edges active; 0 nodes, 0 edges archived/)
    const snap = snapshot()
    expect(snap.graph.nodes.length + snap.graph.edges.length).toBe(0)
    expect(JSON.stringify(snap)).not.toContain("lighthouse")
  })
})

describe("Export after forget", () => {
  it("json, dot and mermaid hold nothing forgotten, active or archived", () => {
    const p = Params.defaults
    const tell = (id: string, text: string, facts: Engram.EngramInput["facts"], now: number) =>
      new Event.Engrammed({ now, input: { episode: { id, text, time: now }, facts } })
    const log = [
      tell("t1", "Alice keeps a zorblat", [{ subject: "Alice", relation: "keeps", object: "zorblat" }], 0),
      tell("t2", "Bob lives in Paris", [{ subject: "Bob", relation: "lives in", object: "Paris" }], 1000),
      new Event.Pruned({ now: 90 * 86_400_000, input: { threshold: 1 } }), // everything to the archive
      new Event.Forgotten({ now: 90 * 86_400_000 + 1, input: { _tag: "episode", id: "t1" } })
    ]
    const state = Result.getOrThrow(Replay.replay(log, Replay.initial(p)))
    for (const format of ["json", "dot", "mermaid"] as const) {
      const text = Export.render(state, format, { all: true })
      expect(text).not.toContain("zorblat")
    }
    expect(Export.render(state, "json")).toContain("Bob lives in Paris") // the archive is exported
  })
})
