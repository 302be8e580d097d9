/**
 * Ingest input: JSONL messages with a speaker and a world time, triples with validity dates,
 * text with a narrator; dates out of range refused (exit 7, nothing stored) and never crashing
 * what prints a memory (`Render`, `history`, the prompt).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Result } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Engram from "../../core/Engram.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import * as Prompt from "../loop/Prompt.ts"
import { sentences } from "../loop/Router.ts"
import * as History from "../cli/commands/history.ts"
import { exitCodes } from "../cli/Errors.ts"
import * as Input from "./Input.ts"
import * as Render from "./Render.ts"
import { dbState, mags, tempDir } from "../cli/testing.ts"

const FAR = 1e17 // ≈ year 3,170,844: beyond what a Date can hold

describe("Input.parseJsonl: messages", () => {
  it("name / speaker / time: who said it and when; --speaker fills in for user messages only", () => {
    const text = [
      '{"role":"user","content":"I moved to Paris.","name":"Kim","time":"2023-05-07"}',
      '{"role":"user","content":"My sister lives in Gdansk.","speaker":"Ola","time":1683417600000}',
      '{"role":"user","content":"Hi.","time":"2023-05-07T10:30:00+02:00"}',
      '{"role":"assistant","content":"Hello."}'
    ].join("\n")
    const items = Result.getOrThrow(Input.parseJsonl("c.jsonl", text, "Me"))
    const got = items.map((i) => i._tag === "Message" ? [i.speaker, i.time, i.file] : [])
    expect(got).toEqual([
      ["Kim", Date.UTC(2023, 4, 7), "c.jsonl"],
      ["Ola", 1683417600000, "c.jsonl"],
      ["Me", Date.UTC(2023, 4, 7, 8, 30), "c.jsonl"],
      [null, null, "c.jsonl"]
    ])
  })

  it("parseWorldTime reads ISO dates and date-times (UTC unless zoned), refuses impossible ones", () => {
    expect(Input.parseWorldTime("2021")).toBe(Date.UTC(2021, 0, 1))
    expect(Input.parseWorldTime("2023-05-07T10:30Z")).toBe(Date.UTC(2023, 4, 7, 10, 30))
    expect(Input.parseWorldTime("2023-05-07T10:30:15.5")).toBe(Date.UTC(2023, 4, 7, 10, 30, 15, 500))
    expect(Input.parseWorldTime("2023-05-07T23:00-01:00")).toBe(Date.UTC(2023, 4, 8, 0, 0))
    expect(Input.parseWorldTime("2023-02-30")).toBeUndefined()
    expect(Input.parseWorldTime("2023-05-07T25:00")).toBeUndefined()
    expect(Input.parseWorldTime("yesterday")).toBeUndefined()
  })

  it("triples keep validFrom / validUntil, ISO or ms", () => {
    const items = Result.getOrThrow(Input.parseJsonl(
      "t.jsonl",
      '{"subject":"Kim","relation":"lives in","object":"Paris","validFrom":"2015-06","validUntil":1577836800000}'
    ))
    const t = items[0]!
    expect(t._tag === "Triple" && [t.fact.validFrom, t.fact.validUntil]).toEqual([Date.UTC(2015, 5, 1), Date.UTC(2020, 0, 1)])
  })

  it("numeric dates more than 10,000 years from 1970 are refused in time, validFrom and validUntil", () => {
    const limit = Input.WORLD_TIME_LIMIT_MS
    const triple = (field: string, v: number) => `{"subject":"a","relation":"r","object":"b","${field}":${v}}`
    for (const line of [
      triple("validFrom", FAR),
      triple("validUntil", -limit - 1),
      `{"role":"user","content":"hi","time":${limit + 1}}`
    ]) {
      const r = Input.parseJsonl("x.jsonl", line)
      expect(Result.isFailure(r) && r.failure.kind).toBe("BadInput")
      expect(Result.isFailure(r) && r.failure.message).toMatch(/^x\.jsonl:1: .*more than 10,000 years from 1970/)
    }
    expect(Result.isSuccess(Input.parseJsonl("x.jsonl", triple("validFrom", limit)))).toBe(true)
    expect(Result.isSuccess(Input.parseJsonl("x.jsonl", triple("validFrom", -limit)))).toBe(true)
  })
})

describe("Input.parseText and Router.sentences", () => {
  it("text items carry the file and the narrator", () => {
    const items = Input.parseText("d.txt", "I live in Paris.\nMy sister Ola lives in Gdansk.", "Kim")
    expect(items.map((i) => i._tag === "Sentence" ? [i.speaker, i.file, i.origin] : [])).toEqual([
      ["Kim", "d.txt", "d.txt:1"],
      ["Kim", "d.txt", "d.txt:2"]
    ])
  })

  it("a sentence repeated on a later line has that line as its origin", () => {
    const items = Input.parseText("d.txt", "Hi. Hi.\nYes.\nHi.\n")
    expect(items.map((i) => i._tag === "Sentence" ? [i.text, i.origin] : [])).toEqual([
      ["Hi.", "d.txt:1"],
      ["Hi.", "d.txt:1"],
      ["Yes.", "d.txt:2"],
      ["Hi.", "d.txt:3"]
    ])
  })

  it("titles, abbreviations and decimals stay whole; CJK full stops end sentences", () => {
    expect(sentences("Dr. Anna Zielinska is my dentist. She moved to the U.S. in 2020.")).toEqual([
      "Dr. Anna Zielinska is my dentist.",
      "She moved to the U.S. in 2020."
    ])
    expect(sentences("Mr. Smith lives on St. Mary Street. It is 3.5 km away.")).toEqual([
      "Mr. Smith lives on St. Mary Street.",
      "It is 3.5 km away."
    ])
    expect(sentences("我住在北京。我的妹妹住在上海！")).toEqual(["我住在北京。", "我的妹妹住在上海！"])
  })
})

describe("printing a memory never throws on a date a Date cannot hold (regression: 'Invalid time value')", () => {
  // engram now refuses such dates (core `Fact.WORLD_TIME_LIMIT_MS`); a graph decoded from an
  // older snapshot may still hold one, so the edge is written through a draft
  const p = Params.defaults
  const base = Engram.engram(Replay.initial().graph, {
    facts: [{ subject: "Kim", relation: "live_in", object: "Paris" }]
  }, p, 1000).graph
  const d = LiquidGraph.draft(base)
  const told = LiquidGraph.edges(base).find((f) => f.kind === "fact")!
  d.putEdge({ ...told, validFrom: FAR, validUntil: FAR + 1 })
  const g = d.finish()
  const fact = [...LiquidGraph.incident(g, "kim")].find((f) => f.kind === "fact")!

  it("Render.date / Render.fact / Render.factSentence", () => {
    expect(Render.date(Date.UTC(2021, 0, 1))).toBe("2021-01-01")
    expect(Render.date(FAR)).toBe("year ≈3170844")
    expect(Render.date(Date.UTC(12000, 0, 1))).toBe("year 12000")
    expect(Render.date(Number.NaN)).toBe("no date")
    expect(Render.fact(g, fact)).toContain("[from year ≈3170844]")
    expect(Render.factSentence(g, fact)).toContain("(since year ≈3170844)")
  })

  it("history lines and the prompt's fact lines", () => {
    expect(History.lines(g, "Kim")!.join("\n")).toContain("year ≈3170844")
    const recalled = { fact, score: 1, path: { anchor: "kim", nodes: ["kim", "paris"], edges: [fact.id], weight: 1 } }
    expect(Prompt.renderFact(g, recalled)).toContain("[until year ≈3170844]")
  })
})

describe("mags ingest: bad dates (child process)", () => {
  let dir: string
  let env: Record<string, string>
  beforeAll(() => {
    dir = tempDir()
    env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
    NodeFs.writeFileSync(NodePath.join(dir, "ok.txt"), "Mira lives in Lumen.\n")
    expect(mags(["ingest", NodePath.join(dir, "ok.txt")], env).code).toBe(0)
  })
  afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

  it("a far validFrom or time → exit 7, one line, nothing stored; recall and history still run", () => {
    const before = dbState(env.MAGS_HOME!)!
    for (const [name, body] of [
      ["far.jsonl", `{"subject":"Kim","relation":"lives in","object":"Paris"}\n{"subject":"Kim","relation":"lives in","object":"Rome","validFrom":${FAR}}\n`],
      ["time.jsonl", `{"role":"user","content":"I live in Rome.","name":"Kim","time":-${FAR}}\n`]
    ] as const) {
      NodeFs.writeFileSync(NodePath.join(dir, name), body)
      const r = mags(["ingest", NodePath.join(dir, name)], env)
      expect(r.code, r.stderr).toBe(exitCodes.BadInput)
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
      expect(r.stderr).toMatch(/more than 10,000 years from 1970/)
      expect(dbState(env.MAGS_HOME!)).toEqual(before)
    }
    expect(mags(["recall", "Mira", "--no-record"], env).code).toBe(0)
    expect(mags(["history", "Mira"], env).code).toBe(0)
  })
})
