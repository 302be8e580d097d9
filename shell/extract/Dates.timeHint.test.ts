/**
 * Tests of what a question says about time (`Dates.timeHint`, recall's time source input) and
 * of the months named relative to the anchor ("last May") that `findDates` reads for it.
 */
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { findDates, timeHint } from "./Dates.ts"

const DAY = 86_400_000
const day = (x: number | null | undefined): string | null => (x === null || x === undefined ? null : new Date(x).toISOString().slice(0, 10))
const NOW = Date.UTC(2023, 5, 15, 9, 30)

const read = (sentence: string, anchor: number | null) =>
  findDates(sentence, anchor).map((m) => [sentence.slice(m.start, m.end), day(m.from), day(m.until)])

describe("Dates.findDates: months named relative to the anchor", () => {
  it.each([
    ["I moved to Gdansk last May.", [["last May", "2023-05-01", null]]],
    // June 2023 is under way on 15 June: the last June that has ended is 2022's
    ["We met last June.", [["last June", "2022-06-01", null]]],
    ["Since last March she works at Acme.", [["Since last March", "2023-03-01", null]]],
    ["She stays until next May.", [["until next May", null, "2024-05-01"]]],
    ["This June I started running.", [["This June", "2023-06-01", null]]],
    ["Last August we went hiking.", [["Last August", "2022-08-01", null]]],
    ["The last may come first.", []]
  ] as const)("%s", (sentence, expected) => {
    expect(read(sentence, NOW)).toStrictEqual(expected)
  })

  it("is found but gives no instant without an anchor", () => {
    expect(read("I moved to Gdansk last May.", null)).toStrictEqual([["last May", null, null]])
  })
})

describe("Dates.timeHint", () => {
  it("a month named relative to now: a window of two months from its first day", () => {
    const h = timeHint("What did I do last May?", NOW)
    expect(h).toStrictEqual({ from: Date.UTC(2023, 4, 1), until: Date.UTC(2023, 4, 1) + 62 * DAY })
  })

  it("a question that asks when: asksWhen, no window", () => {
    expect(timeHint("When did Ola move to Gdansk?", NOW)).toStrictEqual({ asksWhen: true })
    expect(timeHint("In which year did Marek buy the car?", NOW)).toStrictEqual({ asksWhen: true })
  })

  it("asks when and names a time: both", () => {
    expect(timeHint("When in 2022 did Ola move?", NOW)).toStrictEqual({
      from: Date.UTC(2022, 0, 1), until: Date.UTC(2022, 0, 1) + 2 * 366 * DAY, asksWhen: true
    })
  })

  it("spans: a year, a month, a day (a week)", () => {
    expect(timeHint("What happened in 2022?", NOW)).toStrictEqual({ from: Date.UTC(2022, 0, 1), until: Date.UTC(2022, 0, 1) + 732 * DAY })
    expect(timeHint("What did Kim do in March?", NOW)).toStrictEqual({ from: Date.UTC(2023, 2, 1), until: Date.UTC(2023, 2, 1) + 62 * DAY })
    expect(timeHint("What did Kim do on 3 March 2023?", NOW)).toStrictEqual({ from: Date.UTC(2023, 2, 3), until: Date.UTC(2023, 2, 3) + 14 * DAY })
    // asked in June, "in September" is last September
    expect(timeHint("What did Kim do in September?", NOW)).toStrictEqual({ from: Date.UTC(2022, 8, 1), until: Date.UTC(2022, 8, 1) + 62 * DAY })
    // a month and a year name a month, not a year
    expect(timeHint("What did Kim do in March 2023?", NOW)).toStrictEqual({ from: Date.UTC(2023, 2, 1), until: Date.UTC(2023, 2, 1) + 62 * DAY })
    expect(timeHint("What did Kim do in 2022?", NOW)).toStrictEqual({ from: Date.UTC(2022, 0, 1), until: Date.UTC(2022, 0, 1) + 732 * DAY })
    expect(day(timeHint("Who did I meet yesterday?", NOW)?.from)).toBe("2023-06-14")
  })

  it("a question that says nothing about time: undefined", () => {
    expect(timeHint("Where does Ola live?", NOW)).toBeUndefined()
    expect(timeHint("What may Ola like?", NOW)).toBeUndefined()
  })

  it("is deterministic, and a window always has from < until", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 0, max: 4e12 }), (q, now) => {
        const h = timeHint(q, now)
        expect(timeHint(q, now)).toStrictEqual(h)
        if (h?.from !== undefined) expect(h.until!).toBeGreaterThan(h.from)
      }),
      { numRuns: 200, seed: 8 }
    )
  })
})
