/**
 * Unit tests of the CLI's pure pieces: configuration precedence, the progress line, the sentence
 * template, the template model's reading of a real prompt, JSONL decoding, the export shapes.
 */
import { describe, expect, it } from "vitest"
import { Redacted, Result } from "effect"
import * as Engram from "../../core/Engram.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Recall from "../../core/Recall.ts"
import * as Reconcile from "../../core/Reconcile.ts"
import * as Replay from "../../core/Replay.ts"
import * as Config from "../app/Config.ts"
import * as Export from "../app/Export.ts"
import * as Input from "../app/Input.ts"
import * as Progress from "./Progress.ts"
import * as Render from "../app/Render.ts"
import * as TemplateModel from "../app/TemplateModel.ts"

describe("Config.resolve", () => {
  it("flags over environment over defaults", () => {
    const d = Result.getOrThrow(Config.resolve({}, {}, "/home/me"))
    expect(d.home).toBe("/home/me/.mags")
    expect([d.user, d.agent, d.session]).toEqual(["default", "default", "default"])
    expect(d.model._tag).toBe("None")
    expect(d.embeddings).toEqual({ _tag: "Glove", cacheDir: "/home/me/.cache/mags" })
    // one GloVe cache per user: another memory home does not move it
    const h = Result.getOrThrow(Config.resolve({ home: "/elsewhere" }, { MAGS_HOME: "/m" }, "/home/me"))
    expect(h.embeddings).toEqual({ _tag: "Glove", cacheDir: "/home/me/.cache/mags" })
    const e = Result.getOrThrow(Config.resolve({}, { MAGS_HOME: "/env", MAGS_USER: "ann", MAGS_EMBEDDINGS: "test" }, "/home/me"))
    expect([e.home, e.user, e.embeddings._tag]).toEqual(["/env", "ann", "Test"])
    const f = Result.getOrThrow(Config.resolve({ home: "/flag", user: "bob" }, { MAGS_HOME: "/env", MAGS_USER: "ann" }, "/home/me"))
    expect([f.home, f.user]).toEqual(["/flag", "bob"])
    const empty = Result.getOrThrow(Config.resolve({ home: "" }, { MAGS_HOME: "" }, "/home/me"))
    expect(empty.home).toBe("/home/me/.mags")
  })

  it("models: GGUF, OpenAI-compatible (key redacted), both is a usage error", () => {
    const l = Result.getOrThrow(Config.resolve({}, { MAGS_MODEL: "~/m.gguf", MAGS_THREADS: "1" }, "/home/me"))
    expect(l.model).toEqual({ _tag: "Llama", modelPath: "/home/me/m.gguf", threads: 1 })
    const o = Result.getOrThrow(Config.resolve({}, { MAGS_OPENAI_MODEL: "gpt", MAGS_OPENAI_API_KEY: "sk-1" }, "/h"))
    expect(o.model._tag).toBe("OpenAi")
    if (o.model._tag === "OpenAi") {
      expect(o.model.endpoint.baseUrl).toBe(Config.DEFAULT_OPENAI_BASE_URL)
      expect(Redacted.value(o.model.endpoint.apiKey!)).toBe("sk-1")
      expect(String(o.model.endpoint.apiKey)).not.toContain("sk-1")
    }
    const both = Config.resolve({ model: "m.gguf" }, { MAGS_OPENAI_MODEL: "gpt" }, "/h")
    expect(Result.isFailure(both) && both.failure.kind).toBe("Usage")
    const threads = Config.resolve({ threads: "0" }, {}, "/h")
    expect(Result.isFailure(threads) && threads.failure.kind).toBe("Usage")
  })
})

describe("Progress.render", () => {
  it("bar, rate and ETA", () => {
    expect(Progress.render("ingest", "items", { done: 50, total: 100, elapsedMs: 2000 })).toBe(
      "ingest [██████████░░░░░░░░░░]  50% 50/100 items · 25.0/s · ETA 2s"
    )
    expect(Progress.render("ingest", "items", { done: 100, total: 100, elapsedMs: 4000 })).toMatch(/100% 100\/100 items · 25\.0\/s · done$/)
    expect(Progress.render("x", "items", { done: 0, total: 10, elapsedMs: 0 })).toMatch(/ETA \?$/)
    expect(Progress.duration(125)).toBe("2m05s")
  })
})

describe("Render.sentence", () => {
  it("reads the display phrase as told, never an invented inflection", () => {
    expect(Render.sentence("Mira", "lives in", "Vell", false, null)).toBe("Mira lives in Vell.")
    expect(Render.sentence("Carol", "is a", "doctor", false, null)).toBe("Carol is a doctor.")
    expect(Render.sentence("Kim", "is married to", "Lee", true, null)).toBe("Kim is not married to Lee.")
    expect(Render.sentence("Tobin", "likes", "storms", true, null)).toBe("Tobin does not like storms.")
    expect(Render.sentence("Oona", "was born in", "Vell", false, null, Date.UTC(1990, 0, 1))).toBe("Oona was born in Vell (since 1990).")
    expect(Render.sentence("bakery", "sells", "bread", false, Date.UTC(2024, 2, 5))).toBe("Bakery sells bread (until 2024-03-05).")
  })

  it("factSentence uses the fact's phrase or its relation's display: no 'liveses' (regression)", () => {
    const p = Params.defaults
    const g = Engram.engram(Replay.initial().graph, {
      facts: [
        { subject: "Kim", relation: "lives_in", object: "Paris" },
        { subject: "Ola", relation: "moved to", object: "Sopot" },
        { subject: "Ola", relation: "husband", object: "Marek" }
      ]
    }, p, 1000).graph
    const sentences = LiquidGraph.edges(g).filter((e) => e.kind === "fact").map((f) => Render.factSentence(g, f)).sort()
    expect(sentences).toEqual(["Marek is married to Ola.", "Kim lives in Paris.", "Ola moved to Sopot."].sort())
    for (const s of sentences) expect(s).not.toMatch(/liveses|moveds|lives_in/)
  })
})

describe("TemplateModel", () => {
  const p = Params.defaults
  let g = Engram.engram(Replay.initial().graph, {
    facts: [
      { subject: "Kim", relation: "lives in", object: "Paris" },
      { subject: "Kim", relation: "works for", object: "Acme" },
      { subject: "Kim", relation: "is married to", object: "Lee" },
      { subject: "Ola", relation: "husband", object: "Marek" },
      { subject: "Kim", relation: "likes", object: "jazz" },
      { subject: "Tobin", relation: "lives in", object: "Vell" }
    ]
  }, p, 1000).graph
  const ask = (q: string) => {
    const r = Recall.recall(g, { text: q }, p, 2000)
    return TemplateModel.template(r.graph, q, r.result.facts)
  }

  it("questionRelations maps the question's verb or noun to canonical relations", () => {
    expect(TemplateModel.questionRelations("Where does Kim live?").has("lives_in")).toBe(true)
    expect(TemplateModel.questionRelations("Where does Kim work?").has("works_at")).toBe(true)
    expect(TemplateModel.questionRelations("Who does Kim work for?").has("works_at")).toBe(true)
    expect(TemplateModel.questionRelations("Who is Kim married to?").has("spouse_of")).toBe(true)
    expect(TemplateModel.questionRelations("Who is Ola's husband?").has("spouse_of")).toBe(true)
    expect(TemplateModel.questionRelations("Where does Kim live?").has("works_at")).toBe(false)
    expect(TemplateModel.questionRelations("Who is Jan married to?").has("is")).toBe(false)
  })

  it("answers only with facts of the question's entity and relation family", () => {
    expect(ask("Where does Kim live?")).toBe("Kim lives in Paris.")
    expect(ask("Where does Kim work?")).toBe("Kim works for Acme.")
    expect(ask("Who does Kim work for?")).toBe("Kim works for Acme.")
    expect(ask("Who is Kim married to?")).toBe("Kim is married to Lee.")
    expect(ask("Who is Ola's husband?")).toBe("Marek is married to Ola.")
    expect(ask("Where does Tobin live?")).toBe("Tobin lives in Vell.")
  })

  it("don't know: an irrelevant question, an unknown entity, a relation memory does not hold", () => {
    expect(ask("What is the capital of France?")).toBe(TemplateModel.NOTHING)
    expect(ask("Where does Zed live?")).toBe(TemplateModel.NOTHING)
    expect(ask("How old is Kim?")).toBe(TemplateModel.NOTHING)
    expect(TemplateModel.template(g, "Where does Kim live?", [])).toBe(TemplateModel.NOTHING)
  })

  it("a superseded fact is not presented as current; an ended one is said with its end", () => {
    g = Engram.engram(g, { facts: [{ subject: "Kim", relation: "moved to", object: "Rome" }] }, p, 3000).graph
    g = Reconcile.reconcile(g, { facts: LiquidGraph.edges(g).filter((e) => e.kind === "fact" && e.object === "rome").map((e) => e.id) }, p, 3000).graph
    expect(ask("Where does Kim live?")).toBe("Kim moved to Rome.")
    const paris = LiquidGraph.edges(g).find((e) => e.kind === "fact" && e.object === "paris")!
    const ended = { fact: { ...paris, validUntil: Date.UTC(2020, 0, 1) }, score: 1, path: { anchor: "kim", nodes: ["kim"], edges: [], weight: 1 } }
    expect(TemplateModel.template(g, "Where did Kim live?", [ended])).toBe("Kim lives in Paris (until 2020).")
  })
})

describe("Input", () => {
  it("JSONL: messages and triples, dates, errors with line numbers", () => {
    const ok = Result.getOrThrow(Input.parseJsonl("f.jsonl", '{"role":"user","content":"hi"}\n\n{"subject":"a","relation":"r","object":"b","validFrom":"2021-03"}\n'))
    expect(ok.map((i) => i._tag)).toEqual(["Message", "Triple"])
    const t = ok[1]!
    expect(t._tag === "Triple" && t.fact.validFrom).toBe(Date.UTC(2021, 2, 1))
    expect(t.origin).toBe("f.jsonl:3")
    const bad = Input.parseJsonl("f.jsonl", '{"role":"user","content":"hi"}\n{"subject":"a"}\n')
    expect(Result.isFailure(bad) && bad.failure.message).toMatch(/^f\.jsonl:2: neither a message/)
    const date = Input.parseJsonl("f.jsonl", '{"subject":"a","relation":"r","object":"b","validFrom":"soon"}')
    expect(Result.isFailure(date) && date.failure.kind).toBe("BadInput")
  })

  it("text: sentences with the line they start on", () => {
    const items = Input.parseText("t.txt", "Mira lives in Lumen. Tobin works here.\n\nMira lives in Vell.\n")
    expect(items.map((i) => i.origin)).toEqual(["t.txt:1", "t.txt:1", "t.txt:3"])
  })
})

describe("Export", () => {
  const p = Params.defaults
  const g1 = Engram.engram(Replay.initial().graph, { facts: [{ subject: "A \"x\"", relation: "r", object: "B|y" }] }, p, 1).graph
  it("dot: escaped labels, one edge line per fact", () => {
    const dot = Export.dot(g1)
    // nodes are numbered in id (normalised key) order
    expect(dot).toBe('digraph mags {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  n0 [label="B|y"];\n  n1 [label="A \\"x\\""];\n  n1 -> n0 [label="r"];\n}\n')
  })
  it("mermaid: escaped labels, one edge line per fact", () => {
    expect(Export.mermaid(g1)).toBe('graph LR\n  n0["B#124;y"]\n  n1["A #quot;x#quot;"]\n  n1 -->|"r"| n0\n')
  })
})
