/**
 * `--json` on the read commands and the branches of `mags rollback`, end to end (child
 * processes, test embedder, no model):
 * - recall, connect, inspect, history, ask, params print ONE JSON object per line on stdout, in
 *   the shape of their view (each line decodes with its `Views` Schema), nothing else on stdout;
 * - `rollback --list` lists the branches a rollback kept (text and JSON); `--restore <n>` brings
 *   one back (the memory's content hash equals the one before the rollback; the replaced events
 *   become a branch) and `replay --verify` passes;
 * - an unknown branch, node or a seq past the end exits NotFound (12) and writes nothing; a
 *   rollback with no or two targets is a usage error (2), and so is an empty `--user`;
 * - `npm run -s mags -- … --json` prints the JSON line and no npm banner (the README's advice);
 * - the README's JSON output table names every field of each view; its exit-code table lists
 *   exactly the codes of `Errors.exitCodes`.
 */
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Views from "../app/Views.ts"
import { exitCodes } from "./Errors.ts"
import { dbState, mags, ROOT, tempDir } from "./testing.ts"

let dir: string
let home: string
let env: Record<string, string>

beforeAll(() => {
  dir = tempDir()
  home = NodePath.join(dir, "home")
  env = { MAGS_HOME: home, MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "world.txt"), "Mira lives in Lumen.\nTobin works at the lighthouse.\nTobin visits Mira.\nMira lives in Vell.\n")
  const r = mags(["ingest", NodePath.join(dir, "world.txt")], env)
  expect(r.code, r.stderr).toBe(0)
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

/** The JSON lines of a successful run, each decoded with `schema`. */
const jsonLines = <S extends Schema.Top>(args: ReadonlyArray<string>, schema: S): Array<S["Type"]> => {
  const r = mags(args, env)
  expect(r.code, r.stderr).toBe(0)
  const lines = r.stdout.split("\n").filter((l) => l.length > 0)
  const decode = Schema.decodeUnknownSync(schema as unknown as Schema.Codec<S["Type"], unknown>)
  return lines.map((l) => decode(JSON.parse(l)))
}

const one = <S extends Schema.Top>(args: ReadonlyArray<string>, schema: S): S["Type"] => {
  const lines = jsonLines(args, schema)
  expect(lines).toHaveLength(1)
  return lines[0]!
}

const hashOf = (): string => one(["inspect", "--json"], Views.InspectView).hash

describe("--json", () => {
  it("recall: one RecallView line, with the facts' paths", () => {
    const v = one(["recall", "Where does Mira live?", "--json", "--no-record"], Views.RecallView)
    expect(v.query).toBe("Where does Mira live?")
    const vell = v.facts.find((f) => f.fact.labels.subject === "Mira" && f.fact.labels.object === "Vell")
    expect(vell).toBeDefined()
    expect(vell!.path.nodes.length).toBeGreaterThan(0)
    expect(v.facts.some((f) => f.fact.labels.object === "Lumen")).toBe(false)
  })

  it("connect: one ConnectView line; history: one HistoryView line with the superseded chain and its events", () => {
    const c = one(["connect", "Tobin", "Vell", "--json"], Views.ConnectView)
    expect(c.connected).toBe(true)
    expect(c.path!.text).toContain("Tobin")
    const h = one(["history", "Mira", "--json"], Views.HistoryView)
    const slot = h.slots.find((s) => s.relation === "lives_in")!
    expect(slot.chain.map((f) => f.labels.object)).toEqual(["Lumen", "Vell"])
    expect(slot.chain[0]!.superseded).toBe(true)
    expect(slot.chain[0]!.supersededBy).toBe(slot.chain[1]!.id)
    expect(slot.chain[1]!.current).toBe(true)
    expect(h.events.map((e) => e.tag)).toContain("Reconciled")
  })

  it("inspect and params: one line each, with counts and the documented ranges", () => {
    const i = one(["inspect", "--json"], Views.InspectView)
    expect(i.facts.ended).toBe(1)
    expect(i.conflicts[0]!.fact.labels.object).toBe("Lumen")
    const p = one(["params", "--json"], Views.ParamsView)
    expect(p.params["anchors"]).toMatchObject({ min: 1, max: 256, int: true })
    expect(p.changed).toEqual([])
  })

  it("ask: one TurnView line, the answer among its fields", () => {
    const t = one(["ask", "Where does Mira live?", "--json"], Views.TurnView)
    expect(t.answer).toBe("Mira lives in Vell.")
    expect(t.events[0]!.tag).toBe("Recalled")
    expect(t.recalled.length).toBeGreaterThan(0)
  })
})

describe("mags rollback: branches", () => {
  it("rollback keeps a branch; --list shows it; --restore brings it back; replay --verify passes", () => {
    expect(mags(["rollback", "--list"], env).stdout.trim()).toBe("no abandoned branches")
    const full = hashOf()
    const seq = dbState(home)!.events
    const back = one(["rollback", "2", "--json"], Views.RollbackView)
    expect(back).toMatchObject({ from: seq, state: { seq: 2 }, branch: { branch: 1, base: 2, tip: seq, reason: "rollback" } })
    expect(hashOf()).not.toBe(full)
    const listed = jsonLines(["rollback", "--list", "--json"], Views.BranchView)
    expect(listed.map((b) => [b.branch, b.base, b.tip, b.events])).toEqual([[1, 2, seq, seq - 2]])
    expect(mags(["rollback", "--list"], env).stdout).toMatch(new RegExp(`^branch 1: seqs 3\\.\\.${seq} \\(${seq - 2} events\\) after seq 2, rollback on `))
    const ingested = mags(["ingest", NodePath.join(dir, "world.txt")], env)
    expect(ingested.code, ingested.stderr).toBe(0)
    const restored = mags(["rollback", "--restore", "1"], env)
    expect(restored.code, restored.stderr).toBe(0)
    expect(restored.stdout).toMatch(/^restored branch 1: memory now at seq \d+ .*kept as branch 2/)
    expect(hashOf()).toBe(full)
    expect(jsonLines(["rollback", "--list", "--json"], Views.BranchView).map((b) => b.branch)).toEqual([1, 2])
    const verify = mags(["replay", "--verify"], env)
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  })

  it("an unknown branch, a seq past the end → NotFound (12), nothing written; no target or two → usage (2); so is an empty --user", () => {
    const before = dbState(home)!
    const user = mags(["ingest", NodePath.join(dir, "world.txt"), "--user", ""], env)
    expect(user.code).toBe(exitCodes.Usage)
    expect(user.stderr).toMatch(/--user must not be empty/)
    const branch = mags(["rollback", "--restore", "99"], env)
    expect(branch.code).toBe(exitCodes.NotFound)
    expect(branch.stderr).toMatch(/^mags: no abandoned branch 99/)
    expect(mags(["rollback", String(before.events + 5)], env).code).toBe(exitCodes.NotFound)
    expect(mags(["rollback"], env).code).toBe(exitCodes.Usage)
    expect(mags(["rollback", "1", "--list"], env).code).toBe(exitCodes.Usage)
    expect(dbState(home)).toEqual(before)
  })
})

describe("npm run -s", () => {
  it("prints no npm banner: stdout holds the JSON line only (the README's advice for bench, eval and tune)", () => {
    const npm = spawnSync("npm", ["run", "-s", "mags", "--", "params", "--json"], {
      cwd: ROOT,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MAGS_"))), ...env },
      encoding: "utf8",
      timeout: 60_000
    })
    expect(npm.status, npm.stderr).toBe(0)
    const lines = npm.stdout.split("\n").filter((l) => l.length > 0)
    expect(lines).toHaveLength(1)
    expect(() => Schema.decodeUnknownSync(Views.ParamsView)(JSON.parse(lines[0]!))).not.toThrow()
  })
})

describe("README", () => {
  it("the JSON output table names every field of each command's view", () => {
    const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
    const table = readme.slice(readme.indexOf("### JSON output"), readme.indexOf("### Exit codes"))
    const rows: ReadonlyArray<readonly [string, Schema.Struct<Schema.Struct.Fields>]> = [
      ["| `recall", Views.RecallView],
      ["| `connect", Views.ConnectView],
      ["| `history", Views.HistoryView],
      ["| `inspect", Views.InspectView],
      ["| `ask", Views.TurnView],
      ["| `params", Views.ParamsView],
      ["| `rollback <seq>", Views.RollbackView],
      ["| `rollback --list", Views.BranchView]
    ]
    for (const [start, schema] of rows) {
      const at = table.indexOf(start)
      expect(at, start).toBeGreaterThan(0)
      const row = table.slice(at, table.indexOf("\n", at))
      for (const field of Object.keys(schema.fields)) expect(row, `${start}: ${field}`).toContain("`" + field)
    }
  })

  it("the exit-code table lists every code of Errors.exitCodes, by kind", () => {
    const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
    const table = readme.slice(readme.indexOf("### Exit codes"))
    for (const [kind, code] of Object.entries(exitCodes)) {
      expect(table, kind).toMatch(new RegExp(`\\n\\| ${code} +\\| \`${kind}\` +\\|`))
    }
  })
})
