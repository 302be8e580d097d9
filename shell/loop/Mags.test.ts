/**
 * Tests of the MAGS loop: a full conversation with a scripted model, the test embedder, the test
 * extractor and an in-memory memory; bounded rounds; tool calls; atomic turns; determinism and
 * replay without a model.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Random, Result } from "effect"
import { TestClock } from "effect/testing"
import * as Event from "../../core/Event.ts"
import * as Fact from "../../core/Fact.ts"
import * as Node from "../../core/Node.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Promote from "../../core/Promote.ts"
import * as Recall from "../../core/Recall.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor, type TestTable } from "../extract/Extractor.ts"
import { ActiveMemory } from "./ActiveMemory.ts"
import { Mags, type Options } from "./Mags.ts"
import { AskModel, WriteModel } from "./PathModels.ts"
import { Router } from "./Router.ts"
import * as Testing from "./testing.ts"

const T0 = Date.UTC(2025, 0, 1)

const extractions: TestTable = {
  "Alice lives in Paris.": [{
    subject: "Alice", relation: "lives_in", object: "Paris", negated: false, validFrom: null, confidence: 0.8,
    span: { start: 0, end: 21 }
  }],
  "Bob works at Acme. Where does Alice live?": [{
    subject: "Bob", relation: "work_at", object: "Acme", negated: false, validFrom: null, confidence: 0.8,
    span: { start: 0, end: 18 }
  }]
}

/** The recorded conversation: user turns, and the outputs of the write and ask models in order. */
const turns = ["Alice lives in Paris.", "Where does Alice live?", "Bob works at Acme. Where does Alice live?"]
const writeOutputs: ReadonlyArray<Testing.Recorded> = [
  "Noted. <engram>Alice | likes | cheese</engram>"
]
const askOutputs: ReadonlyArray<Testing.Recorded> = [
  "Let me check. <recall>Paris</recall>", // turn 2, round 1
  "Alice lives in Paris.", // turn 2, round 2
  "She lives in Paris. <engram>{\"subject\":\"Bob\",\"relation\":\"knows\",\"object\":\"Alice\"}</engram> <recall>oops" // turn 3
]

interface World {
  readonly memory: Testing.InMemory
  readonly ask: Testing.Scripted
  readonly write: Testing.Scripted
  readonly mags: Layer.Layer<Mags>
}

const world = (
  ask: ReadonlyArray<Testing.Recorded>,
  write: ReadonlyArray<Testing.Recorded>,
  options: Options = {},
  params?: Params.Params
) =>
  Effect.gen(function*() {
    const memory = yield* Testing.makeInMemory(params)
    const askModel = yield* Testing.makeScripted(ask)
    const writeModel = yield* Testing.makeScripted(write)
    const mags = Mags.layer(options).pipe(
      Layer.provide(Layer.succeed(ActiveMemory, memory)),
      Layer.provide(Layer.succeed(AskModel, askModel.model)),
      Layer.provide(Layer.succeed(WriteModel, writeModel.model)),
      Layer.provide(Router.layerRules),
      Layer.provide(Embedder.layerTest),
      Layer.provide(Extractor.layerTest(extractions))
    )
    return { memory, ask: askModel, write: writeModel, mags } satisfies World
  })

/** Runs the recorded conversation, one minute between turns; returns the turn results. */
const converse = (w: World) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const mags = yield* Mags
    const out = []
    for (const text of turns) {
      out.push(yield* mags.turn(text))
      yield* TestClock.adjust("1 minute")
    }
    return out
  }).pipe(Effect.provide(w.mags))

const json = (events: ReadonlyArray<Event.Event>) => JSON.stringify(events.map(Event.encode))

describe("Mags.turn", () => {
  it.effect("a conversation: events, facts in memory, recall on the next turn finds them", () =>
    Effect.gen(function*() {
      const w = yield* world(askOutputs, writeOutputs)
      const [t1, t2, t3] = yield* converse(w)

      // turn 1: write path
      assert.strictEqual(t1!.route, "write")
      assert.strictEqual(t1!.decision.route, "write")
      assert.deepStrictEqual(t3!.decision.sentences.map((x) => x.kind), ["statement", "question"])
      assert.strictEqual(t1!.answer, "Noted.")
      assert.deepStrictEqual(t1!.events.slice(0, 5).map((e) => e._tag), ["Recalled", "Engrammed", "Reconciled", "Engrammed", "Reconciled"])
      assert.deepStrictEqual(t1!.engrammed.map((f) => [f.subject, f.relation, f.object, f.source]), [
        ["Alice", "likes", "cheese", "model"],
        ["Alice", "lives_in", "Paris", "user"]
      ])
      for (const e of t1!.events) assert.strictEqual(e.now, T0)
      const g1 = t1!.state.graph
      assert.isTrue(LiquidGraph.hasEdge(g1, "f|alice|lives_in|paris"))
      assert.isTrue(LiquidGraph.hasEdge(g1, "f|alice|likes|cheese"))
      const episode = LiquidGraph.nodes(g1).find((n) => n.kind === "episode")!
      assert.strictEqual(episode.text, "User: Alice lives in Paris.\nAssistant: Noted.")
      assert.strictEqual(episode.tier, "working")
      const engrammed = t1!.events[3] as Event.Engrammed
      assert.strictEqual(engrammed.input.episode!.embedding!.length, 32)
      assert.deepStrictEqual(engrammed.input.entities!.map((e) => e.label), ["Alice", "Paris"])

      // turn 2: ask path; the first prompt already holds the fact and the history; the model's
      // <recall> runs and generation continues
      assert.strictEqual(t2!.route, "ask")
      assert.strictEqual(t2!.rounds, 2)
      assert.strictEqual(t2!.answer, "Alice lives in Paris.")
      assert.include(t2!.recalled.map((r) => r.fact.id), "f|alice|lives_in|paris")
      const prompts = yield* w.ask.prompts
      const first = JSON.stringify(prompts[0])
      assert.include(first, "Alice —lives_in→ Paris (via Alice)")
      assert.include(first, "User: Alice lives in Paris. / Assistant: Noted.")
      assert.include(JSON.stringify(prompts[1]), "Memory results:")
      assert.deepStrictEqual(t2!.events.slice(0, 2).map((e) => e._tag), ["Recalled", "Recalled"])
      assert.strictEqual((t2!.events[1] as Event.Recalled).input.text, "Paris")
      // the path that served the answer was reinforced
      assert.include(t2!.reinforced, "f|alice|lives_in|paris")
      assert.include(t2!.events.map((e) => e._tag), "Reinforced")
      const before = LiquidGraph.edge(g1, "f|alice|lives_in|paris")!
      const after = LiquidGraph.edge(t2!.state.graph, "f|alice|lives_in|paris")!
      assert.isAbove(after.useCount, before.useCount)

      // turn 3: both; the model's JSON engram ran, its unclosed <recall> was reported, not run
      assert.strictEqual(t3!.route, "both")
      assert.strictEqual(t3!.rounds, 1)
      assert.strictEqual(t3!.answer, "She lives in Paris.")
      assert.deepStrictEqual(t3!.malformed.map((m) => m.message), ["unclosed <recall>"])
      assert.isTrue(LiquidGraph.hasEdge(t3!.state.graph, "f|bob|knows|alice"))
      assert.isTrue(LiquidGraph.hasEdge(t3!.state.graph, "f|bob|works_at|acme"))

      // every change went through commit: the journal is the turns' events
      const journal = yield* w.memory.journal
      assert.strictEqual(json(journal), json([...t1!.events, ...t2!.events, ...t3!.events]))
      assert.strictEqual((yield* w.write.prompts).length, 1)
    }))

  it.effect("at most maxRounds generations; recall requests of the last one are returned unanswered", () =>
    Effect.gen(function*() {
      const w = yield* world(["<recall>a</recall>", "<recall>b</recall>", "<recall>c</recall>", "never"], [], { maxRounds: 2 })
      const out = yield* Effect.gen(function*() {
        return yield* (yield* Mags).turn("What is a?")
      }).pipe(Effect.provide(w.mags))
      assert.strictEqual(out.rounds, 2)
      assert.deepStrictEqual(out.unanswered, ["b"])
      assert.strictEqual((yield* w.ask.prompts).length, 2)
      assert.deepStrictEqual(out.events.filter((e) => e._tag === "Recalled").map((e) => (e as Event.Recalled).input.text), ["What is a?", "a"])
    }))

  it.effect("runs memory tool calls like tags when tools are offered", () =>
    Effect.gen(function*() {
      const w = yield* world([
        [{ type: "tool-call", id: "c1", name: "engram", params: { subject: "Carol", relation: "owns", object: "a cat" } }],
        "Stored."
      ], [])
      const out = yield* Effect.gen(function*() {
        return yield* (yield* Mags).turn("Who owns a cat?")
      }).pipe(Effect.provide(w.mags))
      // the call's result goes back as a tool message, and the model answers in a second generation
      assert.strictEqual(out.rounds, 2)
      assert.strictEqual(out.answer, "Stored.")
      assert.isTrue(LiquidGraph.hasEdge(out.state.graph, "f|cat|owned_by|carol"))
      assert.deepStrictEqual(out.engrammed[0], { subject: "Carol", relation: "owns", object: "a cat", source: "model" })
      assert.deepStrictEqual(out.toolCalls.map((c) => [c.round, c.id, c.name, c.outcome]), [[1, "c1", "engram", "run"]])
      const second = (yield* w.ask.prompts)[1]!.content
      const assistant = second.at(-2)!
      const tool = second.at(-1)!
      assert.strictEqual(assistant.role, "assistant")
      assert.deepStrictEqual(
        assistant.role === "assistant" ? assistant.content.map((p) => p.type === "tool-call" ? [p.id, p.name] : [p.type]) : [],
        [["c1", "engram"]]
      )
      assert.strictEqual(tool.role, "tool")
      if (tool.role === "tool") {
        const part = tool.content[0]!
        assert.strictEqual(part.type === "tool-result" ? part.id : undefined, "c1")
        assert.include(part.type === "tool-result" ? String(part.result) : "", "stored: Carol —owns→ a cat")
      }
    }))

  it.effect("recall and connect tool calls: results per call id; tag recalls of the same output get a user message", () =>
    Effect.gen(function*() {
      const w = yield* world([
        [
          { type: "text", text: "Checking <recall>Alice</recall>" },
          { type: "tool-call", id: "r1", name: "recall", params: { query: "Paris" } },
          { type: "tool-call", id: "k1", name: "connect", params: { from: "Alice", to: "Paris" } }
        ],
        "Alice lives in Paris."
      ], ["Noted."])
      const out = yield* Effect.gen(function*() {
        const mags = yield* Mags
        yield* mags.turn("Alice lives in Paris.")
        return yield* mags.turn("Where does Alice live?")
      }).pipe(Effect.provide(w.mags))
      assert.strictEqual(out.answer, "Alice lives in Paris.")
      assert.deepStrictEqual(out.toolCalls.map((c) => [c.id, c.outcome]), [["r1", "run"], ["k1", "run"]])
      assert.include(out.toolCalls[0]!.result!, "Alice —lives_in→ Paris")
      assert.include(out.toolCalls[1]!.result!, "connect \"Alice\" \"Paris\": Alice —lives_in→ Paris")
      // recalls are events (the user's text, the tool call's query, the tag's query); connect is read-only
      assert.deepStrictEqual(
        out.events.filter((e) => e._tag === "Recalled").map((e) => (e as Event.Recalled).input.text),
        ["Where does Alice live?", "Paris", "Alice"]
      )
      const prompts = yield* w.ask.prompts
      const last = prompts.at(-1)!.content
      assert.deepStrictEqual(last.slice(-3).map((m) => m.role), ["assistant", "tool", "user"])
      const tool = last.at(-2)!
      assert.deepStrictEqual(tool.role === "tool" ? tool.content.map((p) => p.type === "tool-result" ? [p.id, p.isFailure] : []) : [], [
        ["r1", false],
        ["k1", false]
      ])
      const user = last.at(-1)!
      assert.include(user.role === "user" ? user.content.map((p) => p.type === "text" ? p.text : "").join("") : "", "Memory results:\nrecall \"Alice\"")
    }))

  it.effect("an invalid tool call (unknown tool, bad parameters, arguments not JSON) is reported, never run; the model gets an error result", () =>
    Effect.gen(function*() {
      const w = yield* world([
        [
          { type: "tool-call", id: "x1", name: "forget_everything", params: { all: true } },
          { type: "tool-call", id: "x2", name: "engram", params: { subject: "Mallory", relation: "owns" } },
          { type: "tool-call", id: "x3", name: "engram", params: "{\"subject\": \"Mallory\", \"relation\": \"owns\"" }
        ],
        "Sorry."
      ], [])
      const out = yield* Effect.gen(function*() {
        return yield* (yield* Mags).turn("Who owns a cat?")
      }).pipe(Effect.provide(w.mags))
      assert.strictEqual(out.rounds, 2)
      assert.strictEqual(out.answer, "Sorry.")
      assert.deepStrictEqual(out.toolCalls.map((c) => [c.id, c.outcome]), [["x1", "invalid"], ["x2", "invalid"], ["x3", "invalid"]])
      assert.deepStrictEqual(out.malformed.map((m) => [m.round, m.position]), [[1, 0], [1, 1], [1, 2]])
      assert.include(out.malformed[0]!.message, "unknown tool \"forget_everything\"")
      assert.include(out.malformed[1]!.message, "engram tool")
      assert.include(out.malformed[2]!.message, "arguments are not valid JSON")
      // nothing of it reached memory: no model facts, no Mallory
      assert.deepStrictEqual(out.engrammed.filter((f) => f.source === "model"), [])
      assert.isFalse(LiquidGraph.nodes(out.state.graph).some((n) => n.label.toLowerCase().includes("mallory")))
      const tool = (yield* w.ask.prompts)[1]!.content.at(-1)!
      assert.deepStrictEqual(tool.role === "tool" ? tool.content.map((p) => p.type === "tool-result" ? [p.id, p.isFailure] : []) : [], [
        ["x1", true],
        ["x2", true],
        ["x3", true]
      ])
    }))

  it.effect("a <connect> tag (models without tools): the path goes back in the memory results, nothing is recorded for it", () =>
    Effect.gen(function*() {
      const w = yield* world(["Let me see. <connect>Alice | Paris</connect>", "She lives there."], ["Noted."], { useTools: false })
      const out = yield* Effect.gen(function*() {
        const mags = yield* Mags
        yield* mags.turn("Alice lives in Paris.")
        return yield* mags.turn("How is Alice connected to Paris?")
      }).pipe(Effect.provide(w.mags))
      assert.strictEqual(out.rounds, 2)
      assert.strictEqual(out.answer, "She lives there.")
      const last = (yield* w.ask.prompts).at(-1)!.content.at(-1)!
      assert.include(
        last.role === "user" ? last.content.map((p) => (p.type === "text" ? p.text : "")).join("") : "",
        "connect \"Alice\" \"Paris\": Alice —lives_in→ Paris"
      )
      assert.deepStrictEqual(out.events.filter((e) => e._tag === "Recalled").length, 1)
    }))

  it.effect("useTools: false offers no toolkit (tags only)", () =>
    Effect.gen(function*() {
      const w = yield* world(["<recall>cat</recall>", "None."], [], { useTools: false })
      const out = yield* Effect.gen(function*() {
        return yield* (yield* Mags).turn("Who owns a cat?")
      }).pipe(Effect.provide(w.mags))
      assert.strictEqual(out.rounds, 2)
      assert.deepStrictEqual(out.toolCalls, [])
      assert.notInclude(JSON.stringify((yield* w.ask.prompts)[0]!.content[0]), "call recall, engram and connect")
    }))

  it.effect("a failed model call leaves memory untouched", () =>
    Effect.gen(function*() {
      const w = yield* world([], [])
      const result = yield* Effect.result(Effect.gen(function*() {
        return yield* (yield* Mags).turn("Where does Alice live?")
      }).pipe(Effect.provide(w.mags)))
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) assert.strictEqual(result.failure.reason, "Model")
      assert.strictEqual((yield* w.memory.journal).length, 0)
      assert.strictEqual((yield* w.memory.state).seq, 0)
    }))

  it.effect("keeps working memory within its token budget with a Promoted event", () =>
    Effect.gen(function*() {
      const w = yield* world(askOutputs, writeOutputs, {}, Params.unsafeMake({ workingTokens: 12 }))
      const results = yield* converse(w)
      assert.isTrue(results.some((r) => r.events.at(-1)!._tag === "Promoted"))
      for (const r of results) assert.isAtMost(Promote.workingTokens(r.state.graph), 12)
    }))

  it.effect("within budget, no Promoted event: the recent turns stay in working memory", () =>
    Effect.gen(function*() {
      const w = yield* world(askOutputs, writeOutputs)
      const results = yield* converse(w)
      for (const r of results) assert.isFalse(r.events.some((e) => e._tag === "Promoted"))
      const episodes = LiquidGraph.nodes(results.at(-1)!.state.graph).filter((n) => n.kind === "episode")
      assert.deepStrictEqual(episodes.map((n) => n.tier), ["working", "working", "working"])
    }))

  it.effect("a blank turn is refused", () =>
    Effect.gen(function*() {
      const w = yield* world([], [])
      const result = yield* Effect.result(Effect.gen(function*() {
        return yield* (yield* Mags).turn("  ")
      }).pipe(Effect.provide(w.mags)))
      assert.isTrue(Result.isFailure(result) && result.failure.reason === "InvalidInput")
    }))
})

describe("determinism and replay", () => {
  const run = Effect.gen(function*() {
    const w = yield* world(askOutputs, writeOutputs)
    const results = yield* converse(w)
    return { events: results.flatMap((r) => r.events), state: results.at(-1)!.state, journal: yield* w.memory.journal }
  }).pipe(Random.withSeed(42))

  it.effect("two runs with TestClock, a seeded Random and the same recorded outputs give identical events and hash", () =>
    Effect.gen(function*() {
      const a = yield* run
      const b = yield* run
      assert.isAbove(a.events.length, 8)
      assert.strictEqual(json(a.events), json(b.events))
      assert.strictEqual(LiquidGraph.contentHash(a.state.graph), LiquidGraph.contentHash(b.state.graph))
    }))

  it.effect("replaying the events with no model rebuilds the same graph (also from their JSON)", () =>
    Effect.gen(function*() {
      const a = yield* run
      const replayed = Result.getOrThrow(Replay.replay(a.journal))
      assert.strictEqual(LiquidGraph.contentHash(replayed.graph), LiquidGraph.contentHash(a.state.graph))
      assert.strictEqual(replayed.seq, a.journal.length)
      const lines = a.journal.map((e) => JSON.parse(JSON.stringify(Event.encode(e))) as unknown)
      const fromJson = Result.getOrThrow(Replay.replay(lines))
      assert.strictEqual(LiquidGraph.contentHash(fromJson.graph), LiquidGraph.contentHash(a.state.graph))
    }))

  it.effect("different recorded outputs give a different history (the test can fail)", () =>
    Effect.gen(function*() {
      const a = yield* run
      const w = yield* world(askOutputs, ["Noted. <engram>Alice | likes | tea</engram>"])
      const b = (yield* converse(w)).at(-1)!.state
      assert.notStrictEqual(LiquidGraph.contentHash(a.state.graph), LiquidGraph.contentHash(b.graph))
    }))
})

describe("one conversation", () => {
  it.effect("each turn's episode follows the previous turn's (sequence link); replay rebuilds the links", () =>
    Effect.gen(function*() {
      const w = yield* world(askOutputs, writeOutputs)
      const results = yield* converse(w)
      const episodeInputs = results.map((r) =>
        r.events.filter((e): e is Event.Engrammed => e._tag === "Engrammed" && e.input.episode !== undefined).map((e) => e.input.episode!)
      )
      for (const eps of episodeInputs) assert.strictEqual(eps.length, 1)
      const [e1, e2, e3] = episodeInputs.map((eps) => eps[0]!)
      assert.isUndefined(e1!.follows)
      assert.strictEqual(e2!.follows, e1!.id)
      assert.strictEqual(e3!.follows, e2!.id)
      const g = results.at(-1)!.state.graph
      const [n1, n2, n3] = [e1!, e2!, e3!].map((e) => Node.episodeId(e.id))
      const link = LiquidGraph.edge(g, Fact.sequenceId(n2!, n1!))
      assert.isDefined(link)
      assert.isTrue(Fact.isSequence(link!))
      assert.strictEqual(link!.subject, n2)
      assert.strictEqual(link!.object, n1)
      assert.isTrue(LiquidGraph.hasEdge(g, Fact.sequenceId(n3!, n2!)))
      assert.isFalse(LiquidGraph.hasEdge(g, Fact.sequenceId(n3!, n1!)))
      const replayed = Result.getOrThrow(Replay.replay(yield* w.memory.journal))
      assert.isTrue(LiquidGraph.hasEdge(replayed.graph, Fact.sequenceId(n2!, n1!)))
      assert.isTrue(LiquidGraph.hasEdge(replayed.graph, Fact.sequenceId(n3!, n2!)))
    }))

  it.effect("the user's name and pronouns carry from turn to turn (the rule extractor's discourse)", () =>
    Effect.gen(function*() {
      const memory = yield* Testing.makeInMemory()
      const askModel = yield* Testing.makeScripted([])
      const writeModel = yield* Testing.makeScripted(["Noted.", "Noted."])
      const mags = Mags.layer({ speaker: "Kim" }).pipe(
        Layer.provide(Layer.succeed(ActiveMemory, memory)),
        Layer.provide(Layer.succeed(AskModel, askModel.model)),
        Layer.provide(Layer.succeed(WriteModel, writeModel.model)),
        Layer.provide(Router.layerRules),
        Layer.provide(Embedder.layerTest),
        Layer.provide(Extractor.layerRules)
      )
      yield* TestClock.setTime(T0)
      const learned = yield* Effect.gen(function*() {
        const loop = yield* Mags
        const first = yield* loop.turn("My sister Ola lives in Gdansk.")
        yield* TestClock.adjust("1 minute")
        const second = yield* loop.turn("She is a nurse.")
        return [...first.engrammed, ...second.engrammed].map((f) => `${f.subject}|${f.relation}|${f.object}`)
      }).pipe(Effect.provide(mags))
      assert.includeMembers(learned, ["Ola|sister of|Kim", "Ola|lives in|Gdansk", "Ola|is a|nurse"])
    }))
})

describe("time hints", () => {
  const DAY = 86_400_000

  /** A loop answering from memory (no generation) and noting what it is told; turns at the given times. */
  const talk = (said: ReadonlyArray<readonly [number, string]>) =>
    Effect.gen(function*() {
      const memory = yield* Testing.makeInMemory()
      const writeModel = yield* Testing.makeScripted(said.map(() => "Noted."))
      const askModel = yield* Testing.makeScripted([])
      const mags = Mags.layer({ speaker: "Kim", template: () => "ok" }).pipe(
        Layer.provide(Layer.succeed(ActiveMemory, memory)),
        Layer.provide(Layer.succeed(AskModel, askModel.model)),
        Layer.provide(Layer.succeed(WriteModel, writeModel.model)),
        Layer.provide(Router.layerRules),
        Layer.provide(Embedder.layerTest),
        Layer.provide(Extractor.layerTest({}))
      )
      return yield* Effect.gen(function*() {
        const loop = yield* Mags
        const out = []
        for (const [at, text] of said) {
          yield* TestClock.setTime(at)
          out.push(yield* loop.turn(text))
        }
        return out
      }).pipe(Effect.provide(mags))
    })

  const recalledInput = (r: { readonly events: ReadonlyArray<Event.Event> }) =>
    (r.events.find((e) => e._tag === "Recalled") as Event.Recalled).input

  it.effect("a question naming a time recalls with its window; one asking when with asksWhen; others with none", () =>
    Effect.gen(function*() {
      const now = Date.UTC(2025, 0, 1)
      const [may, when, plain] = yield* talk([
        [now, "What did I do last May?"],
        [now + DAY, "When did Ola move to Gdansk?"],
        [now + 2 * DAY, "Where does Ola live?"]
      ])
      assert.deepStrictEqual(recalledInput(may!).time, { from: Date.UTC(2024, 4, 1), until: Date.UTC(2024, 4, 1) + 62 * DAY })
      assert.deepStrictEqual(recalledInput(when!).time, { asksWhen: true })
      assert.isUndefined(recalledInput(plain!).time)
      assert.notProperty(recalledInput(plain!), "time")
    }))

  it.effect("the window decides between two episodes the words cannot tell apart; replay keeps the hint", () =>
    Effect.gen(function*() {
      const now = Date.UTC(2025, 0, 1)
      const results = yield* talk([
        [Date.UTC(2023, 8, 10), "I went hiking in the Tatras."],
        [Date.UTC(2024, 4, 10), "I went hiking in the Alps."],
        [now, "Where did I go hiking last May?"]
      ])
      const before = results[1]!.state
      const input = recalledInput(results[2]!)
      assert.strictEqual(input.time?.from, Date.UTC(2024, 4, 1))
      const first = (i: Recall.RecallInput) => Recall.recall(before.graph, i, before.params, now).result.episodes[0]?.text ?? ""
      assert.include(first(input), "Alps")
      // without the hint the earlier turn comes first: the hint made the difference
      const { time: _, ...withoutTime } = input
      assert.include(first(withoutTime), "Tatras")
      const replayed = Result.getOrThrow(Replay.replay(results.flatMap((r) => r.events)))
      assert.strictEqual(LiquidGraph.contentHash(replayed.graph), LiquidGraph.contentHash(results[2]!.state.graph))
    }))
})
