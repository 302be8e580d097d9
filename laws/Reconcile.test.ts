import { Equal } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Changes } from "../core/Changes.ts"
import * as FactM from "../core/Fact.ts"
import type { Fact } from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Reconcile from "../core/Reconcile.ts"
import { arbGraph, DAY, fact, HOUR, semanticNode, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

const params = Params.defaults
const NOW = T0 + 30 * DAY
const SUBJECTS = ["alice", "bob"]
const OBJECTS = ["paris", "london", "berlin", "cat"]
/** `lives_in` is single-valued in the defaults, `likes` is not. */
const REL = ["lives_in", "likes"]

// ── generators ────────────────────────────────────────────────────────────────

const arbUnit = fc.oneof(fc.constantFrom(0, 0.1, 0.5, 0.8, 1), fc.double({ min: 0, max: 1, noNaN: true }))

const arbFact = (opts: { readonly explicitFrom?: boolean; readonly subjects?: ReadonlyArray<string>; readonly relations?: ReadonlyArray<string> } = {}) =>
  fc
    .record({
      s: fc.constantFrom(...(opts.subjects ?? SUBJECTS)),
      r: fc.constantFrom(...(opts.relations ?? REL)),
      o: fc.constantFrom(...OBJECTS),
      negated: fc.boolean(),
      version: fc.constantFrom(0, 0, 0, 1),
      day: fc.integer({ min: 0, max: 6 }),
      lag: fc.integer({ min: 0, max: 3 }),
      explicitFrom: opts.explicitFrom === undefined ? fc.boolean() : fc.constant(opts.explicitFrom),
      confidence: arbUnit,
      weight: arbUnit,
      provenance: fc.array(fc.constantFrom("s1", "s2", "s3", "s4"), { maxLength: 5 })
    })
    .map(({ s, r, o, negated, version, day, lag, explicitFrom, confidence, weight, provenance }): Fact => {
      const from = T0 + day * DAY
      const f = fact(s, r, o, from + lag * HOUR, { negated, confidence, weight, provenance, validFrom: explicitFrom ? from : null })
      return version === 0 ? f : { ...f, id: f.id + "#" + version }
    })

/** Sets of facts with distinct ids, over few subjects/relations/objects so slots collide often. */
const arbFacts = (opts: Parameters<typeof arbFact>[0] = {}, maxLength = 14) =>
  fc.uniqueArray(arbFact(opts), { selector: (f) => f.id, maxLength })

/** A set of facts and a permutation of it. */
const arbFactsAndShuffle = arbFacts().chain((fs) =>
  fc.tuple(fc.constant(fs), fc.shuffledSubarray(fs, { minLength: fs.length, maxLength: fs.length }))
)

/** A graph holding `facts`, inserted in the given order, with every endpoint as a node. */
const graphOf = (facts: ReadonlyArray<Fact>): LiquidGraph.LiquidGraph => {
  const d = LiquidGraph.draft(LiquidGraph.empty())
  for (const name of [...SUBJECTS, ...OBJECTS]) d.putNode(semanticNode(name, T0))
  for (const f of facts) d.putEdge(f)
  return d.finish()
}

const run = (g: LiquidGraph.LiquidGraph, input: Reconcile.ReconcileInput = {}, p: Params.Params = params) => {
  const r = Reconcile.reconcile(g, input, p, NOW)
  assertValid(r.graph, "reconcile")
  return r
}

// ── independent checks ────────────────────────────────────────────────────────

/** Every pair of current facts that still contradicts, by the definition (not by `conflict`). */
const violations = (g: LiquidGraph.LiquidGraph, singleValued: ReadonlyArray<string>): Array<string> => {
  const bad: Array<string> = []
  for (const key of LiquidGraph.slotKeys(g)) {
    const cur = LiquidGraph.slotIdsAt(g, key)
      .map((id) => LiquidGraph.edge(g, id)!)
      .filter(FactM.isCurrent)
    for (const a of cur) {
      for (const b of cur) {
        if (a.id >= b.id) continue
        if (a.negated !== b.negated && a.object === b.object) bad.push(`negation ${a.id} / ${b.id}`)
        if (!a.negated && !b.negated && a.object !== b.object && singleValued.includes(a.relation)) {
          bad.push(`single-valued ${a.id} / ${b.id}`)
        }
      }
    }
  }
  return bad
}

const older = (a: Fact, b: Fact): boolean => {
  const ta = a.validFrom ?? a.learnedAt
  const tb = b.validFrom ?? b.learnedAt
  return ta !== tb
    ? ta < tb
    : a.learnedAt !== b.learnedAt
    ? a.learnedAt < b.learnedAt
    : a.negated !== b.negated
    ? !a.negated
    : a.id > b.id
}

/** Ids of the edges whose rows differ between `a` and `b` (or that exist in only one), sorted. */
const changedEdges = (a: LiquidGraph.LiquidGraph, b: LiquidGraph.LiquidGraph): Array<string> => {
  const out = new Set<string>()
  for (const e of LiquidGraph.edges(a)) {
    const f = LiquidGraph.edge(b, e.id)
    if (f === undefined || FactM.canonical(f) !== FactM.canonical(e)) out.add(e.id)
  }
  for (const e of LiquidGraph.edges(b)) if (!LiquidGraph.hasEdge(a, e.id)) out.add(e.id)
  return [...out].sort()
}

const slotOf = (f: Fact): string => FactM.slotKey(f.subject, f.relation)

// ── laws ──────────────────────────────────────────────────────────────────────

describe("Reconcile", () => {
  it("∀ current a ≠ b after reconcile: no single-valued clash, no negated fact with a positive twin", () => {
    fc.assert(
      fc.property(arbFacts(), fc.double({ min: 0, max: 3, noNaN: true }), (facts, margin) => {
        const p = { ...params, supportMargin: margin }
        const { graph } = run(graphOf(facts), {}, p)
        expect(violations(graph, p.singleValued)).toEqual([])
      }),
      { numRuns: 300 }
    )
    fc.assert(
      fc.property(arbGraph(), (g) => {
        const { graph } = run(g)
        expect(violations(graph, params.singleValued)).toEqual([])
      }),
      { numRuns: 200 }
    )
  })

  it("nothing is deleted: edges(reconcile(g)) == edges(g) up to validUntil/supersededBy (validFrom of rejected claims); nodes unchanged", () => {
    fc.assert(
      fc.property(arbFacts(), (facts) => {
        const g = graphOf(facts)
        const { graph, changes } = run(g)
        expect(LiquidGraph.edgeCount(graph)).toBe(LiquidGraph.edgeCount(g))
        expect(Equal.equals(graph.nodes, g.nodes)).toBe(true)
        const losers = changes.superseded.map((s) => s.loser)
        expect(new Set(losers).size).toBe(losers.length)
        expect(changedEdges(g, graph)).toEqual([...losers].sort())
        for (const s of changes.superseded) {
          const before = LiquidGraph.edge(g, s.loser)!
          const after = LiquidGraph.edge(graph, s.loser)!
          expect(FactM.isCurrent(before)).toBe(true)
          expect({ ...after, validFrom: before.validFrom, validUntil: null, supersededBy: null }).toEqual(before)
          expect(after.supersededBy).toBe(s.winner)
          expect(after.validUntil).toBe(s.validUntil)
          expect(after.weight).toBe(before.weight)
          // the loser stays queryable as history through its slot
          expect(LiquidGraph.slot(graph, after.subject, after.relation).some((f) => f.id === s.loser)).toBe(true)
          const w = LiquidGraph.edge(g, s.winner)!
          expect(slotOf(w)).toBe(slotOf(before))
          expect(s.winnerSupport).toBe(Reconcile.support(w))
          expect(s.loserSupport).toBe(Reconcile.support(before))
          if (older(before, w)) {
            // replaced by a newer fact: held until the winner's time
            expect(s.validUntil).toBe(Reconcile.time(w))
            expect(after.validFrom).toBe(before.validFrom)
          } else {
            // rejected by an older, much better supported fact: never valid
            expect(s.winnerSupport).toBeGreaterThan(s.loserSupport + params.supportMargin)
            expect(after.validFrom).toBe(Reconcile.time(before))
            expect(after.validUntil).toBe(Reconcile.time(before))
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it("reconcile(reconcile(g)) == reconcile(g), and the second changes nothing", () => {
    fc.assert(
      fc.property(fc.oneof(arbFacts().map(graphOf), arbGraph()), (g) => {
        const once = run(g).graph
        const twice = run(once)
        expect(Equal.equals(twice.graph, once)).toBe(true)
        expect(twice.graph).toBe(once)
        expect(twice.changes.superseded).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("reconcile(insert(shuffle(F))) == reconcile(insert(F)) (independent of arrival order)", () => {
    fc.assert(
      fc.property(arbFactsAndShuffle, ([facts, shuffled]) => {
        const a = run(graphOf(facts))
        const b = run(graphOf(shuffled))
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(LiquidGraph.contentHash(a.graph)).toBe(LiquidGraph.contentHash(b.graph))
        expect(b.changes).toEqual(a.changes)
      }),
      { numRuns: 300 }
    )
  })

  it("reconcile(g, { facts: all ids }) == reconcile(g, {})", () => {
    fc.assert(
      fc.property(fc.oneof(arbFacts().map(graphOf), arbGraph()), (g) => {
        const all = LiquidGraph.edges(g).map((e) => e.id)
        const a = run(g, { facts: all })
        const b = run(g, {})
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(a.changes).toEqual(b.changes)
      }),
      { numRuns: 200 }
    )
  })

  it("reconcile(g, { facts: F }) == reconcile(g, {}) on the slots of F, and == g elsewhere", () => {
    fc.assert(
      fc.property(
        arbFacts().chain((fs) => fc.tuple(fc.constant(fs), fc.subarray(fs.map((f) => f.id)))),
        ([facts, some]) => {
          const g = graphOf(facts)
          const part = run(g, { facts: some }).graph
          const full = run(g, {}).graph
          const slots = new Set(some.map((id) => slotOf(LiquidGraph.edge(g, id)!)))
          for (const e of LiquidGraph.edges(g)) {
            const expected = slots.has(slotOf(e)) ? LiquidGraph.edge(full, e.id) : e
            expect(LiquidGraph.edge(part, e.id)).toEqual(expected)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it("insert-and-reconcile each fact in chronological order == insert all, reconcile once", () => {
    fc.assert(
      fc.property(arbFacts(), (facts) => {
        const sorted = [...facts].sort(Reconcile.chronological)
        let g = graphOf([])
        const superseded: Array<Changes["superseded"][number]> = []
        for (const f of sorted) {
          const d = LiquidGraph.draft(g)
          d.putEdge(f)
          const r = run(d.finish(), { facts: [f.id] })
          g = r.graph
          superseded.push(...r.changes.superseded)
        }
        const batch = run(graphOf(facts))
        expect(Equal.equals(g, batch.graph)).toBe(true)
        const key = (s: (typeof superseded)[number]) => s.loser
        expect([...superseded].sort((x, y) => (key(x) < key(y) ? -1 : 1))).toEqual(
          [...batch.changes.superseded].sort((x, y) => (key(x) < key(y) ? -1 : 1))
        )
      }),
      { numRuns: 300 }
    )
  })

  it("history is consistent: with validFrom known, at no world time τ do two contradicting facts both hold", () => {
    fc.assert(
      fc.property(arbFacts({ explicitFrom: true }), (facts) => {
        const { graph } = run(graphOf(facts))
        const all = LiquidGraph.edges(graph)
        const instants = new Set(all.map((f) => f.validFrom!))
        for (const tau of instants) {
          const valid = all.filter((f) => FactM.isValidAt(f, tau))
          for (const a of valid) {
            for (const b of valid) {
              if (a.id >= b.id || slotOf(a) !== slotOf(b)) continue
              expect(a.negated !== b.negated && a.object === b.object).toBe(false)
              if (!a.negated && !b.negated && params.singleValued.includes(a.relation)) expect(a.object).toBe(b.object)
            }
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it("two contradicting facts: the newer wins unless support(older) > support(newer) + supportMargin", () => {
    const arbPair = fc
      .tuple(arbFact({ subjects: ["alice"], relations: ["lives_in"] }), arbFact({ subjects: ["alice"], relations: ["lives_in"] }))
      .filter(([a, b]) => a.id !== b.id && Reconcile.conflict(a, b, params) !== null)
    fc.assert(
      fc.property(arbPair, fc.double({ min: 0, max: 2, noNaN: true }), ([a, b], margin) => {
        const p = { ...params, supportMargin: margin }
        const [o, n] = older(a, b) ? [a, b] : [b, a]
        const expected = Reconcile.support(o) > Reconcile.support(n) + margin ? o : n
        const { graph, changes } = run(graphOf([a, b]), {}, p)
        expect(Reconcile.winner(a, b, p)).toBe(expected)
        expect(Reconcile.winner(b, a, p)).toBe(expected)
        expect(FactM.isCurrent(LiquidGraph.edge(graph, expected.id)!)).toBe(true)
        const loser = expected === a ? b : a
        expect(changes.superseded).toEqual([
          {
            winner: expected.id,
            loser: loser.id,
            reason: a.negated !== b.negated ? "negation" : "single-valued",
            winnerSupport: Reconcile.support(expected),
            loserSupport: Reconcile.support(loser),
            validUntil: Reconcile.time(n),
            why: expect.stringContaining(expected === n ? "the newer fact wins" : "the newer claim is rejected")
          }
        ])
      }),
      { numRuns: 300 }
    )
  })

  it("a slot with one current fact (and any history) is untouched: reconcile(g) == g", () => {
    fc.assert(
      fc.property(arbFacts({ subjects: ["alice"], relations: ["lives_in"] }, 8), fc.nat(), (facts, pick) => {
        if (facts.length === 0) return
        const keep = pick % facts.length
        const withHistory = facts.map((f, i) =>
          i === keep ? f : { ...f, validUntil: Reconcile.time(f) + HOUR, supersededBy: i % 2 === 0 ? null : facts[keep]!.id }
        )
        const g = graphOf(withHistory)
        const r = run(g)
        expect(r.graph).toBe(g)
        expect(r.changes.superseded).toEqual([])
      }),
      { numRuns: 200 }
    )
  })

  it("multi-valued relations: positive facts are untouched; only negation supersedes", () => {
    fc.assert(
      fc.property(arbFacts({ relations: ["likes"] }), (facts) => {
        const positives = graphOf(facts.map((f) => ({ ...f, negated: false, id: f.id.replace("|not", "") })).filter(
          (f, i, all) => all.findIndex((x) => x.id === f.id) === i
        ))
        const r = run(positives)
        expect(r.graph).toBe(positives)
        const mixed = run(graphOf(facts))
        for (const s of mixed.changes.superseded) expect(s.reason).toBe("negation")
      }),
      { numRuns: 200 }
    )
    fc.assert(
      fc.property(arbFacts(), (facts) => {
        const { changes } = run(graphOf(facts), {}, { ...params, singleValued: [] })
        for (const s of changes.superseded) expect(s.reason).toBe("negation")
      }),
      { numRuns: 200 }
    )
  })

  it("facts with disjoint explicit validity intervals are untouched: reconcile(g) == g", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...OBJECTS), fc.boolean(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 8
        }),
        fc.boolean(),
        (spans, openEnded) => {
          let t = T0
          const facts: Array<Fact> = []
          spans.forEach(([o, negated, length, gap], i) => {
            const from = t + gap * DAY
            const until = from + length * DAY
            const f = fact("alice", "lives_in", o, T0 + 40 * DAY, { negated, validFrom: from, validUntil: until })
            facts.push({ ...f, id: f.id + "#" + i })
            t = until
          })
          // a current fact that starts when the last interval ended overlaps none of them
          if (openEnded) facts.push(fact("alice", "lives_in", "zorp", T0 + 41 * DAY, { validFrom: t }))
          const d = LiquidGraph.draft(graphOf([]))
          d.putNode(semanticNode("zorp", T0))
          for (const f of facts) d.putEdge(f)
          const g = d.finish()
          const r = run(g)
          expect(r.graph).toBe(g)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("persistence: reconcile never changes its input graph", () => {
    fc.assert(
      fc.property(arbFacts(), (facts) => {
        const g = graphOf(facts)
        const before = JSON.stringify(g)
        const hash = LiquidGraph.contentHash(g)
        run(g)
        run(g, { facts: facts.map((f) => f.id) })
        expect(JSON.stringify(g)).toBe(before)
        expect(LiquidGraph.contentHash(g)).toBe(hash)
      }),
      { numRuns: 100 }
    )
  })

  it("g.pipe(reconcile(input, params, now)) == reconcile(g, input, params, now)", () => {
    fc.assert(
      fc.property(arbFacts(), (facts) => {
        const g = graphOf(facts)
        const a = g.pipe(Reconcile.reconcile({}, params, NOW))
        const b = Reconcile.reconcile(g, {}, params, NOW)
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(a.changes).toEqual(b.changes)
      }),
      { numRuns: 50 }
    )
  })

  it("support: ≥ 0, repeated sources count once, monotone in confidence, weight and sources", () => {
    fc.assert(
      fc.property(arbFact(), arbUnit, arbUnit, fc.string(), (f, c, w, src) => {
        const s = Reconcile.support(f)
        expect(s).toBeGreaterThanOrEqual(0)
        expect(Reconcile.support({ ...f, provenance: [...f.provenance, ...f.provenance] })).toBe(s)
        expect(Reconcile.support({ ...f, confidence: Math.max(c, f.confidence) })).toBeGreaterThanOrEqual(s)
        expect(Reconcile.support({ ...f, weight: Math.max(w, f.weight) })).toBeGreaterThanOrEqual(s)
        expect(Reconcile.support({ ...f, provenance: [...f.provenance, src] })).toBeGreaterThanOrEqual(s)
      })
    )
  })

  it("rejects unknown ids and a non-finite now with InvalidInput, building nothing", () => {
    const g = graphOf([fact("alice", "lives_in", "paris", T0)])
    const tag = (thunk: () => unknown): unknown => {
      try {
        thunk()
        return "no error"
      } catch (e) {
        return (e as { _tag?: string })._tag
      }
    }
    expect(tag(() => Reconcile.reconcile(g, { facts: ["f|alice|lives_in|nowhere"] }, params, NOW))).toBe("InvalidInput")
    expect(tag(() => Reconcile.reconcile(g, {}, params, Number.NaN))).toBe("InvalidInput")
    expect(tag(() => Reconcile.reconcile(g, { facts: [42 as unknown as string] }, params, NOW))).toBe("InvalidInput")
    expect(tag(() => Reconcile.reconcile(g, { facts: "f|alice|lives_in|paris" as unknown as Array<string> }, params, NOW))).toBe(
      "InvalidInput"
    )
    expect(tag(() => Reconcile.reconcile(g, { facts: ["f|alice|lives_in|paris"] }, params, NOW))).toBe("no error")
  })
})

// ── named scenarios ───────────────────────────────────────────────────────────

const Y2020 = Date.UTC(2020, 0, 1)
const Y2023 = Date.UTC(2023, 0, 1)
const Y2024 = Date.UTC(2024, 0, 1)
const strong = { confidence: 1, weight: 1, provenance: ["census", "lease", "tax", "mail"] }
const weak = { confidence: 0.3, weight: 0.2, provenance: [] }

interface Scenario {
  readonly name: string
  readonly facts: ReadonlyArray<Fact>
  readonly params?: Partial<Params.Params>
  /** ids expected current afterwards (among the scenario's facts) */
  readonly current: ReadonlyArray<string>
  /** loser → [winner, validFrom, validUntil] afterwards */
  readonly superseded: Readonly<Record<string, readonly [string, number | null, number]>>
}

const paris = fact("alice", "lives_in", "paris", T0, { validFrom: Y2020 })
const london = fact("alice", "lives_in", "london", T0 + HOUR, { validFrom: Y2023 })
const berlin = fact("alice", "lives_in", "berlin", T0 + 2 * HOUR, { validFrom: Y2024 })
const likesCats = fact("bob", "likes", "cat", Y2020)
const notLikesCats = fact("bob", "likes", "cat", Y2023, { negated: true })
const notLondon = fact("alice", "lives_in", "london", Y2024, { negated: true })

const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "Alice lives in Paris (2020) then London (2023) → London current, Paris valid until 2023",
    facts: [paris, london],
    current: [london.id],
    superseded: { [paris.id]: [london.id, Y2020, Y2023] }
  },
  {
    name: "Paris (2020) → London (2023) → Berlin (2024): contiguous history",
    facts: [berlin, paris, london],
    current: [berlin.id],
    superseded: { [paris.id]: [london.id, Y2020, Y2023], [london.id]: [berlin.id, Y2023, Y2024] }
  },
  {
    name: "an older fact with overwhelming support beats a weak newer one, which is never valid",
    facts: [{ ...paris, ...strong }, { ...london, ...weak, validFrom: null, learnedAt: Y2023 }],
    current: [paris.id],
    superseded: { [london.id]: [paris.id, Y2023, Y2023] }
  },
  {
    name: "an older fact ahead by exactly the margin does not win (strictly more is needed)",
    facts: [
      { ...paris, confidence: 1, weight: 1 },
      { ...london, confidence: 0.75, weight: 1 }
    ],
    params: { supportMargin: 0.25 },
    current: [london.id],
    superseded: { [paris.id]: [london.id, Y2020, Y2023] }
  },
  {
    name: "a weak claim contradicting two equally strong facts is rejected by the newer of them",
    facts: [
      { ...paris, ...strong },
      { ...notLondon, ...strong, learnedAt: Y2023 - DAY, lastReinforced: Y2023 - DAY },
      { ...london, ...weak }
    ],
    current: [paris.id, notLondon.id],
    superseded: { [london.id]: [notLondon.id, Y2023, Y2023] }
  },
  {
    name: "Bob does not like cats (2023) supersedes Bob likes cats (2020)",
    facts: [likesCats, notLikesCats],
    current: [notLikesCats.id],
    superseded: { [likesCats.id]: [notLikesCats.id, null, Y2023] }
  },
  {
    name: "Bob likes cats (2023) supersedes Bob does not like cats (2020)",
    facts: [
      { ...likesCats, learnedAt: Y2023, lastReinforced: Y2023 },
      { ...notLikesCats, learnedAt: Y2020, lastReinforced: Y2020 }
    ],
    current: [likesCats.id],
    superseded: { [notLikesCats.id]: [likesCats.id, null, Y2023] }
  },
  {
    name: "'Alice does not live in London' does not contradict 'Alice lives in Paris'",
    facts: [paris, notLondon],
    current: [paris.id, notLondon.id],
    superseded: {}
  },
  {
    name: "Paris → London → 'not London': London ends by negation, Paris stays history",
    facts: [notLondon, london, paris],
    current: [notLondon.id],
    superseded: { [paris.id]: [london.id, Y2020, Y2023], [london.id]: [notLondon.id, Y2023, Y2024] }
  },
  {
    name: "a multi-valued relation keeps every object: Bob likes cats and Paris",
    facts: [likesCats, fact("bob", "likes", "paris", Y2023)],
    current: [likesCats.id, FactM.factId("bob", "likes", "paris", false)],
    superseded: {}
  },
  {
    name: "a move scheduled in the future ends the present fact when it starts",
    facts: [paris, { ...london, validFrom: NOW + 365 * DAY }],
    current: [london.id],
    superseded: { [paris.id]: [london.id, Y2020, NOW + 365 * DAY] }
  }
]

describe("Reconcile scenarios", () => {
  for (const sc of scenarios) {
    it(sc.name, () => {
      const p = Params.unsafeMake(sc.params ?? {})
      const g = graphOf(sc.facts)
      const { graph, changes } = run(g, { facts: [sc.facts[0]!.id] }, p)
      const current = sc.facts.map((f) => LiquidGraph.edge(graph, f.id)!).filter(FactM.isCurrent).map((f) => f.id)
      expect(current.sort()).toEqual([...sc.current].sort())
      const got: Record<string, readonly [string, number | null, number]> = {}
      for (const s of changes.superseded) {
        const f = LiquidGraph.edge(graph, s.loser)!
        got[s.loser] = [f.supersededBy!, f.validFrom, f.validUntil!]
        expect(LiquidGraph.slot(graph, f.subject, f.relation).map((x) => x.id)).toContain(s.loser)
      }
      expect(got).toEqual(sc.superseded)
      for (const loser of Object.keys(sc.superseded)) {
        const f = LiquidGraph.edge(graph, loser)!
        // a rejected claim (empty interval) is valid at no time; a replaced one until its end
        const [, from, until] = sc.superseded[loser]!
        expect(FactM.isValidAt(f, until)).toBe(false)
        if (from !== null && from < until) expect(FactM.isValidAt(f, from)).toBe(true)
      }
      expect(LiquidGraph.edgeCount(graph)).toBe(sc.facts.length)
    })
  }
})
