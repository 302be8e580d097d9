/**
 * `mags params` end to end (a child process on a temporary memory home with the test embedder):
 * a tuned record loads as one `ParamsSet` event that later commands run under and replay keeps;
 * a bad file is refused with `BadInput` and records nothing; `--defaults` puts the defaults back.
 */
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Params from "../../core/Params.ts"
import * as ParamsCommand from "./commands/params.ts"
import { mags, tempDir } from "./testing.ts"

let dir: string
let env: Record<string, string>

beforeAll(() => {
  dir = tempDir()
  env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "tuned.json"), JSON.stringify({ ...Params.defaults, anchors: 7, decayHalfLife: 3 * 86_400_000 }))
  NodeFs.writeFileSync(NodePath.join(dir, "partial.json"), JSON.stringify({ maxResults: 12 }))
  NodeFs.writeFileSync(NodePath.join(dir, "bad.json"), JSON.stringify({ anchors: 0 }))
  NodeFs.writeFileSync(NodePath.join(dir, "notjson.json"), "anchors = 7")
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("mags params", () => {
  it("parse: fields over the defaults, ranges checked", () => {
    expect(ParamsCommand.parse(JSON.stringify(Params.defaults), "f")).toEqual(Result.succeed(Params.defaults))
    expect(Result.getOrThrow(ParamsCommand.parse('{"anchors": 3}', "f")).anchors).toBe(3)
    expect(Result.isFailure(ParamsCommand.parse('{"anchors": -1}', "f"))).toBe(true)
    expect(Result.isFailure(ParamsCommand.parse("[1]", "f"))).toBe(true)
  })

  it("loads a tuned record as one event that replay keeps; prints what differs from the defaults", () => {
    expect(mags(["params"], env).stdout).toContain("parameters: the defaults")
    const r = mags(["params", "--load", NodePath.join(dir, "tuned.json")], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/parameters recorded \(seq \d+\)/)
    expect(r.stdout).toContain(`anchors 7 (default ${Params.defaults.anchors})`)
    expect(r.stdout).toContain("decayHalfLife 259200000")
    // a later process reads them back from the journal
    const shown = mags(["params"], env).stdout
    expect(shown).toContain("anchors 7")
    expect(mags(["replay", "--verify"], env).code).toBe(0)
    // a partial record keeps the other fields at their defaults (not at the previous record)
    expect(mags(["params", "--load", NodePath.join(dir, "partial.json")], env).stdout).toContain("maxResults 12")
    expect(mags(["params"], env).stdout).not.toContain("anchors 7")
  })

  it("a bad file is a BadInput failure (exit 7) and records nothing; --defaults records the defaults", () => {
    const before = mags(["params"], env).stdout
    for (const f of ["bad.json", "notjson.json", "missing.json"]) {
      const r = mags(["params", "--load", NodePath.join(dir, f)], env)
      expect(r.code, f).toBe(7)
    }
    expect(mags(["params"], env).stdout).toBe(before)
    expect(mags(["params", "--load", NodePath.join(dir, "tuned.json"), "--defaults"], env).code).toBe(2)
    expect(mags(["params", "--defaults"], env).stdout).toContain("parameters: the defaults")
  })
})
