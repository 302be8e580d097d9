import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import * as Bm25 from "../../baselines/Bm25.ts"
import * as Data from "./Data.ts"
import * as Metrics from "./Metrics.ts"

const turn = (speaker: string, dia_id: string, text: string, extra: Record<string, unknown> = {}) => ({ speaker, dia_id, text, ...extra })

const tiny = () => [{
  sample_id: "tiny-1",
  conversation: {
    speaker_a: "Ann", speaker_b: "Bo",
    session_1_date_time: "1:56 pm on 8 May, 2023",
    session_1: [turn("Ann", "D1:1", "I adopted a cat."), turn("Bo", "D1:2", "Nice!", { blip_caption: "a photo of a cat", img_url: ["x"] })],
    session_2_date_time: "10:00 am on 9 June, 2023",
    session_2: [turn("Ann", "D2:1", "The cat is called Tom.")],
    session_3_date_time: "9:00 am on 1 July, 2023" // a date without a session: ignored
  },
  observation: {
    session_1_observation: { Ann: [["Ann adopted a cat.", "D1:1"]], Bo: [["Bo likes cats.", ["D1:2", "D9:9"]]] }
  },
  qa: [
    { question: "What did Ann adopt?", answer: "a cat", evidence: ["D1:1"], category: 4 },
    { question: "Name?", answer: "Tom", evidence: ["D2:1; D1:01", "D:1:2", "D"], category: 1 },
    { question: "Unanswerable?", adversarial_answer: "x", evidence: [], category: 5 },
    { question: "Ghost?", answer: "x", evidence: ["D7:3"], category: 2 }
  ]
}]

describe("evidence ids", () => {
  it("normalises the odd forms", () => {
    expect(Data.normaliseEvidence(["D8:6; D9:17", "D:11:26", "D", "D3:007", "D1:2,D1:3 D1:4"])).toEqual({
      ids: ["D8:6", "D9:17", "D11:26", "D3:7", "D1:2", "D1:3", "D1:4"],
      bad: ["D"]
    })
    expect(Data.normaliseEvidence(["D1:1", "D1:01"]).ids).toEqual(["D1:1"])
    expect(Data.normaliseEvidence([42]).bad).toEqual(["42"])
    expect(Data.normaliseId("d1:1")).toBeUndefined()
    expect(Data.normaliseId("D10:0")).toBe("D10:0")
  })
  it("parses session dates", () => {
    expect(Data.parseSessionDate("1:56 pm on 8 May, 2023")).toBe(Date.UTC(2023, 4, 8, 13, 56))
    expect(Data.parseSessionDate("12:05 am on 1 January, 2024")).toBe(Date.UTC(2024, 0, 1, 0, 5))
    expect(Data.parseSessionDate("8 May 2023")).toBe(Date.UTC(2023, 4, 8))
    expect(Data.parseSessionDate("31 February, 2023")).toBeUndefined()
    expect(Data.parseSessionDate("yesterday")).toBeUndefined()
  })
})

describe("loader", () => {
  it("reads a tiny hand-written file of the same shape", () => {
    const [c] = Data.parse(tiny())
    expect(c!.sampleId).toBe("tiny-1")
    expect(c!.speakers).toEqual(["Ann", "Bo"])
    expect(c!.sessions.map((s) => s.number)).toEqual([1, 2])
    expect(c!.sessions[0]!.turns[1]!.caption).toBe("a photo of a cat")
    expect(c!.sessions[1]!.turns[0]!.time).toBe(Date.UTC(2023, 5, 9, 10, 0))
    expect(c!.observations.map((o) => [o.id, o.diaIds])).toEqual([["obs:1:1", ["D1:1"]], ["obs:1:2", ["D1:2"]]])
    expect(c!.qa.map((q) => q.evidence)).toEqual([["D1:1"], ["D2:1", "D1:1", "D1:2"], [], []])
    expect(c!.qa[1]!.droppedEvidence).toEqual(["D"])
    expect(c!.qa[3]!.droppedEvidence).toEqual(["D7:3"])
  })
  it("gives a clear error with the JSON path on a malformed file", () => {
    expect(() => Data.parse({})).toThrow(/expected a JSON array/)
    const bad = tiny()
    ;(bad[0]!.conversation.session_2[0] as Record<string, unknown>)["text"] = 7
    expect(() => Data.parse(bad, "f.json")).toThrow("f.json: [0].conversation.session_2[0].text: expected a string, got number")
    const badDate = tiny()
    badDate[0]!.conversation.session_1_date_time = "someday"
    expect(() => Data.parse(badDate)).toThrow(/session_1_date_time: cannot read the date/)
    const dup = tiny()
    dup[0]!.conversation.session_2[0]!.dia_id = "D1:1"
    expect(() => Data.parse(dup)).toThrow(/duplicate dia id D1:1/)
    const noQa = tiny() as Array<Record<string, unknown>>
    delete noQa[0]!["qa"]
    expect(() => Data.parse(noQa)).toThrow(/\[0\]\.qa: expected an array/)
  })
  it("loadFile reports bad JSON", async () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "locomo-"))
    const f = Path.join(dir, "bad.json")
    Fs.writeFileSync(f, "[{")
    await expect(Data.loadFile(f)).rejects.toThrow(/not valid JSON/)
    Fs.writeFileSync(f, JSON.stringify(tiny()))
    expect((await Data.loadFile(f))[0]!.qa).toHaveLength(4)
  })
})

describe("metrics", () => {
  const m = (ids: Array<string>, text = "abcd"): Metrics.Retrieved => ({ diaIds: ids, text })
  it("scores hand-made retrievals", () => {
    const ranked = [m(["D1:1"]), m(["D2:2", "D3:3"], "12345"), m([]), m(["D4:4"])]
    expect(Metrics.scoreAt(["D3:3", "D4:4"], ranked, 1)).toEqual({ recall: 0, hitAny: 0, hitAll: 0, tokens: 1, turns: 1 })
    expect(Metrics.scoreAt(["D3:3", "D4:4"], ranked, 2)).toEqual({ recall: 0.5, hitAny: 1, hitAll: 0, tokens: 3, turns: 3 })
    expect(Metrics.scoreAt(["D3:3", "D4:4"], ranked, 10)).toEqual({ recall: 1, hitAny: 1, hitAll: 1, tokens: 5, turns: 4 })
    expect(Metrics.scoreAt(["D9:9"], [], 5)).toEqual({ recall: 0, hitAny: 0, hitAll: 0, tokens: 0, turns: 0 })
    expect(() => Metrics.scoreAt([], ranked, 5)).toThrow()
  })
  it("averages", () => {
    const mean = new Metrics.Mean()
    mean.add({ recall: 1, hitAny: 1, hitAll: 1, tokens: 10, turns: 2 })
    mean.add({ recall: 0, hitAny: 0, hitAll: 0, tokens: 20, turns: 4 })
    expect(mean.mean("recall")).toBe(0.5)
    expect(mean.mean("tokens")).toBe(15)
  })
})

describe("bm25", () => {
  const docs = ["the cat sat on the mat", "dogs chase cats", "the cat ate the cat food", "stock markets fell"]
  it("tokenises without stop words", () => {
    expect(Bm25.tokens("The cat's well-known MAT!")).toEqual(["cat", "well-known", "mat"])
  })
  it("ranks a toy corpus as hand-computed", () => {
    const index = Bm25.build(docs)
    expect(index.avgdl).toBe((3 + 3 + 4 + 3) / 4)
    // idf(cat) = ln(1 + (4 − 2 + 0.5)/(2 + 0.5)) = ln 2
    expect(Bm25.idf(index, "cat")).toBeCloseTo(Math.log(2), 12)
    const s = Bm25.scores(index, "cat")
    const expected = (tf: number, len: number) => (Math.log(2) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / index.avgdl))
    expect(s[0]).toBeCloseTo(expected(1, 3), 12)
    expect(s[2]).toBeCloseTo(expected(2, 4), 12)
    expect(s[1]).toBe(0) // "cats" ≠ "cat": no stemming
    expect(Bm25.topK(index, "cat food", 3).map((x) => x.index)).toEqual([2, 0])
    expect(Bm25.topK(index, "markets", 5).map((x) => x.index)).toEqual([3])
    expect(Bm25.topK(index, "unknown words", 5)).toEqual([])
  })
})
