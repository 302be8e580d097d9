import { describe, expect, it } from "vitest"
import * as Event from "../core/Event.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Replay from "../core/Replay.ts"
import { CHECKPOINT, describe as describeEntry, Journal } from "./Journal.ts"

const T0 = 1_700_000_000_000

/** A log longer than two checkpoints: engrams, a decay every 50 events, a params change. */
const log = (n: number): Array<Event.Event> => {
  const out: Array<Event.Event> = []
  for (let i = 0; i < n; i++) {
    const now = T0 + i * 60_000
    if (i % 50 === 49) out.push(new Event.Decayed({ now, input: { dt: 3_600_000 } }))
    else if (i === 100) out.push(new Event.ParamsSet({ now, params: { ...Replay.initial().params, pruneWeight: 0.1 } }))
    else out.push(new Event.Engrammed({ now, input: { facts: [{ subject: `n${i % 37}`, relation: i % 3 === 0 ? "lives_in" : "likes", object: `n${(i * 7) % 41}` }] } }))
  }
  return out
}

const views = (events: ReadonlyArray<Event.Event>, from = 1) =>
  events.map((e, i) => ({ seq: from + i, tag: e._tag, now: e.now, event: Event.encode(e) }))

describe("Journal", () => {
  it("stateAt(k) equals the replay of the first k events, for every k, in any order of seeks", () => {
    const events = log(2 * CHECKPOINT + 40)
    const j = new Journal()
    expect(j.append(views(events))).toBe(true)
    const order = [events.length, 3, CHECKPOINT, CHECKPOINT + 1, 0, 2 * CHECKPOINT + 7, 17, CHECKPOINT - 1]
    for (const k of order) {
      const expected = Replay.replay(events.slice(0, k))
      if (expected._tag === "Failure") throw expected.failure
      const got = j.stateAt(k)
      expect(got.seq).toBe(k)
      expect(LiquidGraph.contentHash(got.graph)).toBe(LiquidGraph.contentHash(expected.success.graph))
      expect(got.params).toEqual(expected.success.params)
    }
    expect(j.error).toBeUndefined()
  })

  it("append refuses events that do not continue the log (a gap or a repeat)", () => {
    const events = log(10)
    const j = new Journal()
    expect(j.append(views(events.slice(0, 5)))).toBe(true)
    expect(j.append(views(events.slice(6, 8), 7))).toBe(false)
    expect(j.last).toBe(5)
    expect(j.append(views(events.slice(4, 6), 5))).toBe(false)
    expect(j.append(views(events.slice(5), 6))).toBe(true)
    expect(j.last).toBe(10)
  })

  it("a bad event stops the fold at the good prefix and says which", () => {
    const events = log(5)
    const j = new Journal()
    j.append([...views(events), { seq: 6, tag: "Engrammed", now: T0, event: { _tag: "Engrammed", now: T0, input: { facts: "nope" } } }])
    const s = j.stateAt(6)
    expect(s.seq).toBe(5)
    expect(j.error).toContain("event 6")
  })

  it("describes an event by what it carried", () => {
    const [e] = views([new Event.Engrammed({ now: T0, input: { facts: [{ subject: "alice", relation: "likes", object: "jazz" }] } })])
    expect(describeEntry({ seq: 1, tag: e!.tag, now: e!.now, json: e!.event })).toBe("1 fact(s): alice likes jazz")
  })
})
