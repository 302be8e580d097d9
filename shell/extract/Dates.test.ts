/**
 * Tests of the date reader: strict ISO dates, and date phrases of sentences (written, relative,
 * ranges, ends) with and without an anchor.
 */
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { findDates, parseIsoDate } from "./Dates.ts"

const day = (x: number | null): string | null => (x === null ? null : new Date(x).toISOString().slice(0, 10))
const ANCHOR = Date.UTC(2023, 5, 15, 9, 30)

/** [phrase as found, from, until] of each mention. */
const read = (sentence: string, anchor: number | null) =>
  findDates(sentence, anchor).map((m) => [sentence.slice(m.start, m.end), day(m.from), day(m.until)])

describe("Dates.parseIsoDate", () => {
  it.each([
    ["2021", Date.UTC(2021, 0, 1)],
    ["2021-03", Date.UTC(2021, 2, 1)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2023-02-29", undefined],
    ["2021-13", undefined],
    ["21", undefined],
    ["March 2021", undefined]
  ] as const)("%s", (s, expected) => {
    expect(parseIsoDate(s)).toBe(expected)
  })
})

describe("Dates.findDates", () => {
  it.each([
    ["On 3 March 2023, I moved.", [["On 3 March 2023", "2023-03-03", null]]],
    ["In June 2023 we married.", [["In June 2023", "2023-06-01", null]]],
    ["She moved last week.", [["last week", "2023-06-08", null]]],
    ["Yesterday I met Tom.", [["Yesterday", "2023-06-14", null]]],
    ["I moved in 2024.", [["in 2024", "2024-01-01", null]]],
    ["Ola worked there from 2015 to 2018.", [["from 2015 to 2018", "2015-01-01", "2018-01-01"]]],
    ["He worked there from March 2015 to June 2018.", [["from March 2015 to June 2018", "2015-03-01", "2018-06-01"]]],
    ["I lived in Rome between 2010 and 2012.", [["between 2010 and 2012", "2010-01-01", "2012-01-01"]]],
    ["He lived there until 2020.", [["until 2020", null, "2020-01-01"]]],
    ["I have lived here since 2019.", [["since 2019", "2019-01-01", null]]],
    ["Bob met Carol on 2021-03-05.", [["on 2021-03-05", "2021-03-05", null]]],
    ["I moved here two years ago.", [["two years ago", "2021-06-15", null]]],
    ["In May I went to Rome.", [["In May", "2023-05-01", null]]],
    ["She may come.", []],
    ["Jan likes tea.", []],
    ["He paid 2000 dollars.", []],
    ["Nothing here.", []]
  ] as const)("%s", (sentence, expected) => {
    expect(read(sentence, ANCHOR)).toStrictEqual(expected)
  })

  it.each([
    ["Since last spring she has lived here.", [["Since last spring", "2023-03-01", null]]],
    ["Last summer we went to Crete.", [["Last summer", "2022-06-01", null]]],
    ["He has lived in Riga since last winter.", [["since last winter", "2022-12-01", null]]],
    ["This spring I started running.", [["This spring", "2023-03-01", null]]],
    ["In the summer of 2019 I moved.", [["In the summer of 2019", "2019-06-01", null]]],
    ["They met in autumn 2020.", [["in autumn 2020", "2020-09-01", null]]],
    ["She worked there until the fall of 2018.", [["until the fall of 2018", null, "2018-09-01"]]],
    ["It was cold in winter 2021.", [["in winter 2021", "2021-01-01", null]]],
    ["Leaves fall in autumn.", []],
    ["I love the summer.", []]
  ] as const)("seasons: %s", (sentence, expected) => {
    expect(read(sentence, ANCHOR)).toStrictEqual(expected)
  })

  it("a relative season is found but gives no instant without an anchor", () => {
    expect(read("Since last spring she has lived here.", null)).toStrictEqual([["Since last spring", null, null]])
    expect(read("In the summer of 2019 I moved.", null)).toStrictEqual([["In the summer of 2019", "2019-06-01", null]])
  })

  it("relative phrases are found but give no instant without an anchor; written ones do", () => {
    expect(read("She moved last week.", null)).toStrictEqual([["last week", null, null]])
    expect(read("Yesterday I met Tom.", null)).toStrictEqual([["Yesterday", null, null]])
    expect(read("In June 2023 we married.", null)).toStrictEqual([["In June 2023", "2023-06-01", null]])
    expect(read("He lived there until 2020.", null)).toStrictEqual([["until 2020", null, "2020-01-01"]])
  })

  it("is total and deterministic; mentions lie inside the sentence, in order, without overlap", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.option(fc.integer({ min: -8.64e15, max: 8.64e15 })), (s, anchor) => {
        const a = findDates(s, anchor)
        expect(findDates(s, anchor)).toStrictEqual(a)
        let last = 0
        for (const m of a) {
          expect(m.start).toBeGreaterThanOrEqual(last)
          expect(m.end).toBeLessThanOrEqual(s.length)
          expect(m.start).toBeLessThan(m.end)
          last = m.end
        }
      }),
      { numRuns: 300, seed: 7 }
    )
  })
})
