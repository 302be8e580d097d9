/**
 * Laws of events and replay, over random memory histories that exercise every transition.
 *
 * A history is generated as a list of abstract commands; `buildLog` turns them into concrete
 * events against the evolving state (so that e.g. `reinforce` names edges that exist), applying
 * each one and checking the structural invariants after every step.
 */
import { Equal, Result, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Event from "../core/Event.ts"
import * as Fact from "../core/Fact.ts"
import * as Node from "../core/Node.ts"
import * as VectorStore from "../core/VectorStore.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Recall from "../core/Recall.ts"
import * as Replay from "../core/Replay.ts"
import { arbRichGraph, arbVector, DAY, DIM, HOUR, NAMES, RELATIONS, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"
import { referenceHash } from "./Reference.ts"

type Command =
  | { readonly _tag: "engram"; readonly facts: ReadonlyArray<readonly [number, number, number, boolean]>; readonly vec: ReadonlyArray<number> | undefined; readonly episode: boolean }
  | { readonly _tag: "recall"; readonly name: number; readonly vec: ReadonlyArray<number> | undefined }
  | { readonly _tag: "reinforce"; readonly pick: number; readonly reward: number }
  | { readonly _tag: "decay"; readonly dt: number }
  | { readonly _tag: "prune"; readonly threshold: number | undefined }
  | { readonly _tag: "consolidate" }
  | { readonly _tag: "reconcile" }
  | { readonly _tag: "promote" }
  | { readonly _tag: "params"; readonly anchors: number }
  | { readonly _tag: "forget"; readonly pick: number }
  | { readonly _tag: "reactivate"; readonly pick: number }

const arbCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      _tag: fc.constant("engram" as const),
      facts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 4 }),
      vec: fc.option(arbVector(DIM), { nil: undefined }),
      episode: fc.boolean()
    })
  },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("recall" as const), name: fc.nat(), vec: fc.option(arbVector(DIM), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("reinforce" as const), pick: fc.nat(), reward: fc.double({ min: -1, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("decay" as const), dt: fc.integer({ min: 0, max: 30 * DAY }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("prune" as const), threshold: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.constant({ _tag: "consolidate" as const }) },
  { weight: 1, arbitrary: fc.constant({ _tag: "reconcile" as const }) },
  { weight: 1, arbitrary: fc.constant({ _tag: "promote" as const }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("params" as const), anchors: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("forget" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("reactivate" as const), pick: fc.nat() }) }
)

/** Turns commands into events against the evolving state; checks invariants after every step. */
const buildLog = (commands: ReadonlyArray<Command>): { events: Array<Event.Event>; state: Replay.State } => {
  let state = Replay.initial(Params.defaults, DIM)
  const events: Array<Event.Event> = []
  commands.forEach((c, i) => {
    const now = T0 + i * HOUR
    let event: Event.Event
    switch (c._tag) {
      case "engram":
        event = new Event.Engrammed({
          now,
          input: {
            ...(c.episode ? { episode: { id: "t" + i, text: `turn ${i}`, time: now } } : {}),
            entities: c.vec === undefined ? [] : [{ label: NAMES[c.facts[0]![0] % NAMES.length]!, embedding: [...c.vec] }],
            facts: c.facts.map(([s, r, o, neg]) => ({
              subject: NAMES[s % NAMES.length]!,
              relation: RELATIONS[r % RELATIONS.length]!,
              object: NAMES[(o % (NAMES.length - 1) + s + 1) % NAMES.length]!,
              negated: neg && r % 3 === 0,
              validFrom: now
            }))
          }
        })
        break
      case "recall":
        event = new Event.Recalled({
          now,
          input: { text: `what about ${NAMES[c.name % NAMES.length]}`, ...(c.vec === undefined ? {} : { embedding: [...c.vec] }) }
        })
        break
      case "reinforce": {
        const ids = LiquidGraph.edges(state.graph).map((e) => e.id).sort()
        event = new Event.Reinforced({ now, input: { edges: ids.length === 0 ? [] : [ids[c.pick % ids.length]!], reward: c.reward } })
        break
      }
      case "decay":
        event = new Event.Decayed({ now, input: { dt: c.dt } })
        break
      case "prune":
        event = new Event.Pruned({ now, input: c.threshold === undefined ? {} : { threshold: c.threshold } })
        break
      case "consolidate":
        event = new Event.Consolidated({ now, input: {} })
        break
      case "reconcile":
        event = new Event.Reconciled({ now, input: {} })
        break
      case "promote":
        event = new Event.Promoted({ now, input: {} })
        break
      case "params":
        event = new Event.ParamsSet({ now, params: { ...state.params, anchors: c.anchors } })
        break
      case "forget": {
        // a turn, a fact or a subject, in turn
        const ids = LiquidGraph.edges(state.graph).filter((e) => e.kind === "fact").map((e) => e.id).sort()
        event = new Event.Forgotten({
          now,
          input: c.pick % 3 === 0 ? { _tag: "episode", id: "t" + (c.pick % Math.max(1, i)) }
            : c.pick % 3 === 1 && ids.length > 0 ? { _tag: "fact", id: ids[c.pick % ids.length]! }
            : { _tag: "subject", key: NAMES[c.pick % NAMES.length]! }
        })
        break
      }
      case "reactivate": {
        const ids = [...state.graph.archivedNodes].map(([id]) => id).sort()
        event = new Event.Reactivated({ now, input: { ids: ids.length === 0 ? [] : [ids[c.pick % ids.length]!] } })
        break
      }
    }
    const step = Replay.apply(state, event)
    if (Result.isFailure(step)) throw new Error(`event ${i} (${event._tag}) rejected: ${step.failure.message}`)
    state = step.success.state
    assertValid(state.graph, `event ${i} (${event._tag})`)
    events.push(event)
  })
  return { events, state }
}

const arbLog = fc.array(arbCommand, { minLength: 1, maxLength: 25 }).map(buildLog)
const RUNS = { numRuns: 60 }

describe("Replay", () => {
  it("replay(log) == the state the log was recorded from (and invariants hold after every event)", () => {
    fc.assert(
      fc.property(arbLog, ({ events, state }) => {
        const replayed = Result.getOrThrow(Replay.replay(events, Replay.initial(Params.defaults, DIM)))
        expect(Equal.equals(replayed.graph, state.graph)).toBe(true)
        expect(LiquidGraph.contentHash(replayed.graph)).toBe(LiquidGraph.contentHash(state.graph))
        expect(replayed.seq).toBe(events.length)
      }),
      RUNS
    )
  })

  it("replay purity: replay(log) twice gives the same contentHash", () => {
    fc.assert(
      fc.property(arbLog, ({ events }) => {
        const a = Result.getOrThrow(Replay.replay(events, Replay.initial(Params.defaults, DIM)))
        const b = Result.getOrThrow(Replay.replay(events, Replay.initial(Params.defaults, DIM)))
        expect(LiquidGraph.contentHash(a.graph)).toBe(LiquidGraph.contentHash(b.graph))
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
      }),
      RUNS
    )
  })

  it("replay(tail, restore(snapshot(replay(prefix)))) == replay(prefix ++ tail)", () => {
    fc.assert(
      fc.property(arbLog, fc.nat(), ({ events, state }, cut) => {
        const k = cut % (events.length + 1)
        const prefix = Result.getOrThrow(Replay.replay(events.slice(0, k), Replay.initial(Params.defaults, DIM)))
        const snap = JSON.parse(JSON.stringify(Replay.snapshot(prefix)))
        const restored = Result.getOrThrow(Replay.restore(snap))
        const full = Result.getOrThrow(Replay.replay(events.slice(k), restored))
        expect(Equal.equals(full.graph, state.graph)).toBe(true)
        expect(full.params).toEqual(state.params)
        expect(full.seq).toBe(state.seq)
      }),
      RUNS
    )
  })

  it("decode(encode(e)) == e, and replaying the JSON log gives the same graph", () => {
    fc.assert(
      fc.property(arbLog, ({ events, state }) => {
        const json = events.map((e) => JSON.parse(JSON.stringify(Event.encode(e))))
        json.forEach((j, i) => expect(Equal.equals(Result.getOrThrow(Event.decode(j, i)), events[i])).toBe(true))
        const replayed = Result.getOrThrow(Replay.replay(json, Replay.initial(Params.defaults, DIM)))
        expect(LiquidGraph.contentHash(replayed.graph)).toBe(LiquidGraph.contentHash(state.graph))
      }),
      { numRuns: 30 }
    )
  })

  it("a malformed event is rejected with MalformedEvent at its index; the good prefix is kept", () => {
    fc.assert(
      fc.property(
        arbLog,
        fc.constantFrom<unknown>(
          { _tag: "Engrammed", now: 0, input: { facts: "not an array" } },
          { _tag: "Decayed", now: 0, input: { dt: -5 } },
          { _tag: "Decayed", now: Number.NaN, input: { dt: 1 } },
          { _tag: "NoSuchEvent", now: 0 },
          { _tag: "ParamsSet", now: 0, params: { ...Params.defaults, anchors: 0 } },
          { _tag: "ParamsSet", now: 0, params: { ...Params.defaults, pathThreshold: 2 } },
          { _tag: "Engrammed", now: 0, input: { entities: [{ label: "x", embedding: [1, 2] }], facts: [] } },
          { _tag: "Reinforced", now: 0, input: { edges: ["no such edge"], reward: 1 } },
          null,
          "garbage"
        ),
        ({ events, state }, bad) => {
          const before = JSON.stringify(state.graph)
          const json = events.map((e) => Event.encode(e))
          const out = Replay.replayAll([...json, bad, ...json], Replay.initial(Params.defaults, DIM))
          expect(out.error?._tag).toBe("MalformedEvent")
          expect(out.error?.index).toBe(events.length)
          expect(Equal.equals(out.state.graph, state.graph)).toBe(true)
          expect(JSON.stringify(state.graph)).toBe(before)
        }
      ),
      { numRuns: 40 }
    )
  })
})

// ── chunked replay: one draft per run of Engrammed events ────────────────────

/** An engram-heavy log: runs of `Engrammed` events (repeats, episodes that follow each other, embeddings, change cues, ends), now and then another event. */
const arbEngramLog: fc.Arbitrary<Array<Event.Event>> = fc
  .array(
    fc.oneof(
      {
        weight: 12,
        arbitrary: fc.record({
          facts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat({ max: 5 })), { minLength: 0, maxLength: 4 }),
          vec: fc.option(fc.tuple(fc.nat(), arbVector(DIM)), { nil: undefined }),
          episode: fc.option(fc.nat({ max: 6 }), { nil: undefined })
        })
      },
      { weight: 1, arbitrary: fc.constantFrom("decay" as const, "prune" as const, "forget" as const, "params" as const) }
    ),
    { minLength: 1, maxLength: 40 }
  )
  .map((cs) =>
    cs.map((c, i): Event.Event => {
      const now = T0 + i * HOUR
      if (c === "decay") return new Event.Decayed({ now, input: { dt: DAY } })
      if (c === "prune") return new Event.Pruned({ now, input: { threshold: 0.3 } })
      if (c === "forget") return new Event.Forgotten({ now, input: { _tag: "episode", id: "t" + (i % 7) } })
      if (c === "params") return new Event.ParamsSet({ now, params: { ...Params.defaults, hebbianMaxPairs: 1 + (i % 4) } })
      return new Event.Engrammed({
        now,
        input: {
          ...(c.episode === undefined ? {} : { episode: { id: "t" + c.episode, text: `turn ${c.episode} at ${i}`, time: now, ...(c.episode > 0 ? { follows: "t" + (c.episode - 1) } : {}) } }),
          entities: c.vec === undefined ? [] : [{ label: NAMES[c.vec[0] % NAMES.length]!, embedding: [...c.vec[1]] }],
          facts: c.facts.map(([s, r, o, how]) => ({
            subject: NAMES[s % NAMES.length]!,
            relation: RELATIONS[r % RELATIONS.length]!,
            object: NAMES[(o % (NAMES.length - 1) + s + 1) % NAMES.length]!,
            ...(how === 1 ? { negated: true } : how === 2 ? { change: true } : how === 3 ? { validUntil: now + HOUR } : how === 4 ? { validFrom: now - DAY } : {})
          }))
        }
      })
    })
  )

/** The event-by-event fold with `Replay.apply`: every state and every event's changes. */
const stepwise = (events: ReadonlyArray<Event.Event>) => {
  let state = Replay.initial(Params.defaults, DIM)
  const states = [state]
  const changes: Array<unknown> = []
  for (const e of events) {
    const step = Result.getOrThrow(Replay.apply(state, e))
    state = step.state
    states.push(state)
    changes.push(step.changes)
  }
  return { states, changes }
}

describe("Replay.applyRecalled", () => {
  it("applyRecalled(s, e) == apply(s, e) (state and changes), and its result is Recall.recall's", () => {
    fc.assert(
      fc.property(arbLog, fc.nat(), fc.boolean(), ({ state }, pick, vector) => {
        const name = NAMES[pick % NAMES.length]!
        const event = new Event.Recalled({
          now: T0 + 400 * DAY,
          input: vector ? { text: name, embedding: Array.from({ length: DIM }, (_, j) => ((pick + j) % 5) - 2) } : { text: name }
        })
        const once = Replay.applyRecalled(state, event)
        const plain = Replay.apply(state, event)
        expect(Result.isSuccess(once)).toBe(Result.isSuccess(plain))
        if (Result.isFailure(once) || Result.isFailure(plain)) {
          expect(Result.isFailure(once) && Result.isFailure(plain) && once.failure.message === plain.failure.message).toBe(true)
          return
        }
        expect(Equal.equals(once.success.state.graph, plain.success.state.graph)).toBe(true)
        expect(once.success.state.seq).toBe(plain.success.state.seq)
        expect(once.success.state.params).toBe(plain.success.state.params)
        expect(once.success.changes).toEqual(plain.success.changes)
        expect(once.success.result).toEqual(Recall.recall(state.graph, event.input, state.params, event.now).result)
      }),
      RUNS
    )
  })

  it("an input the recall rejects: the same MalformedEvent as apply, at state.seq", () => {
    const state = Replay.initial(Params.defaults, DIM)
    const event = new Event.Recalled({ now: T0, input: { text: "x", embedding: [1, 2] } })
    const once = Replay.applyRecalled(state, event)
    const plain = Replay.apply(state, event)
    expect(Result.isFailure(once) && Result.isFailure(plain)).toBe(true)
    if (Result.isFailure(once) && Result.isFailure(plain)) {
      expect(once.failure.message).toBe(plain.failure.message)
      expect(once.failure.index).toBe(0)
    }
  })
})

describe("Replay in chunks (one draft per run of Engrammed events)", () => {
  it("applyAll == the event-by-event fold: same graph, contentHash, params, seq and changes, for every chunk size", () => {
    fc.assert(
      fc.property(arbEngramLog, fc.integer({ min: 1, max: 6 }), (events, chunk) => {
        const ref = stepwise(events)
        const last = ref.states[events.length]!
        for (const k of [chunk, Replay.CHUNK]) {
          const out = Replay.applyAll(events, Replay.initial(Params.defaults, DIM), k)
          expect(out.error).toBeUndefined()
          assertValid(out.state.graph, `chunked replay (chunk ${k})`)
          expect(LiquidGraph.contentHash(out.state.graph)).toBe(LiquidGraph.contentHash(last.graph))
          expect(Equal.equals(out.state.graph, last.graph)).toBe(true)
          expect(out.state.params).toEqual(last.params)
          expect(out.state.seq).toBe(events.length)
          expect(out.changes).toEqual(ref.changes)
        }
        const all = Replay.replayAll(events.map((e) => Event.encode(e)), Replay.initial(Params.defaults, DIM))
        expect(LiquidGraph.contentHash(all.state.graph)).toBe(LiquidGraph.contentHash(last.graph))
      }),
      { numRuns: 80 }
    )
  })

  it("a bad event inside a run of Engrammed events: the state before it, unchanged, and the error at its index", () => {
    fc.assert(
      fc.property(
        arbEngramLog,
        fc.nat(),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<unknown>(
          // rejected by engram's checks, after the events before it were written into the draft
          Event.encode(new Event.Engrammed({ now: T0, input: { entities: [{ label: "alice", embedding: [1, 2] }], facts: [] } })),
          Event.encode(new Event.Engrammed({ now: T0, input: { facts: [{ subject: "alice", relation: "likes", object: "?!" }] } })),
          Event.encode(new Event.Engrammed({ now: T0, input: { facts: [{ subject: "alice", relation: "likes", object: "bob", validFrom: 2, validUntil: 1 }] } })),
          // rejected by the Schema
          { _tag: "Engrammed", now: 0, input: { facts: "not an array" } },
          null
        ),
        (events, cut, chunk, bad) => {
          const k = cut % (events.length + 1)
          const ref = stepwise(events.slice(0, k))
          const before = ref.states[k]!
          const json = events.map((e) => Event.encode(e))
          for (const size of [chunk, Replay.CHUNK]) {
            const out = Replay.applyAll([...json.slice(0, k), bad, ...json.slice(k)], Replay.initial(Params.defaults, DIM), size)
            expect(out.error?._tag).toBe("MalformedEvent")
            expect(out.error?.index).toBe(k)
            expect(out.state.seq).toBe(k)
            expect(LiquidGraph.contentHash(out.state.graph)).toBe(LiquidGraph.contentHash(before.graph))
            expect(Equal.equals(out.state.graph, before.graph)).toBe(true)
            expect(out.changes).toEqual(ref.changes)
            assertValid(out.state.graph, "the state before a bad event")
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it("the graph a chunk starts from is never modified (persistence)", () => {
    fc.assert(
      fc.property(arbEngramLog, arbEngramLog, (a, b) => {
        const mid = Result.getOrThrow(Replay.replay(a, Replay.initial(Params.defaults, DIM)))
        const hash = LiquidGraph.contentHash(mid.graph)
        const json = JSON.stringify(mid.graph)
        Replay.replayAll(b, mid)
        Replay.replayAll(b, mid)
        expect(JSON.stringify(mid.graph)).toBe(json)
        const fresh = LiquidGraph.fromJSON(JSON.parse(json))
        expect(LiquidGraph.contentHash(Result.getOrThrow(fresh))).toBe(hash)
        expect(Equal.equals(Result.getOrThrow(fresh), mid.graph)).toBe(true)
      }),
      { numRuns: 40 }
    )
  })
})

describe("Event.isEvent", () => {
  it("is true of decoded events and false of their JSON forms, as Schema.is(Event) is", () => {
    fc.assert(
      fc.property(arbEngramLog, (events) => {
        for (const [i, e] of events.entries()) {
          const json = JSON.parse(JSON.stringify(Event.encode(e))) as unknown
          expect(Event.isEvent(e)).toBe(true)
          expect(Event.isEvent(json)).toBe(false)
          expect(Event.isEvent(Result.getOrThrow(Event.decode(json, i)))).toBe(true)
          expect(Schema.is(Event.Event)(e)).toBe(true)
          expect(Schema.is(Event.Event)(json)).toBe(false)
        }
        for (const u of [null, undefined, 3, "Engrammed", { _tag: "Engrammed", now: 0, input: { facts: [] } }]) expect(Event.isEvent(u)).toBe(false)
      }),
      { numRuns: 30 }
    )
  })
})

// ── snapshots in parts ────────────────────────────────────────────────────────

/** The parts after the trip a store gives them: rows through JSON text, vectors through their bytes. */
const stored = (p: Replay.SnapshotParts): { json: unknown; ids: Array<string>; vectors: Float32Array; dim: number } => ({
  json: JSON.parse(JSON.stringify(p.json)),
  ids: JSON.parse(JSON.stringify(p.ids)),
  vectors: new Float32Array(new Uint8Array(new Uint8Array(p.vectors.buffer, p.vectors.byteOffset, p.vectors.byteLength)).buffer),
  dim: p.dim
})


/** A graph of `n` entities with vectors of `dim` (some replaced, some removed: dead rows), over several pages. */
const pagedGraph = (n: number, dim: number): LiquidGraph.LiquidGraph => {
  const d = LiquidGraph.draft(LiquidGraph.empty(dim))
  const vec = (i: number, k: number): Array<number> => Array.from({ length: dim }, (_, j) => Math.sin(i * 7.1 + j * 1.3 + k))
  for (let i = 0; i < n; i++) {
    d.putNode(Node.semantic(`e${i}`, `E${i}`, T0 + i))
    d.setVector(`e${i}`, vec(i, 0))
  }
  for (let i = 0; i < n; i += 7) d.setVector(`e${i}`, vec(i, 1))
  for (let i = 3; i < n; i += 11) d.removeVector(`e${i}`)
  for (let i = 1; i < n; i++) d.putEdge({ ...arbFact(`e${i - 1}`, `e${i}`), weight: (i % 100) / 100 })
  return d.finish()
}

const arbFact = (s: string, o: string): Fact.Fact => ({
  id: Fact.factId(s, "knows", o, false), kind: "fact", subject: s, relation: "knows", object: o, negated: false, weight: 0.5,
  confidence: 0.8, validFrom: null, validUntil: null, learnedAt: T0, provenance: ["t"], useCount: 0, lastReinforced: T0,
  solidified: false, supersededBy: null
})

describe("snapshots in parts (snapshotParts / restoreParts)", () => {
  it("restoreParts(snapshotParts(s)) == s == restore(snapshot(s)) (graph, contentHash, params, seq), after JSON and bytes", () => {
    fc.assert(
      fc.property(arbLog, ({ state }) => {
        const restored = Result.getOrThrow(Replay.restoreParts(...Object.values(stored(Replay.snapshotParts(state))) as [unknown, Array<string>, Float32Array, number]))
        const old = Result.getOrThrow(Replay.restore(JSON.parse(JSON.stringify(Replay.snapshot(state)))))
        expect(Equal.equals(restored.graph, state.graph)).toBe(true)
        expect(Equal.equals(restored.graph, old.graph)).toBe(true)
        expect(LiquidGraph.contentHash(restored.graph)).toBe(LiquidGraph.contentHash(state.graph))
        expect(restored.params).toEqual(state.params)
        expect(restored.seq).toBe(state.seq)
        assertValid(restored.graph, "restoreParts")
      }),
      RUNS
    )
  })

  it("replay(tail, restoreParts(snapshotParts(replay(prefix)))) == replay(prefix ++ tail)", () => {
    fc.assert(
      fc.property(arbLog, fc.nat(), ({ events, state }, cut) => {
        const k = cut % (events.length + 1)
        const prefix = Result.getOrThrow(Replay.replay(events.slice(0, k), Replay.initial(Params.defaults, DIM)))
        const p = stored(Replay.snapshotParts(prefix))
        const restored = Result.getOrThrow(Replay.restoreParts(p.json, p.ids, p.vectors, p.dim))
        const full = Result.getOrThrow(Replay.replay(events.slice(k), restored))
        expect(Equal.equals(full.graph, state.graph)).toBe(true)
        expect(LiquidGraph.contentHash(full.graph)).toBe(LiquidGraph.contentHash(state.graph))
        expect(full.seq).toBe(state.seq)
      }),
      RUNS
    )
  })

  it("a store over several pages with dead rows round-trips: same vectors bit for bit, live rows only", () => {
    for (const dim of [3, 4, 5]) {
      const g = pagedGraph(700, dim)
      const state: Replay.State = { graph: g, params: Params.defaults, seq: 9 }
      const p = stored(Replay.snapshotParts(state))
      const r = Result.getOrThrow(Replay.restoreParts(p.json, p.ids, p.vectors, p.dim)).graph
      expect(Equal.equals(r, g)).toBe(true)
      expect(LiquidGraph.contentHash(r)).toBe(LiquidGraph.contentHash(g))
      expect(r.vectors.rows).toBe(g.vectors.size)
      for (const [id, v] of VectorStore.entries(g.vectors)) expect(Array.from(VectorStore.get(r.vectors, id)!)).toEqual(Array.from(v))
      // the restored store takes writes as a decoded one does
      const next = VectorStore.set(r.vectors, "e1", Array.from({ length: dim }, () => 1))
      expect(VectorStore.get(next, "e1")![0]).toBeCloseTo(1 / Math.sqrt(dim), 6)
      expect(VectorStore.equals(r.vectors, Result.getOrThrow(LiquidGraph.fromJSON(LiquidGraph.toJSON(g))).vectors)).toBe(true)
      assertValid(r)
    }
  })

  it("contentHash keeps its value: equal to the reference computation (one hashString per lane, VectorStore.fingerprint)", () => {
    fc.assert(
      fc.property(arbLog, ({ state }) => {
        expect(LiquidGraph.contentHash(state.graph)).toBe(referenceHash(state.graph))
      }),
      { numRuns: 30 }
    )
    for (const dim of [1, 2, 3, 4, 5, 6]) {
      const g = pagedGraph(300, dim)
      expect(LiquidGraph.contentHash(g)).toBe(referenceHash(g))
    }
  })

  it("corrupted parts give InvalidGraph or a graph that passes the invariant checker; never a throw", () => {
    const replacements: ReadonlyArray<unknown> = [null, 0, -1, 1, 2, 0.5, 1.5, 1e300, -0, Number.NaN, Infinity, "", "x", "ep:x", [], {}, true, false, [0], 3.7]
    // states from replayed histories (archive, aliases, tombstones, params) and dense graphs (associations, mentions, sequence links)
    const arbState: fc.Arbitrary<Replay.State> = fc.oneof(
      arbLog.map(({ state }) => state),
      arbRichGraph().map((graph) => ({ graph, params: Params.defaults, seq: 3 }))
    )
    const mutate = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 9 }))
    let rejected = 0
    let accepted = 0
    fc.assert(
      fc.property(arbState, fc.array(mutate, { minLength: 1, maxLength: 3 }), (state, hits) => {
        const p = stored(Replay.snapshotParts(state))
        const json = p.json as { graph: Record<string, Array<Array<unknown>>> }
        const graph = json.graph
        let ids = p.ids
        let vectors = p.vectors
        let dim = p.dim
        const present = [...graph["nodes"]!.map((r) => r[0]), ...graph["archivedNodes"]!.map((r) => r[1])].filter((x) => typeof x === "string") as Array<string>
        for (const [where, pick, other, how] of hits) {
          // every array and leaf of the rows, with its holder
          const spots: Array<{ holder: Record<string | number, unknown>; key: string | number; value: unknown }> = []
          // (a copied spot may hold an ancestor: the rows may become cyclic, which the decoder must survive too)
          const seen = new Set<unknown>()
          const walk = (x: unknown): void => {
            if (x === null || typeof x !== "object" || seen.has(x)) return
            seen.add(x)
            for (const [k, v] of Object.entries(x)) {
              spots.push({ holder: x as Record<string, unknown>, key: Array.isArray(x) ? Number(k) : k, value: v })
              walk(v)
            }
          }
          walk(json)
          if (how === 4 && ids.length > 0) {
            // the vector part: an id replaced by another, a float changed, or the lengths broken
            const k = pick % 3
            if (k === 0) ids = ids.map((id, i) => (i === where % ids.length ? ids[other % ids.length]! : id))
            else if (k === 1) {
              vectors = vectors.slice()
              vectors[where % vectors.length] = [0, 2, -1, Number.NaN, 1e-20][other % 5]!
            } else if (other % 2 === 0) ids = ids.slice(1)
            else dim = dim + 1
            continue
          }
          if (how >= 6) {
            // well-typed damage: a field copied from another row of the same list, ends swapped,
            // an alias or a tombstone naming a present id (earlier hits may have broken any part)
            const rows = graph[["nodes", "edges", "archivedNodes", "archivedEdges", "aliases"][where % 5]!]
            const row = Array.isArray(rows) && rows.length > 0 ? rows[pick % rows.length] : undefined
            if (how === 6 && Array.isArray(row) && row.length > 0) {
              const from = rows![other % rows!.length]
              if (Array.isArray(from)) row[other % row.length] = from[other % row.length]
            } else if (how === 7 && Array.isArray(row)) [row[2], row[4]] = [row[4], row[2]]
            else if (how === 8 && present.length > 0 && Array.isArray(graph["aliases"])) graph["aliases"].push([present[pick % present.length]!, "zorp"])
            else if (how === 9 && present.length > 0 && Array.isArray(graph["tombstones"])) {
              ;(graph["tombstones"] as unknown as Array<string>).push(LiquidGraph.tombstoneOf(present[pick % present.length]!))
            }
            continue
          }
          if (spots.length === 0) continue
          const s = spots[where % spots.length]!
          if (how === 0 || how === 4) s.holder[s.key] = replacements[pick % replacements.length]
          else if (how === 1) s.holder[s.key] = spots[other % spots.length]!.value
          else if (how === 2 && Array.isArray(s.holder)) s.holder.splice(s.key as number, 1)
          else if (how === 3 && Array.isArray(s.holder)) s.holder.push(s.value)
          else if (how === 5 && Array.isArray(s.value)) (s.value as Array<unknown>).reverse()
          else delete s.holder[s.key]
        }
        const r = Replay.restoreParts(json, ids, vectors, dim)
        if (Result.isSuccess(r)) {
          accepted++
          assertValid(r.success.graph, "restoreParts of corrupted parts")
        } else {
          rejected++
          expect(r.failure._tag).toBe("InvalidGraph")
        }
      }),
      { numRuns: 400 }
    )
    // both outcomes happen: the law is not vacuous
    expect(rejected).toBeGreaterThan(0)
    expect(accepted).toBeGreaterThan(0)
  })

  it("parts that are not parts at all: InvalidGraph", () => {
    const p = Replay.snapshotParts(Replay.initial())
    for (const json of [null, 3, "x", [], {}, { ...p.json, format: "mags-snapshot/1" }, { ...p.json, seq: -1 }, { ...p.json, seq: 1.5 }, { ...p.json, graph: null }, { ...p.json, graph: { ...p.json.graph, nodes: {} } }, { ...p.json, params: { anchors: 0 } }]) {
      const r = Replay.restoreParts(json, [], new Float32Array(0), 0)
      expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidGraph")
    }
    expect(Result.isFailure(Replay.restoreParts(p.json, ["x"], new Float32Array(4), 4))).toBe(true)
    expect(Result.isFailure(Replay.restoreParts(p.json, [], new Float32Array(3), 4))).toBe(true)
    expect(Result.isFailure(Replay.restoreParts(p.json, [], new Float32Array(0), -1))).toBe(true)
    expect(Result.isFailure(Replay.restoreParts(p.json, [], [] as unknown as Float32Array, 0))).toBe(true)
  })
})
