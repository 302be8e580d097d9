import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Params } from "../../core/index.ts"
import { main } from "./run.ts"

const dir = mkdtempSync(path.join(os.tmpdir(), "mags-tune-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("npm run tune (end to end)", () => {
  it("--quick on conflicts + games with budget 4: params.json decodes, the last JSON line has the validation pair, the report is written", async () => {
    const out: Array<string> = []
    const err: Array<string> = []
    const code = await main(
      ["--suites", "conflicts,games", "--quick", "--budget", "4", "--seed", "2", "--json", "--out", dir],
      { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }
    )
    expect(code, err.join("")).toBe(0)
    const lines = out.join("").trim().split("\n")
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow()
    const last = JSON.parse(lines[lines.length - 1]!)
    expect(Object.keys(last)[0]).toBe("validation")
    expect(Object.keys(last.validation)).toEqual(["defaults", "tuned"])
    expect(typeof last.validation.defaults).toBe("number")
    expect(typeof last.validation.tuned).toBe("number")
    expect(Number.isFinite(last.validation.defaults)).toBe(true)
    expect(last.suites).toEqual(["conflicts", "games"])
    expect(last.evaluations).toBeLessThanOrEqual(4)

    const params = JSON.parse(readFileSync(path.join(dir, "params.json"), "utf8"))
    const decoded = Params.decode(params)
    expect(Result.isSuccess(decoded)).toBe(true)
    for (const f of ["report.md", "report.json", "charts/objective.svg", "charts/objective.vl.json"]) expect(existsSync(path.join(dir, f)), f).toBe(true)
    const md = readFileSync(path.join(dir, "report.md"), "utf8")
    expect(md).toContain("Validation objective")
    expect(md).toContain("which suite got worse")
    // progress went to stderr, not stdout
    expect(err.join("")).toContain("[tune] evaluation 1/4")
  }, 180_000)

  it("skips locomo with a message when ../shared is absent, and a bad command line exits 2", async () => {
    const err: Array<string> = []
    const io = { stdout: () => {}, stderr: (t: string) => void err.push(t) }
    expect(await main(["--suites", "locomo", "--quick", "--budget", "1", "--out", dir], io, { sharedDir: undefined })).toBe(1)
    expect(err.join("")).toContain("locomo skipped: ../shared is absent")
    expect(await main(["--budget", "zero"], io)).toBe(2)
  })
})
