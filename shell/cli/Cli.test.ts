/**
 * End-to-end tests of the `mags` CLI as a child process, on a temporary memory home with the test
 * embedder (`MAGS_EMBEDDINGS=test`, deterministic hash vectors, no data to load) and no model:
 * ingest → recall → connect → ask → chat → replay --verify; export shapes; history, inspect,
 * snapshot, rollback, maintain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { exitCodes } from "./Errors.ts"
import { dbState, mags, tempDir } from "./testing.ts"

let home: string
let env: Record<string, string>
let dir: string

beforeAll(() => {
  dir = tempDir()
  home = NodePath.join(dir, "home")
  env = { MAGS_HOME: home, MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(
    NodePath.join(dir, "world.txt"),
    "Mira lives in Lumen.\nTobin works at the lighthouse.\nTobin visits Mira.\nMira lives in Vell.\nThe Heron sails to Vell.\n"
  )
  NodeFs.writeFileSync(
    NodePath.join(dir, "chat.jsonl"),
    '{"role":"user","content":"Oona owns the bakery."}\n\n{"role":"assistant","content":"Noted."}\n'
  )
  NodeFs.writeFileSync(
    NodePath.join(dir, "triples.jsonl"),
    '{"subject":"bakery","relation":"sells","object":"salt bread","validFrom":"2020"}\n'
  )
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("mags CLI", () => {
  it("ingests text, messages and triples, with a progress line on stderr", () => {
    const r = mags(["ingest", NodePath.join(dir, "world.txt"), NodePath.join(dir, "chat.jsonl"), NodePath.join(dir, "triples.jsonl"), "--progress", "always"], env)
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/ingest \[█+\]\s+100% 8\/8 items · [\d.]+\/s · done/)
    expect(r.stderr).toMatch(/ingested 8 items from 3 file\(s\).*7 facts, 1 superseded/)
    const db = dbState(home)!
    expect(db.memories).toBe(1)
    expect(db.events).toBeGreaterThanOrEqual(8)
  })

  it("recall prints facts with their paths, records a Recalled event; --no-record writes nothing", () => {
    const before = dbState(home)!
    const peek = mags(["recall", "Where does Mira live?", "--no-record"], env)
    expect(peek.code).toBe(0)
    expect(dbState(home)!.journal).toBe(before.journal)
    const r = mags(["recall", "Where", "does", "Mira", "live?"], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Mira —lives_in→ Vell/)
    expect(r.stdout).toMatch(/path: Mira/)
    expect(r.stdout).not.toMatch(/Mira —lives_in→ Lumen/) // superseded: not current
    const after = dbState(home)!
    expect(after.events).toBe(before.events + 1)
    expect(after.journal).toContain('"_tag":"Recalled"')
  })

  it("connect shows the strongest path; unknown labels are named and exit NotFound, as history's do", () => {
    const r = mags(["connect", "Tobin", "Vell"], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Tobin —visit→ Mira —lives_in→ Vell")
    const none = mags(["connect", "Tobin", "Atlantis"], env)
    expect(none.code).toBe(exitCodes.NotFound)
    expect(none.stderr).toContain('mags: not in memory: "Atlantis"')
    const history = mags(["history", "Atlantis"], env)
    expect(history.code).toBe(exitCodes.NotFound)
    expect(history.stderr).toContain('mags: not in memory: "Atlantis"')
  })

  it("ask answers from memory with the template (no model) and records the turn, not its own answer", () => {
    const before = dbState(home)!
    const r = mags(["ask", "Where does Mira live?"], env)
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe("Mira lives in Vell.")
    const after = dbState(home)!
    expect(after.events).toBeGreaterThan(before.events)
    const added = after.journal.slice(before.journal.length)
    expect(added).toContain('"text":"User: Where does Mira live?"')
    expect(added).not.toContain("Assistant")
    expect(added).not.toContain("Mira lives in Vell")
  })

  it("ask with no model: an irrelevant or unknown question gets 'I don't know', not unrelated facts", () => {
    for (const q of ["What is the capital of France?", "Where does Atlantis live?", "Who is Mira married to?"]) {
      const r = mags(["ask", q], env)
      expect(r.code).toBe(0)
      expect(r.stdout.trim()).toBe("I don't know: nothing in memory answers that.")
    }
    const tobin = mags(["ask", "Where does Tobin work?"], env)
    expect(tobin.stdout.trim()).toMatch(/^Tobin works at (the )?lighthouse\.$/)
  })

  it("chat runs one turn per stdin line", () => {
    const r = mags(["chat"], env, "Zara lives in Vell.\nWhere does Zara live?\n/quit\n")
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toBe("Noted.")
    expect(lines[1]).toContain("Zara lives in Vell.")
  })

  it("history shows the versions of a slot, inspect the counts and the conflict", () => {
    const h = mags(["history", "Mira"], env)
    expect(h.code).toBe(0)
    expect(h.stdout).toMatch(/Mira —lives_in→ \(2 versions\)/)
    expect(h.stdout).toMatch(/Mira —lives_in→ Lumen \[until [\d-]+\].*superseded by Mira —lives_in→ Vell/)
    const i = mags(["inspect"], env)
    expect(i.code).toBe(0)
    expect(i.stdout).toMatch(/^memory at seq \d+, hash [0-9a-f]{16}/)
    expect(i.stdout).toMatch(/recent conflicts: 1\n {2}Mira —lives_in→ Lumen/)
  })

  it("export: json is a snapshot, dot and mermaid have their shapes", () => {
    const json = mags(["export", "--format", "json"], env)
    expect(json.code).toBe(0)
    const snap = JSON.parse(json.stdout) as { format: string; seq: number }
    expect(snap.format).toBe("mags-snapshot/1")
    const dot = mags(["export", "--format", "dot"], env)
    expect(dot.code).toBe(0)
    expect(dot.stdout).toMatch(/^digraph mags \{\n/)
    expect(dot.stdout).toMatch(/\n {2}n\d+ -> n\d+ \[label="lives_in"\];/)
    expect(dot.stdout).toMatch(/\[label="lives_in \(until [\d-]+\)", style=dashed\]/)
    expect(dot.stdout.trimEnd().endsWith("}")).toBe(true)
    const mermaid = mags(["export", "--format", "mermaid"], env)
    expect(mermaid.code).toBe(0)
    expect(mermaid.stdout).toMatch(/^graph LR\n/)
    expect(mermaid.stdout).toMatch(/\n {2}n\d+\["Mira"\]/)
    expect(mermaid.stdout).toMatch(/\n {2}n\d+ -->\|"lives_in"\| n\d+/)
  })

  it("maintain, snapshot, rollback, and replay --verify agree with the stored state", () => {
    expect(mags(["maintain"], env).code).toBe(0)
    const snap = mags(["snapshot"], env)
    expect(snap.code).toBe(0)
    expect(snap.stdout).toMatch(/snapshot at seq \d+/)
    const ok = mags(["replay", "--verify"], env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain("verify: ok")
    const back = mags(["rollback", "3"], env)
    expect(back.code).toBe(0)
    expect(back.stdout).toMatch(/rolled back from seq \d+ to 3/)
    const again = mags(["replay", "--verify"], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/replayed 3 events/)
  })
})
