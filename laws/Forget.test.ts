/**
 * Laws of forget: deletion from the active graph and the archive with a tombstone, over random
 * histories (engram, prune, reactivate, forget, re-ingestion of forgotten turns, recall), folded
 * through `Replay` with the invariants checked after every event.
 */
import { Equal, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Archive from "../core/Archive.ts"
import * as Engram from "../core/Engram.ts"
import * as Event from "../core/Event.ts"
import * as Forget from "../core/Forget.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Recall from "../core/Recall.ts"
import * as Replay from "../core/Replay.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbVector, DAY, DIM, HOUR, NAMES, RELATIONS, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type Command =
  | { readonly _tag: "engram"; readonly facts: ReadonlyArray<readonly [number, number, number]>; readonly vec: ReadonlyArray<number> | undefined; readonly source: boolean }
  | { readonly _tag: "retell"; readonly pick: number }
  | { readonly _tag: "prune"; readonly threshold: number; readonly wait: number }
  | { readonly _tag: "reactivate"; readonly picks: ReadonlyArray<number> }
  | { readonly _tag: "forget"; readonly kind: "subject" | "fact" | "episode" | "all"; readonly pick: number; readonly withEpisodes: boolean }
  | { readonly _tag: "recall"; readonly pick: number }

const arbCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      _tag: fc.constant("engram" as const),
      facts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 0, maxLength: 3 }),
      vec: fc.option(arbVector(DIM), { nil: undefined }),
      source: fc.boolean()
    })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("retell" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ _tag: fc.constant("prune" as const), threshold: fc.integer({ min: 0, max: 100 }).map((x) => x / 100), wait: fc.integer({ min: 0, max: 90 }) })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("reactivate" as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      _tag: fc.constant("forget" as const),
      kind: fc.constantFrom<"subject" | "fact" | "episode" | "all">("subject", "fact", "episode", "episode", "fact", "all"),
      pick: fc.nat(),
      withEpisodes: fc.boolean()
    })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("recall" as const), pick: fc.nat() }) }
)

/** A turn's text: made of a word no other turn uses, so its text can be looked for anywhere. */
const turnText = (i: number, facts: ReadonlyArray<readonly [number, number, number]>): string =>
  `qx${i}zz said ` + facts.map(([s, , o]) => `${NAMES[s % NAMES.length]} and ${NAMES[o % NAMES.length]}`).join(", ")

interface History {
  readonly events: Array<Event.Event>
  readonly state: Replay.State
  /** Every episode (node id) and fact (edge id) ever told, with the index of the event that told it last. */
  readonly told: Map<string, number>
  /** Every id forget deleted, with the index of the event that deleted it last. */
  readonly forgotten: Map<string, number>
  /** The unique text of every forgotten episode. */
  readonly forgottenTexts: Map<string, string>
}

const sorted = (xs: Iterable<string>): Array<string> => Array.from(xs).sort()

const build = (commands: ReadonlyArray<Command>): History => {
  const params = Params.unsafeMake({ inactiveAfter: 30 * DAY, archiveVectors: 3 })
  let state = Replay.initial(params, DIM)
  const events: Array<Event.Event> = []
  const told = new Map<string, number>()
  const forgotten = new Map<string, number>()
  const forgottenTexts = new Map<string, string>()
  const inputs: Array<Engram.EngramInput> = []
  const texts = new Map<string, string>()
  let now = T0
  commands.forEach((c, i) => {
    now += HOUR
    const g = state.graph
    let event: Event.Event
    switch (c._tag) {
      case "engram": {
        const input: Engram.EngramInput = {
          episode: { id: "t" + i, text: turnText(i, c.facts), time: now, ...(c.vec === undefined ? {} : { embedding: [...c.vec] }) },
          facts: c.facts.map(([s, r, o]) => ({
            subject: NAMES[s % NAMES.length]!,
            relation: RELATIONS[r % RELATIONS.length]!,
            object: NAMES[(o % (NAMES.length - 1) + s + 1) % NAMES.length]!,
            ...(c.source ? { source: "chat" } : {})
          }))
        }
        inputs.push(input)
        texts.set("ep:t" + i, input.episode!.text)
        event = new Event.Engrammed({ now, input })
        break
      }
      case "retell": {
        if (inputs.length === 0) return
        event = new Event.Engrammed({ now, input: inputs[c.pick % inputs.length]! })
        break
      }
      case "prune":
        now += c.wait * DAY
        event = new Event.Pruned({ now, input: { threshold: c.threshold } })
        break
      case "reactivate": {
        const archived = [...Archive.archivedNodeIds(g), ...Archive.archivedEdgeIds(g)]
        event = new Event.Reactivated({ now, input: { ids: archived.length === 0 ? [] : c.picks.map((p) => archived[p % archived.length]!) } })
        break
      }
      case "recall":
        event = new Event.Recalled({ now, input: { text: `what about ${NAMES[c.pick % NAMES.length]}` } })
        break
      case "forget": {
        const pick = <A>(xs: ReadonlyArray<A>): A | undefined => (xs.length === 0 ? undefined : xs[c.pick % xs.length])
        const episodes = sorted([...LiquidGraph.nodes(g), ...Array.from(g.archivedNodes, ([, a]) => a.node)].filter((n) => n.kind === "episode").map((n) => n.id))
        const facts = sorted([...LiquidGraph.edges(g), ...Array.from(g.archivedEdges, ([, a]) => a.edge)].filter((e) => e.kind === "fact").map((e) => e.id))
        const input: Forget.ForgetInput | undefined =
          c.kind === "all" ? (c.pick % 4 === 0 ? { _tag: "all" } : undefined)
          : c.kind === "subject" ? { _tag: "subject", key: NAMES[c.pick % NAMES.length]!, withEpisodes: c.withEpisodes }
          : c.kind === "fact" ? (pick(facts) === undefined ? undefined : { _tag: "fact", id: pick(facts)! })
          : pick(episodes) === undefined ? undefined : { _tag: "episode", id: pick(episodes)!.slice(3) }
        if (input === undefined) return
        event = new Event.Forgotten({ now, input })
        break
      }
    }
    const step = Replay.apply(state, event)
    if (Result.isFailure(step)) throw new Error(`event ${i} (${event._tag}) rejected: ${step.failure.message}`)
    const { changes } = step.success
    state = step.success.state
    assertValid(state.graph, `event ${i} (${event._tag})`)
    const at = events.length
    events.push(event)
    if (event._tag === "Engrammed" && changes.episodesSkipped.length === 0) {
      const ids = Engram.engram(g, event.input, state.params, event.now).ids
      if (ids.episode !== null) told.set(ids.episode, at)
      for (const f of ids.facts) told.set(f, at)
    }
    for (const id of [...changes.nodesForgotten, ...changes.edgesForgotten]) {
      forgotten.set(id, at)
      const text = texts.get(id)
      if (text !== undefined) forgottenTexts.set(id, text)
    }
  })
  return { events, state, told, forgotten, forgottenTexts }
}

const arbHistory = fc.array(arbCommand, { minLength: 1, maxLength: 30 }).map(build)

/** Whether memory holds `id`, active or archived. */
const holds = (g: LiquidGraph.LiquidGraph, id: string): boolean =>
  LiquidGraph.hasNode(g, id) || LiquidGraph.hasEdge(g, id) || LiquidGraph.isArchived(g, id)

describe("Forget", () => {
  it("nothing told is lost unless forgotten: every episode and fact ever engrammed is active or archived, or was forgotten after it was last told", () => {
    fc.assert(
      fc.property(arbHistory, ({ state, told, forgotten }) => {
        for (const [id, at] of told) {
          const gone = forgotten.get(id)
          if (gone !== undefined && gone > at) expect(holds(state.graph, id)).toBe(false)
          else expect(holds(state.graph, id)).toBe(true)
        }
      }),
      { numRuns: 150 }
    )
  })

  it("forget then any replay never returns the item: not in the graph, its JSON, a recall or the replayed graph (a forgotten turn told again stays out)", () => {
    fc.assert(
      fc.property(arbHistory, ({ events, state, forgottenTexts }) => {
        const replayed = Result.getOrThrow(Replay.replay(events, Replay.initial(state.params, DIM)))
        expect(Equal.equals(replayed.graph, state.graph)).toBe(true)
        const json = JSON.stringify(LiquidGraph.toJSON(replayed.graph))
        for (const [id, text] of forgottenTexts) {
          expect(holds(replayed.graph, id)).toBe(false)
          expect(LiquidGraph.isForgotten(replayed.graph, id)).toBe(true)
          expect(VectorStore.has(replayed.graph.vectors, id)).toBe(false)
          expect(json.includes(text)).toBe(false)
          const word = text.split(" ")[0]!
          expect(LiquidGraph.documentFrequency(replayed.graph, word)).toBe(0)
          const { result } = Recall.recall(replayed.graph, { text: word }, state.params, T0 + 400 * DAY)
          expect(JSON.stringify(result).includes(word)).toBe(false)
        }
      }),
      { numRuns: 150 }
    )
  })

  it("forget(forget(g, x), x) == forget(g, x); a target that names nothing is a no-op", () => {
    fc.assert(
      fc.property(arbHistory, fc.nat(), fc.constantFrom("subject", "fact", "episode"), ({ state }, pick, kind) => {
        const g = state.graph
        const facts = sorted([...LiquidGraph.edges(g), ...Array.from(g.archivedEdges, ([, a]) => a.edge)].map((e) => e.id))
        const eps = sorted([...Archive.archivedNodeIds(g), ...LiquidGraph.nodes(g).map((n) => n.id)].filter((id) => id.startsWith("ep:")))
        const input: Forget.ForgetInput =
          kind === "subject" ? { _tag: "subject", key: NAMES[pick % NAMES.length]! }
          : kind === "fact" ? { _tag: "fact", id: facts[pick % Math.max(1, facts.length)] ?? "f|none" }
          : { _tag: "episode", id: (eps[pick % Math.max(1, eps.length)] ?? "ep:none").slice(3) }
        const once = Forget.forget(g, input, state.params, T0)
        assertValid(once.graph, "forget")
        const twice = Forget.forget(once.graph, input, state.params, T0)
        expect(twice.graph).toBe(once.graph)
        expect(Equal.equals(twice.graph, once.graph)).toBe(true)
        for (const id of once.changes.nodesForgotten) expect(LiquidGraph.isForgotten(once.graph, id)).toBe(true)
        // nothing else is lost
        const gone = new Set([...once.changes.nodesForgotten, ...once.changes.edgesForgotten])
        for (const id of [...LiquidGraph.nodes(g).map((n) => n.id), ...facts, ...Archive.archivedNodeIds(g)]) {
          if (!gone.has(id)) expect(holds(once.graph, id)).toBe(true)
        }
        expect(Forget.forget(g, { _tag: "subject", key: "nobody at all" }, state.params, T0).graph).toBe(g)
      }),
      { numRuns: 100 }
    )
  })

  it("forget episode: a fact told only by it goes; one with another source stays and loses it from its provenance", () => {
    const p = Params.defaults
    let g = Engram.engram(LiquidGraph.empty(), {
      episode: { id: "t1", text: "Alice lives in Paris and likes Bob", time: T0 },
      facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }, { subject: "Alice", relation: "likes", object: "Bob" }]
    }, p, T0).graph
    g = Engram.engram(g, { episode: { id: "t2", text: "Alice likes Bob", time: T0 }, facts: [{ subject: "Alice", relation: "likes", object: "Bob" }] }, p, T0 + HOUR).graph
    const { graph: h, changes } = Forget.forget(g, { _tag: "episode", id: "t1" }, p, T0 + 2 * HOUR)
    assertValid(h)
    expect(changes.nodesForgotten).toEqual(["ep:t1", "paris"]) // paris is left with nothing
    expect(LiquidGraph.hasEdge(h, "f|alice|lives_in|paris")).toBe(false)
    expect(LiquidGraph.isForgotten(h, "f|alice|lives_in|paris")).toBe(true)
    expect(LiquidGraph.edge(h, "f|alice|likes|bob")!.provenance).toEqual(["ep:t2"])
    expect(changes.edgesRedacted).toContain("f|alice|likes|bob")
    expect(JSON.stringify(LiquidGraph.toJSON(h))).not.toContain("Paris")
    // re-ingesting the forgotten turn changes nothing, and says so
    const again = Engram.engram(h, {
      episode: { id: "t1", text: "Alice lives in Paris and likes Bob", time: T0 },
      facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }]
    }, p, T0 + 3 * HOUR)
    expect(again.graph).toBe(h)
    expect(again.changes.episodesSkipped).toEqual(["ep:t1"])
  })

  it("forget subject: the node, its edges and aliases go, active and archived; withEpisodes takes the episodes that mention it", () => {
    const p = Params.defaults
    let g = Engram.engram(LiquidGraph.empty(), {
      episode: { id: "t1", text: "Alice moved to Paris", time: T0 },
      facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }, { subject: "Bob", relation: "knows", object: "Carol" }]
    }, p, T0).graph
    g = Forget.forget(g, { _tag: "subject", key: "Alice" }, p, T0 + HOUR).graph
    assertValid(g)
    expect(LiquidGraph.hasNode(g, "alice")).toBe(false)
    expect(LiquidGraph.isForgotten(g, "alice")).toBe(true)
    expect(LiquidGraph.hasNode(g, "ep:t1")).toBe(true) // the turn stays unless asked for
    const h = Forget.forget(g, { _tag: "subject", key: "bob", withEpisodes: true }, p, T0 + HOUR)
    assertValid(h.graph)
    expect(h.changes.nodesForgotten).toEqual(expect.arrayContaining(["bob", "ep:t1"]))
    expect(LiquidGraph.hasNode(h.graph, "carol")).toBe(false) // orphaned with bob's only fact
  })

  it("forget all: an empty memory with every former id tombstoned; replay of the log after it engrams only new turns", () => {
    const p = Params.defaults
    const log = [
      new Event.Engrammed({ now: T0, input: { episode: { id: "t1", text: "Alice lives in Paris", time: T0 }, facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }] } }),
      new Event.Pruned({ now: T0 + 90 * DAY, input: { threshold: 1 } }),
      new Event.Forgotten({ now: T0 + 91 * DAY, input: { _tag: "all" } }),
      new Event.Engrammed({ now: T0 + 92 * DAY, input: { episode: { id: "t1", text: "Alice lives in Paris", time: T0 }, facts: [] } }),
      new Event.Engrammed({ now: T0 + 92 * DAY, input: { episode: { id: "t2", text: "Bob is new", time: T0 }, facts: [] } })
    ]
    const s = Result.getOrThrow(Replay.replay(log, Replay.initial(p)))
    assertValid(s.graph)
    expect(LiquidGraph.nodes(s.graph).map((n) => n.id)).toEqual(["ep:t2"])
    expect(LiquidGraph.archivedNodeCount(s.graph) + LiquidGraph.archivedEdgeCount(s.graph)).toBe(0)
    expect(LiquidGraph.isForgotten(s.graph, "ep:t1")).toBe(true)
    expect(JSON.stringify(Replay.snapshot(s))).not.toContain("Paris")
    const restored = Result.getOrThrow(Replay.restore(JSON.parse(JSON.stringify(Replay.snapshot(s)))))
    expect(Equal.equals(restored.graph, s.graph)).toBe(true)
  })

  it("invalid input throws InvalidInput and leaves the graph untouched", () => {
    const g = Engram.engram(LiquidGraph.empty(), { facts: [{ subject: "a", relation: "r", object: "b" }] }, Params.defaults, T0).graph
    const before = JSON.stringify(LiquidGraph.toJSON(g))
    for (const bad of [{ _tag: "subject", key: "" }, { _tag: "subject", key: "!!!" }, { _tag: "fact", id: "" }, { _tag: "episode", id: 3 }, { _tag: "nope" }, null]) {
      expect(() => Forget.forget(g, bad as never, Params.defaults, T0)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    }
    expect(() => Forget.forget(g, { _tag: "all" }, Params.defaults, Number.NaN)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    expect(JSON.stringify(LiquidGraph.toJSON(g))).toBe(before)
  })

  it("Forgotten and Reactivated events round-trip through their JSON form", () => {
    for (const e of [
      new Event.Forgotten({ now: T0, input: { _tag: "subject", key: "alice", withEpisodes: true } }),
      new Event.Forgotten({ now: T0, input: { _tag: "all" } }),
      new Event.Reactivated({ now: T0, input: { ids: ["ep:t1"] } })
    ]) {
      const back = Result.getOrThrow(Event.decode(JSON.parse(JSON.stringify(Event.encode(e))), 0))
      expect(back).toEqual(e)
    }
  })
})
