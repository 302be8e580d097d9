/**
 * `mags recall` and `mags ask` read what a question says about time (`Dates.timeHint`) and give
 * it to recall (`RecallInput.time`), recorded in the Recalled event (child processes, test
 * embedder, no model).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { mags, tempDir } from "./testing.ts"

interface Recorded {
  readonly _tag: string
  readonly input: { readonly text?: string; readonly time?: { readonly from?: number; readonly until?: number; readonly asksWhen?: boolean } }
}

let dir: string
let env: Record<string, string>

/** The Recalled events of the journal whose text is `text`. */
const recalled = (text: string): Array<Recorded> => {
  const r = mags(["replay", "--events"], env)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Recorded)
    .filter((e) => e._tag === "Recalled" && e.input.text === text)
}

beforeAll(() => {
  dir = tempDir()
  env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "trips.jsonl"), [
    { role: "user", name: "Kim", content: "I went hiking in the Tatras.", time: "2021-09-10" },
    { role: "user", name: "Kim", content: "I went hiking in the Alps.", time: "2023-05-10" }
  ].map((m) => JSON.stringify(m)).join("\n") + "\n")
  const r = mags(["ingest", NodePath.join(dir, "trips.jsonl")], env)
  expect(r.code, r.stderr).toBe(0)
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("time hints from questions", () => {
  it("mags recall: a year in the question brings the episode of that time first", () => {
    const firstEpisode = (query: string) => {
      const r = mags(["recall", query, "--no-record"], env)
      expect(r.code, r.stderr).toBe(0)
      return r.stdout.split("\n").find((l) => l.startsWith("episode ")) ?? ""
    }
    expect(firstEpisode("Where did Kim go hiking in 2023?")).toContain("Alps")
    expect(firstEpisode("Where did Kim go hiking in 2021?")).toContain("Tatras")
  })

  it("mags recall records the hint: asksWhen for a when-question, none for a question with no time", () => {
    for (const q of ["When did Kim go hiking?", "Where did Kim go hiking?"]) {
      const r = mags(["recall", q], env)
      expect(r.code, r.stderr).toBe(0)
    }
    expect(recalled("When did Kim go hiking?").map((e) => e.input.time)).toEqual([{ asksWhen: true }])
    expect(recalled("Where did Kim go hiking?").map((e) => e.input.time)).toEqual([undefined])
  })

  it("mags ask: a relative month is read against the clock (a window from the 1st of that May)", () => {
    const r = mags(["ask", "What did I do last May?"], env)
    expect(r.code, r.stderr).toBe(0)
    const [event] = recalled("What did I do last May?")
    const time = event?.input.time
    expect(time?.from).toBeDefined()
    const from = new Date(time!.from!)
    expect([from.getUTCMonth(), from.getUTCDate()]).toEqual([4, 1])
    expect(from.getTime()).toBeLessThan(Date.now())
    expect(Date.now() - from.getTime()).toBeLessThan(2 * 366 * 86_400_000)
    expect(time?.until).toBe(time!.from! + 62 * 86_400_000)
  })
})
