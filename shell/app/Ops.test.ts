/**
 * Ops and Views, in process (in-memory store, test embedder, rule extractor):
 * - an ingest request is one transaction (nothing written when the embedder fails on its last item);
 * - every view an operation answers decodes with its Schema and survives JSON unchanged;
 * - unknown nodes, facts, branches and seqs fail with NotFound; bad input fails with Usage or
 *   BadInput and writes nothing;
 * - hand edits are events with provenance "edit" that history shows; a correction supersedes the
 *   old version, which stays in the chain;
 * - rollback keeps the tail as a branch; restoreBranch brings it back (same content hash) and
 *   keeps the undone tail as a branch in turn;
 * - Memories opens a memory once and refuses an absent one with create: false.
 */
import { Effect, Layer, Schema } from "effect"
import { AiError } from "effect/ai"
import { describe, expect, it } from "vitest"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor } from "../extract/Extractor.ts"
import * as Event from "../../core/Event.ts"
import { checksum } from "../store/Backend.ts"
import * as Journal from "../store/Journal.ts"
import * as MemoryBackend from "../store/MemoryBackend.ts"
import { type Memory, MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import * as Record from "../store/Record.ts"
import { AppFailure } from "./Failure.ts"
import { Memories } from "./Memories.ts"
import * as Ops from "./Ops.ts"
import * as Views from "./Views.ts"

const services = Layer.mergeAll(MemoryStore.layerMemory, Embedder.layerTest, Extractor.layerRules)

const run = <A, E>(f: (memory: Memory) => Effect.Effect<A, E, Embedder | Extractor | MemoryStore>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(MemoryStore.use((store) => store.open(MemoryId.fromParts({ user: "ops" }))), f)).pipe(
      Effect.provide(services)
    ) as Effect.Effect<A, E>
  )

/** `v` decodes with `schema`, and its JSON text decodes to an equal value. */
const conforms = <S extends Schema.Top>(schema: S, v: unknown) => {
  const decode = Schema.decodeUnknownSync(schema as unknown as Schema.Codec<unknown, unknown>)
  expect(() => decode(v)).not.toThrow()
  const json = JSON.parse(JSON.stringify(v))
  expect(json).toEqual(v)
  expect(() => decode(json)).not.toThrow()
}

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => {
    expect(e).toBeInstanceOf(AppFailure)
    return (e as unknown as AppFailure).kind
  })

const seqOf = (memory: Memory) => Effect.map(memory.state, (s) => s.seq)

const world = (memory: Memory) =>
  Ops.ingest(memory, {
    text: "Mira lives in Vell. Vell is in Norland.",
    messages: [{ role: "user", content: "Tomas works at the mill.", speaker: "Tomas" }],
    triples: [{ subject: "Tomas", relation: "knows", object: "Mira" }]
  })

describe("Ops and Views", () => {
  it("ingest, recall, connect, history, nodes, graph, inspect, params, events, verify: every view decodes with its Schema", () =>
    run((memory) =>
      Effect.gen(function*() {
        const learned = yield* world(memory)
        conforms(Views.IngestView, learned)
        expect(learned.items).toBe(4)
        expect(learned.factIds.length).toBeGreaterThan(0)
        const recalled = yield* Ops.recall(memory, "Where does Mira live?")
        conforms(Views.RecallView, recalled)
        expect(recalled.facts.length).toBeGreaterThan(0)
        const state = yield* memory.state
        const connected = yield* Ops.connect(state, "Mira", "Norland")
        conforms(Views.ConnectView, connected)
        expect(connected.connected).toBe(true)
        expect(connected.path!.nodes.length).toBeGreaterThan(1)
        const history = yield* Ops.history(memory, "Mira")
        conforms(Views.HistoryView, history)
        expect(history.kind).toBe("node")
        expect(history.events.some((e) => e.tag === "Engrammed")).toBe(true)
        const nodes = Ops.searchNodes(state, "mira", 5)
        expect(nodes.map((n) => n.label)).toContain("Mira")
        for (const n of nodes) conforms(Views.NodeView, n)
        expect(Ops.openNodes(state, ["Vell", "nobody"]).map((n) => n.label)).toEqual(["Vell"])
        const graph = Ops.graph(state)
        conforms(Views.GraphView, graph)
        for (const n of graph.nodes) conforms(Views.NodeView, n)
        for (const f of graph.edges) conforms(Views.FactView, f)
        expect(graph.nodes.some((n) => n.block === "episodic")).toBe(true)
        conforms(Views.InspectView, Ops.inspect(state))
        conforms(Views.ParamsView, Ops.params(state))
        const events = yield* Ops.events(memory, 0, 2)
        expect(events.events.map((e) => e.seq)).toEqual([1, 2])
        expect(events.last).toBe(state.seq)
        conforms(Views.EventsView, events)
        for (const e of events.events) conforms(Views.EventView, e)
        conforms(Views.VerifyView, yield* Ops.verify(memory))
        expect((yield* Ops.verify(memory)).ok).toBe(true)
        expect(yield* Ops.exportGraph(state, "dot")).toMatch(/^digraph/)
      })
    ))

  it("NotFound: unknown node (connect, history, openNode), fact (correctFact), branch, seq past the end", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* world(memory)
        const state = yield* memory.state
        expect(yield* failure(Ops.connect(state, "Mira", "Atlantis"))).toBe("NotFound")
        expect(yield* failure(Ops.history(memory, "Atlantis"))).toBe("NotFound")
        expect(yield* failure(Ops.openNode(state, "Atlantis"))).toBe("NotFound")
        expect(yield* failure(Ops.correctFact(memory, "f|no|such|fact", "x"))).toBe("NotFound")
        expect(yield* failure(Ops.restoreBranch(memory, 7))).toBe("NotFound")
        expect(yield* failure(Ops.rollback(memory, state.seq + 1))).toBe("NotFound")
        expect(yield* failure(Ops.stateAt(memory, state.seq + 1))).toBe("NotFound")
        expect(yield* seqOf(memory)).toBe(state.seq)
      })
    ))

  it("bad requests are refused and write nothing: params out of range, unknown param, bad triple, empty query, two forget targets", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* world(memory)
        const seq = yield* seqOf(memory)
        expect(yield* failure(Ops.setParams(memory, { anchors: 0 }))).toBe("Usage")
        expect(yield* failure(Ops.setParams(memory, { noSuchParam: 1 }))).toBe("Usage")
        expect(yield* failure(Ops.setParams(memory, [1]))).toBe("Usage")
        expect(yield* failure(Ops.ingest(memory, { triples: [{ subject: "", relation: "r", object: "o" }] }))).toBe("BadInput")
        expect(yield* failure(Ops.ingest(memory, { text: "A new sentence.", messages: [{ role: "", content: "x" }] }))).toBe("BadInput")
        expect(yield* failure(Ops.ingest(memory, { text: "x" }, { source: "bad source!" }))).toBe("Usage")
        expect(yield* failure(Ops.recall(memory, "  "))).toBe("Usage")
        expect(yield* failure(Ops.forget(memory, { fact: "f|x", node: "Mira" }))).toBe("Usage")
        expect(yield* failure(Ops.exportGraph(yield* memory.state, "svg"))).toBe("Usage")
        expect(yield* seqOf(memory)).toBe(seq)
        const set = yield* Ops.setParams(memory, { anchors: 6 })
        expect(set.params["anchors"]!.value).toBe(6)
        expect(set.changed).toContain("anchors")
        expect(yield* seqOf(memory)).toBe(seq + 1)
      })
    ))

  it("an ingest request is one transaction: an embedder that fails on its last item leaves memory untouched", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* world(memory)
        const seq = yield* seqOf(memory)
        const real = yield* Embedder
        const failing = Embedder.of({
          ...real,
          embedMany: (texts) =>
            texts.includes("Person 40")
              ? Effect.fail(AiError.make({ module: "test", method: "embedMany", reason: new AiError.UnknownError({ description: "down" }) }))
              : real.embedMany(texts)
        })
        const triples = Array.from({ length: 40 }, (_, i) => ({ subject: `Person ${i}`, relation: "knows", object: `Person ${i + 1}` }))
        expect(yield* failure(Ops.ingest(memory, { triples }).pipe(Effect.provideService(Embedder, failing)))).toBe("ModelFailed")
        expect(yield* seqOf(memory)).toBe(seq)
      })
    ))

  it("a dated message dates the facts it states: a later change ends the old fact when it was said; recall --at sees each in its time", () =>
    run((memory) =>
      Effect.gen(function*() {
        const said2020 = Date.UTC(2020, 2, 1)
        const said2023 = Date.UTC(2023, 5, 1)
        yield* Ops.ingest(memory, {
          messages: [
            { role: "user", speaker: "Kim", content: "I live in Paris.", time: "2020-03-01" },
            { role: "user", speaker: "Kim", content: "I moved to Berlin.", time: "2023-06-01" }
          ]
        })
        const chain = (yield* Ops.history(memory, "Kim")).slots.find((x) => x.relation === "lives_in")!.chain
        expect(chain.map((f) => [f.labels.object, f.validFrom, f.validTo])).toEqual([["Paris", said2020, said2023], ["Berlin", said2023, null]])
        const at2021 = yield* Ops.recall(memory, "Where does Kim live?", { at: Date.UTC(2021, 0, 1), record: false })
        expect(at2021.facts.map((f) => f.fact.labels.object)).toContain("Paris")
        expect(at2021.facts.map((f) => f.fact.labels.object)).not.toContain("Berlin")
      })
    ))

  it("a request that names no speaker: \"I\" is the memory's user (narratorOf); a named speaker wins", () =>
    run((memory) =>
      Effect.gen(function*() {
        expect(Ops.narratorOf(memory.id)).toBe("ops")
        expect(Ops.narratorOf(MemoryId.fromParts({ user: "default" }))).toBe("User")
        const learned = yield* Ops.ingest(memory, { text: "I moved to Lisbon last spring.", messages: [{ role: "user", content: "My sister Ana is a nurse." }] })
        expect(learned.facts).toBeGreaterThan(0)
        const lives = (yield* Ops.history(memory, "ops")).slots.find((x) => x.relation === "lives_in")
        expect(lives?.chain.map((f) => f.labels.object)).toEqual(["Lisbon"])
        yield* Ops.ingest(memory, { text: "I live in Faro." }, { speaker: "Rui" })
        expect((yield* Ops.history(memory, "Rui")).slots.find((x) => x.relation === "lives_in")?.chain.map((f) => f.labels.object)).toEqual(["Faro"])
      })
    ))

  it("hand edits: addFacts and correctFact are events with provenance \"edit\"; the correction supersedes, history keeps the chain", () =>
    run((memory) =>
      Effect.gen(function*() {
        const added = yield* Ops.addFacts(memory, [{ subject: "Ines", relation: "lives in", object: "Porto" }])
        expect(added.factIds).toHaveLength(1)
        const old = added.factIds[0]!
        const corrected = yield* Ops.correctFact(memory, old, "Lisbon")
        conforms(Views.HistoryView, corrected)
        const chain = corrected.slots.flatMap((s) => s.chain)
        const before = chain.find((f) => f.id === old)!
        const after = chain.find((f) => f.labels.object === "Lisbon")!
        expect(before.current).toBe(false)
        expect(before.supersededBy).toBe(after.id)
        expect(after.current).toBe(true)
        expect(after.source.some((p) => p.startsWith("edit"))).toBe(true)
        expect(before.source.some((p) => p.startsWith("edit"))).toBe(true)
        expect(corrected.events.filter((e) => e.tag === "Engrammed")).toHaveLength(2)
        expect(yield* failure(Ops.correctFact(memory, old, "Faro"))).toBe("Usage")
      })
    ))

  it("forget: a target that names nothing writes nothing; a fact is deleted for good", () =>
    run((memory) =>
      Effect.gen(function*() {
        const learned = yield* world(memory)
        const seq = yield* seqOf(memory)
        const none = yield* Ops.forget(memory, { node: "Atlantis" })
        conforms(Views.ForgetView, none)
        expect(none.forgotten).toBe(false)
        expect(yield* seqOf(memory)).toBe(seq)
        const gone = yield* Ops.forget(memory, { fact: learned.factIds[0]! })
        conforms(Views.ForgetView, gone)
        expect(gone.edges).toContain(learned.factIds[0]!)
        expect(gone.seq).toBe(seq + 1)
      })
    ))

  it("rollback keeps the tail as a branch; restoreBranch brings it back and keeps the undone tail as a branch", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* world(memory)
        const mid = yield* seqOf(memory)
        yield* Ops.addFacts(memory, [{ subject: "Ines", relation: "lives in", object: "Porto" }])
        const full = Views.stateView(yield* memory.state)
        const back = yield* Ops.rollback(memory, mid)
        expect(back.state.seq).toBe(mid)
        expect(back.branch).toMatchObject({ branch: 1, base: mid, tip: full.seq, reason: "rollback" })
        conforms(Views.BranchView, back.branch)
        yield* Ops.addFacts(memory, [{ subject: "Ines", relation: "lives in", object: "Faro" }])
        const restored = yield* Ops.restoreBranch(memory, 1)
        expect(restored.state).toEqual(full)
        conforms(Views.RollbackView, restored)
        expect(restored.branch).toMatchObject({ branch: 2, base: mid, reason: "rollback" })
        const branches = yield* Ops.branches(memory)
        expect(branches.map((b) => b.branch)).toEqual([1, 2])
        for (const b of branches) conforms(Views.BranchView, b)
        expect((yield* Ops.verify(memory)).ok).toBe(true)
      })
    ))

  it("a branch that does not apply at its base (a corrupt tail set aside) is refused before anything is rolled back", () =>
    Effect.runPromise(Effect.scoped(
      Effect.gen(function*() {
        const backend = yield* MemoryBackend.layerBackend()
        const store = yield* Journal.makeStore(Effect.succeed(backend), {})
        const id = MemoryId.fromParts({ user: "branches" })
        const memory = yield* store.open(id)
        yield* world(memory)
        yield* Ops.addFacts(memory, [{ subject: "Ines", relation: "lives in", object: "Porto" }])
        const before = Views.stateView(yield* memory.state)
        // a record that decodes but does not apply: an embedding of the wrong dimension for this memory
        const bad = new Event.Engrammed({ now: 1, input: { entities: [{ label: "Zed", embedding: [1, 0, 0] }], facts: [] } })
        const data = Record.encodeEvent(Event.encode(bad))
        const record = yield* backend.ensureMemory(id, { params: "{}", dim: 0, at: 0 })
        yield* backend.putBranch(record, { base: 2, tip: 3, reason: "corrupt", at: 0 }, [{ seq: 3, tag: "Engrammed", data, crc: checksum(data) }])
        expect(yield* failure(Ops.restoreBranch(memory, 1))).toBe("Store")
        expect(Views.stateView(yield* memory.state)).toEqual(before)
        expect((yield* Ops.branches(memory)).map((b) => b.branch)).toEqual([1])
      }).pipe(Effect.provide(Layer.mergeAll(Embedder.layerTest, Extractor.layerRules)))
    )))

  it("stateAt replays the journal's prefix: the graph at a seq equals the state rolled back to it", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* world(memory)
        const mid = yield* seqOf(memory)
        const atMid = Views.stateView(yield* memory.state)
        yield* Ops.addFacts(memory, [{ subject: "Ines", relation: "lives in", object: "Porto" }])
        expect(Views.stateView(yield* Ops.stateAt(memory, mid))).toEqual(atMid)
        expect(Views.stateView(yield* Ops.stateAt(memory))).toEqual(Views.stateView(yield* memory.state))
      })
    ))

  it("Memories: one memory opened once per id; create: false refuses an absent memory (NotFound) and creates nothing", () =>
    Effect.runPromise(
      Effect.gen(function*() {
        const memories = yield* Memories
        const alice = MemoryId.fromParts({ user: "alice" })
        expect(yield* failure(memories.get(alice, { create: false }))).toBe("NotFound")
        expect(yield* memories.list).toHaveLength(0)
        const [a, b] = yield* Effect.all([memories.get(alice), memories.get(alice)], { concurrency: 2 })
        expect(a).toBe(b)
        expect(yield* memories.get(alice, { create: false })).toBe(a)
        expect((yield* memories.list).map((id) => id.key)).toEqual(["alice/default/default"])
      }).pipe(Effect.provide(Memories.layer.pipe(Layer.provideMerge(MemoryStore.layerMemory))))
    ))
})
