/**
 * Laws of the relation vocabulary (core/Relation.ts) and of reconciliation over canonical
 * relations, families, sides and learned single-valued relations.
 */
import { HashSet, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Engram from "../core/Engram.ts"
import * as Event from "../core/Event.ts"
import * as Fact from "../core/Fact.ts"
import * as Key from "../core/Key.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Reconcile from "../core/Reconcile.ts"
import * as Relation from "../core/Relation.ts"
import * as Replay from "../core/Replay.ts"
import { lemma } from "../core/internal/lemma.ts"
import { assertValid } from "./Invariants.ts"

const params = Params.defaults
const YEAR = 365 * 86_400_000
const T0 = Date.UTC(2026, 0, 1)

/** Phrases people and extractors write, in written and key form. */
const PHRASES = [
  "lives in", "lives_in", "live_in", "resides in", "moved to", "relocated to", "now lives in", "has been living in",
  "works at", "works for", "joined", "was hired by", "is employed by", "employs", "is married to", "married", "wed",
  "husband", "wife", "husband of", "is in", "is on", "is at", "carried by", "in inventory", "likes", "is reading",
  "doesn't live in", "no longer works at", "is a", "is", "became the CEO of", "sister", "sister of", "manager",
  "manages", "owns", "owned by", "favourite colour", "phone number", "is the captain of", "got married to",
  "was born in", "studied at", "coaches", "hates", "Lives In", "IS ON", "knows", "plays", "used to live in"
]

const arbWord = fc.constantFrom(
  "live", "lives", "living", "lived", "in", "at", "on", "to", "by", "of", "is", "was", "has", "been", "now", "not",
  "moved", "works", "work", "joined", "married", "husband", "sister", "the", "a", "no", "longer", "carried",
  "studies", "stopped", "owner", "employs", "favourite", "colour", "x", "zed", "running", "hopes", "agreed", "doesn't"
)
const arbPhrase = fc.oneof(
  fc.array(arbWord, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(" ")),
  fc.constantFrom(...PHRASES),
  fc.string({ minLength: 1, maxLength: 20 })
)

describe("Relation", () => {
  it("canon(canon(r)) == canon(r) (idempotent)", () => {
    fc.assert(fc.property(arbPhrase, (p) => {
      const c = Relation.canon(p)
      expect(Relation.canon(c)).toBe(c)
    }), { numRuns: 2000 })
    for (const e of Relation.lexicon) expect(Relation.canon(e.relation)).toBe(e.relation)
  })

  it("lemma(lemma(w)) == lemma(w)", () => {
    fc.assert(fc.property(fc.oneof(arbWord, fc.stringMatching(/^[a-z]{1,14}$/)), (w) => {
      expect(lemma(lemma(w))).toBe(lemma(w))
    }), { numRuns: 3000 })
  })

  it("canon(p) == canon(Key.relation(p)) (written and key forms agree)", () => {
    fc.assert(fc.property(arbPhrase, (p) => {
      expect(Relation.canon(Key.relation(p))).toBe(Relation.canon(p))
    }), { numRuns: 1000 })
  })

  it("synonyms fold to one canonical relation", () => {
    const groups: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
      ["lives_in", ["lives in", "live_in", "resides in", "moved to", "relocated to", "now lives in", "has been living in", "is living in"]],
      ["works_at", ["works at", "works for", "joined", "was hired by", "is employed by", "employer", "now works for"]],
      ["spouse_of", ["is married to", "married", "wed", "husband", "wife", "husband of", "got married to"]],
      ["located_in", ["is in", "is on", "is at", "carried by", "in inventory", "located in", "is inside", "is under"]],
      ["owned_by", ["owned by", "belongs to", "owns", "owner"]],
      ["manager_of", ["manages", "manager", "manager of", "boss", "reports to"]]
    ]
    for (const [canonical, phrases] of groups) {
      for (const p of phrases) expect([p, Relation.canon(p)]).toEqual([p, canonical])
    }
  })

  it("inflections of one unknown verb share a relation", () => {
    for (const forms of [["paints", "painted", "painting", "paint"], ["hikes", "hiked", "hiking", "hike"], ["stops", "stopped", "stop"]]) {
      expect(new Set(forms.map(Relation.canon)).size).toBe(1)
    }
  })

  it("normalize(normalize(t)) == normalize(t) on subject, relation and object", () => {
    fc.assert(fc.property(fc.constantFrom("Ola", "Marek", "Acme", "Kim", "the car"), arbPhrase, fc.constantFrom("Paris", "Kim", "Ola", "Zeta"), (s, r, o) => {
      const n = Relation.normalize({ subject: s, relation: r, object: o })
      fc.pre(n.relation.length > 0)
      const m = Relation.normalize(n)
      expect([m.subject, m.relation, m.object]).toEqual([n.subject, n.relation, n.object])
    }), { numRuns: 1000 })
  })

  it("inverse of inverse is identity: X's husband is Y ⇔ Y husband of X ⇔ Y spouse_of X ⇔ X spouse_of Y", () => {
    const forms = [
      Relation.normalize({ subject: "Ola", relation: "husband", object: "Marek" }),
      Relation.normalize({ subject: "Marek", relation: "husband of", object: "Ola" }),
      Relation.normalize({ subject: "Marek", relation: "spouse_of", object: "Ola" }),
      Relation.normalize({ subject: "Ola", relation: "is married to", object: "Marek" })
    ]
    for (const f of forms) expect([f.subject, f.relation, f.object]).toEqual(["Marek", "spouse_of", "Ola"])
    const employs = Relation.normalize({ subject: "Acme", relation: "employs", object: "Kim" })
    expect([employs.subject, employs.relation, employs.object]).toEqual(["Kim", "works_at", "Acme"])
    const manager = Relation.normalize({ subject: "Kim", relation: "manager", object: "Lee" })
    const manages = Relation.normalize({ subject: "Lee", relation: "manages", object: "Kim" })
    expect([manager.subject, manager.relation, manager.object]).toEqual([manages.subject, manages.relation, manages.object])
  })

  it("negators and change cues are read off the phrase; the phrase is kept for display", () => {
    const n = Relation.normalize({ subject: "Kim", relation: "no longer works at", object: "Acme" })
    expect([n.relation, n.negated, n.change]).toEqual(["works_at", true, true])
    expect(Relation.normalize({ subject: "Kim", relation: "doesn't live in", object: "Rome" }).negated).toBe(true)
    expect(Relation.normalize({ subject: "Kim", relation: "moved to", object: "Rome" }).change).toBe(true)
    const on = Relation.normalize({ subject: "key", relation: "is on", object: "table" })
    expect(Relation.display({ relation: on.relation, phrase: on.phrase })).toBe("is on")
    expect(Relation.display({ relation: "lives_in" })).toBe("lives in")
    const lives = Relation.normalize({ subject: "Kim", relation: "lives_in", object: "Paris" })
    expect(lives.phrase).toBeNull()
  })

  it("every path maps the same phrase to the same fact: a text triple and a JSONL triple land on one edge", () => {
    const told = Engram.engram(LiquidGraph.empty(), { facts: [{ subject: "Kim", relation: "lives in", object: "Paris" }] }, params, T0)
    const jsonl = Engram.engram(told.graph, { facts: [{ subject: "Kim", relation: "live_in", object: "Paris" }] }, params, T0 + 1)
    expect(jsonl.ids.facts).toEqual(told.ids.facts)
    expect(told.ids.facts[0]).toBe("f|kim|lives_in|paris")
    const inverse = Engram.engram(jsonl.graph, { facts: [{ subject: "Ola", relation: "husband", object: "Marek" }] }, params, T0 + 2)
    const direct = Engram.engram(inverse.graph, { facts: [{ subject: "Ola", relation: "is married to", object: "Marek" }] }, params, T0 + 3)
    expect(direct.ids.facts).toEqual(inverse.ids.facts)
    assertValid(direct.graph)
  })

  it("sentence: the told phrase reads right, negated or not, and never 'liveses'", () => {
    const say = (subject: string, relation: string, object: string, negated = false) =>
      Relation.sentence({ ...Relation.normalize({ subject, relation, object }), negated })
    expect(say("Kim", "lives_in", "Paris")).toBe("Kim lives in Paris")
    expect(say("Kim", "lives in", "Paris", true)).toBe("Kim does not live in Paris")
    expect(say("Kim", "live_in", "Paris")).toBe("Kim lives in Paris")
    expect(say("Kim", "is married to", "Lee")).toBe("Kim is married to Lee")
    expect(say("Kim", "works for", "Acme")).toBe("Kim works for Acme")
    expect(say("Kim", "moved to", "Rome", true)).toBe("Kim did not move to Rome")
    expect(say("keys", "are on", "table")).toBe("keys are on table")
    expect(say("Kim", "favourite colour", "blue")).toBe("Kim's favourite colour is blue")
    expect(say("Ola", "treasurer of", "club")).toBe("Ola is the treasurer of club")
    expect(say("Noor", "became the CEO of", "Zeta")).toBe("Noor is the ceo of Zeta")
    expect(say("Kim", "has been living in", "Oslo", true)).toBe("Kim has not been living in Oslo")
    fc.assert(fc.property(arbPhrase, fc.boolean(), (r, negated) => {
      const n = Relation.normalize({ subject: "Kim", relation: r, object: "Oslo" })
      fc.pre(n.relation.length > 0)
      const text = Relation.sentence({ ...n, negated })
      expect(text).toContain(n.subject)
      expect(text).toContain(n.object)
      expect(text).not.toMatch(/\b\w+eses\b/)
    }), { numRuns: 500 })
  })

  it("side: the lexicon's, else object for noun_of, else subject", () => {
    expect(Relation.side("lives_in")).toBe("subject")
    expect(Relation.side("ceo_of")).toBe("both")
    expect(Relation.side("coach_of")).toBe("object")
    expect(Relation.side("spouse_of")).toBe("both")
    expect(Relation.side("treasurer_of")).toBe("object")
    expect(Relation.side("favorite_band")).toBe("subject")
    expect(Relation.singleValuedSet(["favorite_*"]).has("favorite_band")).toBe(true)
    expect(Relation.singleValuedSet(["favourite band"]).has("favorite_band")).toBe(true)
    expect(Relation.singleValuedSet(Params.defaultSingleValued).has("likes")).toBe(false)
  })
})

// ── reconcile over canonical relations ─────────────────────────────────────────

interface Told {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly validFrom?: number
  readonly validUntil?: number
  readonly negated?: boolean
  readonly change?: boolean
}

/** Each statement engrammed at its own time and reconciled right after (as ingest does). */
const tell = (statements: ReadonlyArray<Told>, p: Params.Params = params) => {
  let g = LiquidGraph.empty()
  const superseded: Array<{ winner: string; loser: string; why: string }> = []
  statements.forEach((s, i) => {
    const now = T0 + i * 1000
    const e = Engram.engram(g, { facts: [s] }, p, now)
    const r = Reconcile.reconcile(e.graph, { facts: e.ids.facts }, p, now)
    g = r.graph
    superseded.push(...r.changes.superseded)
    assertValid(g)
  })
  const current = LiquidGraph.edges(g).filter((e) => e.kind === "fact" && Fact.isCurrent(e)).map((e) => e.id).sort()
  return { graph: g, current, superseded }
}

describe("Reconcile over canonical relations", () => {
  it("a move told as 'moved to' supersedes 'lives in', and the old home is kept ended", () => {
    const { current, superseded, graph } = tell([
      { subject: "Kim", relation: "lives in", object: "Paris" },
      { subject: "Kim", relation: "moved to", object: "Lyon" }
    ])
    expect(current).toEqual(["f|kim|lives_in|lyon"])
    expect(superseded.map((s) => [s.loser, s.winner])).toEqual([["f|kim|lives_in|paris", "f|kim|lives_in|lyon"]])
    expect(superseded[0]!.why).toContain("lives_in is single-valued")
    const old = LiquidGraph.edge(graph, "f|kim|lives_in|paris")!
    expect([old.supersededBy, old.validUntil !== null]).toEqual(["f|kim|lives_in|lyon", true])
  })

  it("a family shares one slot: the keys on the table, then in the drawer", () => {
    const { current } = tell([
      { subject: "keys", relation: "are on", object: "table" },
      { subject: "keys", relation: "are in", object: "drawer" }
    ])
    expect(current).toEqual(["f|keys|located_in|drawer"])
  })

  it("one subject per object: a new CEO replaces the old one", () => {
    const { current, superseded } = tell([
      { subject: "Omar", relation: "is the CEO of", object: "Zeta" },
      { subject: "Noor", relation: "became the CEO of", object: "Zeta" }
    ])
    expect(current).toEqual(["f|noor|ceo_of|zeta"])
    expect(superseded[0]!.why).toContain("one subject per object")
  })

  it("a company has one CEO and a CEO runs one company: both ends, never across them", () => {
    const { current } = tell([
      { subject: "Noor", relation: "is the CEO of", object: "Zeta" },
      { subject: "Noor", relation: "became the CEO of", object: "Acme" },
      { subject: "Acme", relation: "ceo of", object: "Holdco" }
    ])
    expect(current).toEqual(["f|acme|ceo_of|holdco", "f|noor|ceo_of|acme"])
  })

  it("a successor told with the old holder's negation ends the old fact by the successor", () => {
    const { current, superseded } = tell([
      { subject: "Carlos", relation: "is the chair of", object: "rowing club" },
      { subject: "Lena", relation: "chair of", object: "rowing club", change: true }
    ])
    expect(current).toEqual(["f|lena|chair_of|rowing club"])
    const both = LiquidGraph.empty()
    const e = Engram.engram(both, { facts: [{ subject: "Carlos", relation: "chair of", object: "rowing club" }] }, params, T0)
    const r0 = Reconcile.reconcile(e.graph, { facts: e.ids.facts }, params, T0)
    const next = Engram.engram(r0.graph, {
      facts: [
        { subject: "Lena", relation: "chair of", object: "rowing club", change: true },
        { subject: "Carlos", relation: "chair of", object: "rowing club", negated: true, change: true }
      ]
    }, params, T0 + 1000)
    const r1 = Reconcile.reconcile(next.graph, { facts: next.ids.facts }, params, T0 + 1000)
    expect(r1.changes.superseded.map((x) => [x.loser, x.winner])).toEqual([["f|carlos|chair_of|rowing club", "f|lena|chair_of|rowing club"]])
    expect(superseded.length).toBe(1)
  })

  it("membership and ownership: 'Nadia belongs to the rowing club' then 'is no longer a member'", () => {
    const { current } = tell([
      { subject: "Nadia", relation: "belongs to", object: "rowing club" },
      { subject: "Nadia", relation: "is no longer a member of", object: "rowing club" },
      { subject: "bike", relation: "belongs to", object: "Nadia" }
    ])
    expect(current).toEqual(["f|bike|owned_by|nadia", "f|nadia|member_of|rowing club|not"])
  })

  it("one partner each: a second marriage ends the first, told from either side", () => {
    const { current } = tell([
      { subject: "Ola", relation: "husband", object: "Marek" },
      { subject: "Piotr", relation: "married", object: "Ola" }
    ])
    expect(current).toEqual(["f|ola|spouse_of|piotr"])
  })

  it("multi-valued relations never conflict: likes tea and likes coffee; two sisters", () => {
    const { current } = tell([
      { subject: "Kim", relation: "likes", object: "tea" },
      { subject: "Kim", relation: "likes", object: "coffee" },
      { subject: "Eva", relation: "sister of", object: "Ola" },
      { subject: "Ida", relation: "sister of", object: "Ola" }
    ])
    expect(current.length).toBe(4)
  })

  it("a change cue teaches memory that a relation is single-valued (an event: replay reproduces it)", () => {
    const statements: ReadonlyArray<Told> = [
      { subject: "Kim", relation: "favourite band", object: "Muse" },
      { subject: "Kim", relation: "drummer", object: "Lee" },
      { subject: "Kim", relation: "drummer", object: "Ray", change: true }
    ]
    const { current, graph } = tell(statements)
    expect(current).toEqual(["f|kim|drummer|ray", "f|kim|favorite_band|muse"])
    expect(HashSet.has(graph.learned, "drummer")).toBe(true)
    // replay of the events gives the same graph, learned set included
    const events: Array<Event.Event> = []
    let g = LiquidGraph.empty()
    statements.forEach((s, i) => {
      const now = T0 + i * 1000
      const e = Engram.engram(g, { facts: [s] }, params, now)
      events.push(new Event.Engrammed({ now, input: { facts: [s] } }))
      events.push(new Event.Reconciled({ now, input: { facts: [...e.ids.facts] } }))
      g = Reconcile.reconcile(e.graph, { facts: e.ids.facts }, params, now).graph
    })
    const replayed = Replay.replay(events.map((e) => Event.encode(e)))
    expect(Result.isSuccess(replayed)).toBe(true)
    if (Result.isSuccess(replayed)) expect(LiquidGraph.contentHash(replayed.success.graph)).toBe(LiquidGraph.contentHash(graph))
    const back = LiquidGraph.fromJSON(JSON.parse(JSON.stringify(graph)))
    expect(Result.isSuccess(back) && LiquidGraph.equals(back.success, graph)).toBe(true)
  })

  it("the copula is never learned single-valued: 'Kim is now a teacher' keeps 'Kim is a runner'", () => {
    const { current, graph } = tell([
      { subject: "Kim", relation: "is a", object: "runner" },
      { subject: "Kim", relation: "is now a", object: "teacher", change: true }
    ])
    expect(current.length).toBe(2)
    expect(HashSet.size(graph.learned)).toBe(0)
  })

  it("negation cues end the positive fact: 'no longer works at'", () => {
    const { current } = tell([
      { subject: "Ana", relation: "works at", object: "Acme" },
      { subject: "Ana", relation: "no longer works at", object: "Acme" }
    ])
    expect(current).toEqual(["f|ana|works_at|acme|not"])
  })

  it("a transfer: 'sold the boat to Ria' (boat owned_by Ria) ends Sam's ownership", () => {
    const { current } = tell([
      { subject: "Sam", relation: "owns", object: "boat" },
      { subject: "boat", relation: "owned by", object: "Ria", change: true }
    ])
    expect(current).toEqual(["f|boat|owned_by|ria"])
  })

  it("a late report never overturns a newer state: 'In 2019 Kim lived in Rome' told after 'moved to Oslo in 2022'", () => {
    const y2019 = Date.UTC(2019, 0, 1)
    const y2022 = Date.UTC(2022, 0, 1)
    const { current, graph } = tell([
      { subject: "Kim", relation: "moved to", object: "Oslo", validFrom: y2022 },
      { subject: "Kim", relation: "lived in", object: "Rome", validFrom: y2019 }
    ])
    expect(current).toEqual(["f|kim|lives_in|oslo"])
    const rome = LiquidGraph.edge(graph, "f|kim|lives_in|rome")!
    expect(rome.validUntil).toBe(y2022)
  })

  it("a dated change told after an undated state wins: 'Omar resides in Tokyo', then 'he moved to Porto last year'", () => {
    const lastYear = T0 - YEAR
    const { current, graph } = tell([
      { subject: "Omar", relation: "resides in", object: "Tokyo" },
      { subject: "Omar", relation: "moved to", object: "Porto", validFrom: lastYear, change: true }
    ])
    expect(current).toEqual(["f|omar|lives_in|porto"])
    expect(LiquidGraph.edge(graph, "f|omar|lives_in|tokyo")!.validUntil).toBe(lastYear)
    // without the cue, the dated statement is a late report of an older state
    const late = tell([
      { subject: "Omar", relation: "resides in", object: "Tokyo" },
      { subject: "Omar", relation: "lived in", object: "Porto", validFrom: lastYear }
    ])
    expect(late.current).toEqual(["f|omar|lives_in|tokyo"])
  })

  it("times(fs) >= time(f), equal without change cues", () => {
    const { graph } = tell([
      { subject: "Omar", relation: "resides in", object: "Tokyo" },
      { subject: "Omar", relation: "moved to", object: "Porto", validFrom: T0 - YEAR, change: true },
      { subject: "Omar", relation: "lived in", object: "Rome", validFrom: T0 - 2 * YEAR }
    ])
    const facts = LiquidGraph.edges(graph).filter((e) => e.kind === "fact")
    const t = Reconcile.times(facts)
    for (const f of facts) {
      expect(t.get(f)!).toBeGreaterThanOrEqual(Reconcile.time(f))
      if (f.change !== true) expect(t.get(f)).toBe(Reconcile.time(f))
    }
  })

  it("a closed interval is history: 'from 2015 to 2018' never competes with the current home", () => {
    const { current } = tell([
      { subject: "Kim", relation: "lives in", object: "Oslo" },
      { subject: "Kim", relation: "lived in", object: "Rome", validFrom: Date.UTC(2015, 0, 1), validUntil: Date.UTC(2018, 0, 1) }
    ])
    expect(current).toEqual(["f|kim|lives_in|oslo"])
  })

  it("conflict(a, b) is symmetric on both ends and over learned relations", () => {
    const { graph } = tell([
      { subject: "Omar", relation: "ceo of", object: "Zeta" },
      { subject: "Noor", relation: "ceo of", object: "Zeta" }
    ], Params.unsafeMake({ singleValued: [] }))
    const [a, b] = LiquidGraph.edges(graph).filter((e) => e.kind === "fact")
    expect(Reconcile.conflict(a!, b!, Params.unsafeMake({ singleValued: [] }))).toBeNull()
    expect(Reconcile.conflict(a!, b!, params)).toBe("single-valued")
    expect(Reconcile.conflict(b!, a!, params)).toBe("single-valued")
    expect(Reconcile.conflict(a!, b!, Params.unsafeMake({ singleValued: [] }), HashSet.make("ceo_of"))).toBe("single-valued")
  })

  it("afterwards no two current facts conflict, on random histories over canonical phrases", () => {
    const people = ["Kim", "Ola", "Lee", "Zeta"]
    const arbTold = fc.record({
      subject: fc.constantFrom(...people),
      relation: fc.constantFrom("lives in", "moved to", "ceo of", "married", "husband", "likes", "is on", "owns", "no longer works at", "works at"),
      object: fc.constantFrom(...people, "Paris", "Acme"),
      change: fc.boolean()
    })
    fc.assert(fc.property(fc.array(arbTold, { maxLength: 12 }), (told) => {
      const { graph } = tell(told)
      const facts = LiquidGraph.edges(graph).filter((e) => e.kind === "fact" && Fact.isCurrent(e))
      for (const a of facts) for (const b of facts) expect(Reconcile.conflict(a, b, params, graph.learned)).toBeNull()
      const again = Reconcile.reconcile(graph, {}, params, T0 + YEAR)
      expect(again.changes.superseded).toEqual([])
    }), { numRuns: 300 })
  })
})

describe("world times", () => {
  it("engram refuses a world time more than 10,000 years from 1970 and builds nothing", () => {
    const g = LiquidGraph.empty()
    const far = Fact.WORLD_TIME_LIMIT_MS + 1
    expect(() => Engram.engram(g, { facts: [{ subject: "Kim", relation: "lives in", object: "Rome", validFrom: far }] }, params, T0)).toThrow(/10,000 years/)
    expect(() => Engram.engram(g, { facts: [{ subject: "Kim", relation: "lives in", object: "Rome", validUntil: -far }] }, params, T0)).toThrow(/10,000 years/)
    expect(() => Engram.engram(g, { episode: { id: "e", text: "x", time: far }, facts: [] }, params, T0)).toThrow(/10,000 years/)
    const ok = Engram.engram(g, { facts: [{ subject: "Kim", relation: "lives in", object: "Rome", validFrom: Fact.WORLD_TIME_LIMIT_MS }] }, params, T0)
    expect(LiquidGraph.edges(ok.graph).filter((e) => e.kind === "fact").map((e) => e.validFrom)).toEqual([Fact.WORLD_TIME_LIMIT_MS])
  })
})
