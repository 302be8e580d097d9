import { describe, expect, it } from "vitest"
import * as Controller from "../../core/Controller.ts"
import * as Policies from "./Policies.ts"

describe("the committed trained controllers", () => {
  it("games.json and mcq.json load as learned controllers of the current spec, with how they were trained", () => {
    for (const suite of ["games", "mcq"] as const) {
      const p = Policies.load(Policies.fileOf(suite))
      expect("error" in p ? p.error : p.controller._tag, suite).toBe("Learned")
      if (!("error" in p)) {
        expect(String(p.trained["command"])).toContain(`--suite ${suite}`)
        expect(p.trained["suite"]).toBe(suite)
      }
    }
  })

  it("a missing or foreign file is an error, not a crash", () => {
    const missing = Policies.load(new URL("file:///nonexistent/policy.json"))
    expect("error" in missing).toBe(true)
    const foreign = Policies.load(new URL("../../package.json", import.meta.url))
    expect("error" in foreign).toBe(true)
    expect(Controller.FORMAT).toBe("mags-controller/1")
  })
})
