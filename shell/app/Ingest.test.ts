/**
 * Ingest.
 * - Reading: the streamed reader (`Ingest.splitter`, `Ingest.read`) gives the items of the
 *   whole-file reader (`Input.ts`) for any cut of the bytes into chunks, and refuses what it
 *   refuses.
 * - Idempotence (in process, in-memory store, rule extractor, test embedder): ingesting again
 *   commits nothing; a run resumed after stopping part-way ends with the memory of an
 *   uninterrupted run, sequence links included; a sentence repeated in a file is learned twice;
 *   a forgotten episode or fact is not learned again; triples are skipped by their tagged
 *   provenance.
 * - `mags ingest` end to end (child processes, test embedder): every sentence and message is
 *   stored as an episode whether or not a fact is read from it; messages keep who said them and
 *   when; text in Chinese, Russian and Arabic is found by `mags recall` in its own script; the
 *   episodes of one file form a sequence (each follows the one before it), which replay
 *   rebuilds; running the same ingest again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { Clock, Effect, Layer, Result, Stream } from "effect"
import fc from "fast-check"
import * as Event from "../../core/Event.ts"
import * as Fact from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor } from "../extract/Extractor.ts"
import { type Memory, MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import * as Ingest from "./Ingest.ts"
import * as Input from "./Input.ts"
import { mags, ROOT, tempDir } from "../cli/testing.ts"

interface ExportedNode {
  readonly id: string
  readonly kind: string
  readonly text?: string | null
  readonly time?: number | null
}

let dir: string
let env: Record<string, string>

const episodes = (): Array<ExportedNode> => {
  const r = mags(["export", "--format", "json"], env)
  expect(r.code, r.stderr).toBe(0)
  const snap = JSON.parse(r.stdout) as { graph: { nodes: Array<ExportedNode> } }
  return snap.graph.nodes.filter((n) => n.kind === "episode")
}

const SCRIPTS = [
  "我的妹妹住在上海，她是医生。",
  "Моя сестра живёт в Новосибирске и работает врачом.",
  "أختي تعيش في الإسكندرية وتعمل طبيبة."
]

beforeAll(() => {
  dir = tempDir()
  env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "scripts.txt"), SCRIPTS.join("\n") + "\nHmm.\n")
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("mags ingest", () => {
  it("every sentence and message is an episode, facts or not; messages keep speaker and time", () => {
    const diary = NodePath.join(ROOT, "examples", "demo", "diary.txt")
    const chat = NodePath.join(ROOT, "examples", "demo", "chat.jsonl")
    const r = mags(["ingest", "--speaker", "Kim", diary, chat, NodePath.join(dir, "scripts.txt")], env)
    expect(r.code, r.stderr).toBe(0)
    const diaryLines = NodeFs.readFileSync(diary, "utf8").split("\n").filter((l) => l.trim() !== "")
    const chatLines = NodeFs.readFileSync(chat, "utf8").split("\n").filter((l) => l.trim() !== "")
    const eps = episodes()
    expect(eps.length).toBe(diaryLines.length + chatLines.length + SCRIPTS.length + 1)
    const texts = eps.map((e) => e.text)
    for (const line of [...diaryLines, ...SCRIPTS, "Hmm."]) expect(texts).toContain(line)
    const byText = (t: string) => eps.find((e) => e.text === t)
    expect(byText("Kim: He works at Baltic Games in Gdynia.")?.time).toBe(Date.UTC(2024, 4, 10))
    expect(byText("Ola: I am Kim's sister. My husband Marek got a new car yesterday.")?.time).toBe(Date.UTC(2024, 5, 1, 16, 30))
    expect(byText("Assistant: Congratulations to him! Where does he work now?")?.time).toBeNull()

    // the same ingest again adds nothing: every item is already in memory
    const again = mags(["ingest", "--speaker", "Kim", diary, chat, NodePath.join(dir, "scripts.txt")], env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toMatch(new RegExp(`\\(${eps.length} already in memory, skipped\\): 0 facts, 0 superseded, 0 events`))
    expect(episodes().length).toBe(eps.length)
  })

  it("recall finds Chinese, Russian and Arabic episodes by a query in that script", () => {
    for (const [query, text] of [["上海", SCRIPTS[0]!], ["Где живёт сестра?", SCRIPTS[1]!], ["الإسكندرية", SCRIPTS[2]!]] as const) {
      const r = mags(["recall", query, "--no-record"], env)
      expect(r.code, r.stderr).toBe(0)
      const first = r.stdout.split("\n").find((l) => l.startsWith("episode "))
      expect(first, r.stdout).toContain(text.slice(0, 12))
    }
  })
})

describe("mags ingest: one file is one conversation", () => {
  it("each episode follows the previous one of the same file (sequence link), none across files; replay rebuilds the links", () => {
    const home = tempDir()
    try {
      const env2 = { MAGS_HOME: NodePath.join(home, "home"), MAGS_EMBEDDINGS: "test" }
      const a = NodePath.join(home, "a.txt")
      const b = NodePath.join(home, "b.jsonl")
      NodeFs.writeFileSync(a, "Ola moved to Gdansk.\nShe found a flat near the sea.\nThe rent is high.\n")
      NodeFs.writeFileSync(b, [
        JSON.stringify({ role: "user", content: "Marek bought a bike.", name: "Kim" }),
        JSON.stringify({ subject: "Marek", relation: "lives_in", object: "Sopot" }),
        JSON.stringify({ role: "assistant", content: "Nice, which one?" })
      ].join("\n") + "\n")
      const r = mags(["ingest", a, b], env2)
      expect(r.code, r.stderr).toBe(0)
      const exported = mags(["export", "--format", "json"], env2)
      expect(exported.code, exported.stderr).toBe(0)
      const snap = JSON.parse(exported.stdout) as {
        graph: { nodes: Array<ExportedNode>; edges: Array<{ id: string; relation: string }> }
      }
      const id = (text: string) => snap.graph.nodes.find((n) => n.kind === "episode" && n.text === text)!.id
      const [e1, e2, e3] = ["Ola moved to Gdansk.", "She found a flat near the sea.", "The rent is high."].map(id)
      const [m1, m2] = ["Kim: Marek bought a bike.", "Assistant: Nice, which one?"].map(id)
      const sequence = snap.graph.edges.filter((e) => e.relation === Fact.FOLLOWS).map((e) => e.id).sort()
      // episode 2 follows episode 1, 3 follows 2; the chat's second message follows its first
      // across the triple line; the chat's first message follows nothing of the text file
      expect(sequence).toEqual([Fact.sequenceId(e2!, e1!), Fact.sequenceId(e3!, e2!), Fact.sequenceId(m2!, m1!)].sort())

      // replay (no extractor, no embedder) rebuilds the same links from the journal
      const verify = mags(["replay", "--verify"], env2)
      expect(verify.code, verify.stdout + verify.stderr).toBe(0)
      const events = mags(["replay", "--events"], env2)
      expect(events.code, events.stderr).toBe(0)
      const lines = events.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as unknown)
      const replayed = Replay.replay(lines)
      expect(Result.isSuccess(replayed)).toBe(true)
      if (Result.isSuccess(replayed)) {
        const g = replayed.success.graph
        const edge = LiquidGraph.edge(g, Fact.sequenceId(e2!, e1!))
        expect(edge?.subject).toBe(e2)
        expect(edge?.object).toBe(e1)
        for (const s of sequence) expect(LiquidGraph.hasEdge(g, s), s).toBe(true)
      }
    } finally {
      NodeFs.rmSync(home, { recursive: true, force: true })
    }
  })
})

// ── reading ───────────────────────────────────────────────────────────────────

const enc = new TextEncoder()

/** The items of `bytes` pushed through a splitter in pieces cut at `cuts` (byte offsets). */
const splitAll = (
  file: string,
  format: "text" | "jsonl",
  bytes: Uint8Array,
  cuts: ReadonlyArray<number>,
  longLine: number
): Result.Result<Array<Input.Item>, string> => {
  const s = Ingest.splitter(file, format, null, longLine)
  const out: Array<Input.Item> = []
  let from = 0
  for (const at of [...cuts.map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b), bytes.length]) {
    const r = s.push(bytes.subarray(from, at))
    if (Result.isFailure(r)) return Result.fail(r.failure.message)
    out.push(...r.success)
    from = at
  }
  const r = s.end()
  if (Result.isFailure(r)) return Result.fail(r.failure.message)
  out.push(...r.success)
  return Result.succeed(out)
}

/** The line each sentence starts on, found left to right. */
const linesOf = (text: string, ss: ReadonlyArray<string>): Array<number> => {
  let from = 0
  return ss.map((s) => {
    const at = text.indexOf(s, from)
    from = at + s.length
    return text.slice(0, at).split("\n").length
  })
}

const textPiece = fc.constantFrom(
  "Mira", "lives", "in", "Lumen", " ", " ", " ", ".", ". ", "?", "!", "\n", "\n", "\r\n", "Dr. ", "e.g. ", "3.5", "U. S",
  "我的妹妹", "。", "Ж", "😀", "..."
)
const arbText = fc.array(textPiece, { maxLength: 60 }).map((xs) => xs.join(""))
const arbCuts = fc.array(fc.nat({ max: 400 }), { maxLength: 8 })

describe("Ingest.splitter: streamed reading == whole-file reading", () => {
  it("text: for any cut of the bytes into chunks (inside a UTF-8 character too) and any long-line bound, the sentences and their lines are those of the whole text", () => {
    fc.assert(fc.property(arbText, arbCuts, fc.integer({ min: 1, max: 50 }), (text, cuts, longLine) => {
      const streamed = splitAll("t.txt", "text", enc.encode(text), cuts, longLine)
      expect(Result.isSuccess(streamed)).toBe(true)
      if (Result.isFailure(streamed)) return
      const whole = Input.parseText("t.txt", text).map((i) => (i as Input.Sentence).text)
      expect(streamed.success.map((i) => (i as Input.Sentence).text)).toEqual(whole)
      expect(streamed.success.map((i) => i.origin)).toEqual(linesOf(text, whole).map((l) => `t.txt:${l}`))
    }), { numRuns: 400 })
  })

  it("jsonl: for any cut of the bytes into chunks, the items, origins and errors are those of Input.parseJsonl", () => {
    const line = fc.constantFrom(
      JSON.stringify({ role: "user", content: "Marek bought a bike.", name: "Kim" }),
      JSON.stringify({ role: "assistant", content: "Nice — which one? 😀" }),
      JSON.stringify({ subject: "Marek", relation: "lives_in", object: "Sopot", validFrom: "2021" }),
      "",
      "   ",
      "{\"subject\":\"x\"",
      "{\"role\":\"user\",\"content\":\"hi\",\"time\":\"not a date\"}"
    )
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), arbCuts, (lines, cuts) => {
      const text = lines.join("\n")
      const file = "d/c (1)+$[x].jsonl" // regex metacharacters in the name
      const streamed = splitAll(file, "jsonl", enc.encode(text), cuts, 10)
      const whole = Input.parseJsonl(file, text)
      if (Result.isFailure(whole)) {
        expect(streamed).toEqual(Result.fail(whole.failure.message))
      } else {
        expect(streamed).toEqual(Result.succeed(whole.success))
      }
    }), { numRuns: 300 })
  })

  it("invalid UTF-8 is refused wherever the chunks are cut; a lone sentence over the input limit is refused without holding more", () => {
    const bytes = Uint8Array.from([0x4d, 0x69, 0x72, 0x61, 0x2e, 0x0a, 0xe6, 0x88, 0x0a])
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(splitAll("b.txt", "text", bytes, [cut], 4)).toEqual(Result.fail("b.txt is not valid UTF-8"))
    }
    const huge = enc.encode("word ".repeat(400_000) + "end.\n")
    const r = splitAll("h.txt", "text", huge, Array.from({ length: 40 }, (_, k) => k * 65_536), 100_000)
    expect(Result.isFailure(r) && r.failure).toMatch(/^h\.txt:1: a sentence of more than 1048576 bytes/)
  })
})

describe("Ingest.read: files as streams", () => {
  it("equals Input.readAll on text and JSONL files with tiny chunks; a missing file is BadInput", async () => {
    const dir = tempDir()
    try {
      const diary = NodePath.join(ROOT, "examples", "demo", "diary.txt")
      const chat = NodePath.join(ROOT, "examples", "demo", "chat.jsonl")
      const options = { format: "auto" as const, speaker: "Kim" }
      const whole = await Effect.runPromise(Input.readAll([diary, chat], options))
      const streamed = await Effect.runPromise(Stream.runCollect(Ingest.read([diary, chat], { ...options, chunkBytes: 7 })))
      expect(Array.from(streamed)).toEqual(whole)
      const missing = await Effect.runPromise(Effect.flip(Stream.runCollect(Ingest.read([NodePath.join(dir, "nope.txt")], options))))
      expect(missing.kind).toBe("BadInput")
      expect(missing.message).toMatch(/cannot read .*nope\.txt/)
    } finally {
      NodeFs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

// ── idempotence ───────────────────────────────────────────────────────────────

const services = Layer.mergeAll(Embedder.layerTest, Extractor.layerRules, MemoryStore.layerMemory)

/** Runs `f` on a fresh in-memory memory. */
const onMemory = <A>(f: (m: Memory) => Effect.Effect<A, unknown, Embedder | Extractor>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(MemoryStore.use((s) => s.open(MemoryId.fromParts({ user: "u" }))), f)).pipe(
      Effect.provide(services)
    ) as Effect.Effect<A, unknown>
  )

const sentence = (file: string, text: string): Input.Item => ({ _tag: "Sentence", text, file, origin: `${file}:1`, speaker: "Kim" })
const message = (file: string, content: string): Input.Item => ({
  _tag: "Message", role: "user", content, file, origin: `${file}:1`, speaker: "Ola", time: Date.UTC(2024, 5, 1)
})
const triple = (subject: string, relation: string, object: string): Input.Item => ({
  _tag: "Triple", origin: "t.jsonl:1", fact: { subject, relation, object, source: "ingest:t.jsonl" }
})

const ITEMS: ReadonlyArray<Input.Item> = [
  sentence("a.txt", "Ola moved to Gdansk."),
  sentence("a.txt", "She found a flat near the sea."),
  sentence("a.txt", "The rent is high."),
  sentence("a.txt", "Ola works at Baltic Games."),
  sentence("a.txt", "The rent is high."),
  sentence("a.txt", "She likes it there."),
  message("b.jsonl", "Marek bought a bike."),
  triple("Marek", "lives_in", "Sopot"),
  message("b.jsonl", "He rides it to work."),
  triple("Marek", "lives_in", "Gdynia"),
  triple("Marek", "lives_in", "Sopot")
]

/** What a memory holds, times and weights aside. */
const shape = (g: LiquidGraph.LiquidGraph) => ({
  nodes: LiquidGraph.nodes(g).map((n) => `${n.id} ${n.kind} ${n.text ?? n.label}`).sort(),
  edges: LiquidGraph.edges(g).map((e) => `${e.id} ${e.subject} ${e.relation} ${e.object} ${e.supersededBy ?? "-"}`).sort()
})

describe("Ingest.ingest: idempotent and resumable", () => {
  it("ingesting the same items again commits nothing: every item skipped, the same content hash and seq", async () => {
    const [first, second] = await onMemory((m) =>
      Effect.gen(function*() {
        const a = yield* Ingest.ingest(m, ITEMS, { batch: 4 })
        const b = yield* Ingest.ingest(m, ITEMS, { batch: 3 })
        return [a, b] as const
      }))
    expect(first.skipped).toBe(0)
    expect(first.events).toBeGreaterThan(ITEMS.length)
    expect(second).toMatchObject({ items: ITEMS.length, skipped: ITEMS.length, events: 0, facts: 0 })
    expect(second.state.seq).toBe(first.state.seq)
    expect(LiquidGraph.contentHash(second.state.graph)).toBe(LiquidGraph.contentHash(first.state.graph))
  })

  it("a run stopped after any number of items, then run again in full, ends with the memory of an uninterrupted run (sequence links included)", async () => {
    const whole = await onMemory((m) => Ingest.ingest(m, ITEMS, { batch: 4 }))
    for (let k = 0; k <= ITEMS.length; k++) {
      const resumed = await onMemory((m) =>
        Effect.gen(function*() {
          yield* Ingest.ingest(m, ITEMS.slice(0, k), { batch: 4 })
          return yield* Ingest.ingest(m, ITEMS, { batch: 4 })
        }))
      expect(resumed.skipped, `stopped after ${k}`).toBe(k)
      expect(shape(resumed.state.graph), `stopped after ${k}`).toEqual(shape(whole.state.graph))
    }
    const sequence = LiquidGraph.edges(whole.state.graph).filter((e) => e.relation === Fact.FOLLOWS)
    expect(sequence).toHaveLength(6) // a.txt: 6 sentences → 5 links; b.jsonl: 2 messages → 1
  })

  it("with a clock that does not move (every item learned within one tick), a resumed run learns in the order an uninterrupted run does: the same graph (which fact superseded which included)", async () => {
    // the worst case of items learned faster than the clock ticks: each run's times run ahead of
    // the clock, and a run right after another must continue after the journal's last event
    const frozen: Clock.Clock = {
      currentTimeMillisUnsafe: () => 1_000,
      currentTimeMillis: Effect.succeed(1_000),
      monotonicTimeNanosUnsafe: () => 1_000_000_000n,
      monotonicTimeNanos: Effect.succeed(1_000_000_000n),
      currentTimeNanosUnsafe: () => 1_000_000_000n,
      currentTimeNanos: Effect.succeed(1_000_000_000n),
      sleep: () => Effect.void
    }
    const whole = await onMemory((m) => Effect.provideService(Ingest.ingest(m, ITEMS, { batch: 4 }), Clock.Clock, frozen))
    for (let k = 0; k <= ITEMS.length; k++) {
      const resumed = await onMemory((m) =>
        Effect.gen(function*() {
          yield* Ingest.ingest(m, ITEMS.slice(0, k), { batch: 4 })
          return yield* Ingest.ingest(m, ITEMS, { batch: 4 })
        }).pipe(Effect.provideService(Clock.Clock, frozen)))
      expect(resumed.skipped, `stopped after ${k}`).toBe(k)
      expect(shape(resumed.state.graph), `stopped after ${k}`).toEqual(shape(whole.state.graph))
    }
  })

  it("a run that crashes mid-stream (the embedder dies at its 3rd batch) keeps its first batches; the same run again completes it as if uninterrupted", async () => {
    const dir = tempDir()
    try {
      const file = NodePath.join(dir, "diary.txt")
      NodeFs.copyFileSync(NodePath.join(ROOT, "examples", "demo", "diary.txt"), file)
      const read = () => Ingest.read([file], { format: "text", speaker: "Kim", chunkBytes: 64 })
      const whole = await onMemory((m) => Ingest.ingest(m, read(), { batch: 3 }))
      let calls = 0
      const dying = Layer.effect(Embedder, Effect.gen(function*() {
        const e = yield* Embedder
        return { ...e, embedMany: (texts: ReadonlyArray<string>) => (++calls === 3 ? Effect.die("killed") : e.embedMany(texts)) }
      })).pipe(Layer.provide(Embedder.layerTest))
      const resumed = await onMemory((m) =>
        Effect.gen(function*() {
          const crashed = yield* Effect.exit(Effect.provide(Ingest.ingest(m, read(), { batch: 3 }), dying))
          expect(crashed._tag).toBe("Failure")
          const kept = (yield* m.state).graph
          expect(LiquidGraph.nodes(kept).filter((n) => n.kind === "episode")).toHaveLength(6)
          return yield* Ingest.ingest(m, read(), { batch: 3 })
        }))
      expect(resumed.skipped).toBe(6)
      expect(shape(resumed.state.graph)).toEqual(shape(whole.state.graph))
    } finally {
      NodeFs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a sentence repeated in a file is learned as often as it is written; the same sentence in another file is another item", async () => {
    const items = [sentence("a.txt", "The rent is high."), sentence("a.txt", "The rent is high."), sentence("c.txt", "The rent is high.")]
    const out = await onMemory((m) => Ingest.ingest(m, items))
    const episodes = LiquidGraph.nodes(out.state.graph).filter((n) => n.kind === "episode")
    expect(episodes.map((e) => e.text)).toEqual(["The rent is high.", "The rent is high.", "The rent is high."])
    expect(new Set(episodes.map((e) => e.id)).size).toBe(3)
  })

  it("a forgotten episode is not learned again by ingesting its file again; a forgotten triple's fact neither", async () => {
    const out = await onMemory((m) =>
      Effect.gen(function*() {
        const first = yield* Ingest.ingest(m, ITEMS)
        const g = first.state.graph
        const ep = LiquidGraph.nodes(g).find((n) => n.kind === "episode" && n.text === "Ola works at Baltic Games.")!
        const fact = LiquidGraph.edges(g).find((e) => e.kind === "fact" && e.provenance.some((p) => p.startsWith("ingest:t.jsonl [item")))!
        yield* m.commit([
          new Event.Forgotten({ now: Date.now(), input: { _tag: "episode", id: ep.id.slice("ep:".length) } }),
          new Event.Forgotten({ now: Date.now(), input: { _tag: "fact", id: fact.id } })
        ])
        const again = yield* Ingest.ingest(m, ITEMS)
        return { again, ep: ep.id, fact: fact.id }
      }))
    expect(out.again).toMatchObject({ skipped: ITEMS.length, events: 0 })
    expect(LiquidGraph.anyNode(out.again.state.graph, out.ep)).toBeUndefined()
    expect(LiquidGraph.isForgotten(out.again.state.graph, out.fact)).toBe(true)
  })

  it("triples carry their item id in their source; a triple stated twice reinforces its fact twice, and a re-run adds nothing", async () => {
    const items = [triple("Kim", "lives_in", "Oslo"), triple("Kim", "lives_in", "Oslo")]
    const out = await onMemory((m) =>
      Effect.gen(function*() {
        const first = yield* Ingest.ingest(m, items)
        const again = yield* Ingest.ingest(m, items)
        return { first, again }
      }))
    expect(out.first).toMatchObject({ skipped: 0, facts: 2 })
    const fact = LiquidGraph.edges(out.first.state.graph).find((e) => e.kind === "fact")!
    expect(fact.provenance).toEqual([
      Ingest.taggedSource("ingest:t.jsonl", Ingest.itemId(Ingest.contentKey(items[0]!), 1)),
      Ingest.taggedSource("ingest:t.jsonl", Ingest.itemId(Ingest.contentKey(items[0]!), 2))
    ])
    expect(out.again).toMatchObject({ skipped: 2, events: 0 })
  })
})
