/**
 * Cases — the labelled conflict cases, generated deterministically from a seed.
 *
 * A case is a short story about one subject (or two look-alike subjects): a sequence of
 * statements, each an engram input (one fact with its confidence, source, and world-time
 * validity) told at a system time, and the label — is there a contradiction, which statement
 * should win, and which should be kept as history (ended, pointing at the winner).
 *
 * Families (each split into kinds, rotated so every kind is present):
 * - `update`: a single-valued relation gets a new object (a move, a new job, a new spouse);
 *   kinds `simple`, `chain` (three values), `after_repeats` (the old value was told twice by
 *   two sources before the move);
 * - `negation`: "X likes Y" then "X does not like Y" (`pos_then_neg`), the reverse
 *   (`neg_then_pos`), and the look-alike `neg_other_object` ("X likes A", "X does not like B":
 *   no conflict);
 * - `temporal`: `moved_dated` (both with `validFrom`), `late_report` (the older state is told
 *   after the newer one), `no_longer` (a negation with `validFrom`), `ended` (the same fact
 *   restated with a `validUntil`: it was true, it is no longer);
 * - `correction`: a mistake corrected by a later, better-supported statement
 *   (`corrected_confident`, `corrected_confirmed`), and a later weak rumour that must NOT
 *   overturn a well-confirmed fact (`rumour_rejected`: the older fact wins);
 * - look-alikes that are not conflicts: `multivalued` (likes, knows, visited, speaks, owns,
 *   plays, reads, is), `disjoint_time` (closed validity intervals that do not overlap), and
 *   `similar_names` (different entities with similar names: "John Smith" / "Jon Smith",
 *   "Paris" / "Paris Hilton", made-up near-spellings).
 *
 * The single-valued relations are drawn from one pool, half of them in the core's default
 * `singleValued` list and half not (resides in, employed by, has spouse, …): which relations a
 * case uses is decided by the seed, never by what the core handles.
 */
import type { Engram } from "../../../core/index.ts"
import * as R from "./Prng.ts"

// ── model ─────────────────────────────────────────────────────────────────────

export type Family =
  | "update"
  | "negation"
  | "temporal"
  | "correction"
  | "multivalued"
  | "disjoint_time"
  | "similar_names"

export const FAMILIES: ReadonlyArray<Family> = [
  "update", "negation", "temporal", "correction", "multivalued", "disjoint_time", "similar_names"
]

/** The kinds of each family, in rotation order. */
export const KINDS: { readonly [F in Family]: ReadonlyArray<string> } = {
  update: ["simple", "chain", "after_repeats"],
  negation: ["pos_then_neg", "neg_then_pos", "neg_other_object"],
  temporal: ["moved_dated", "late_report", "no_longer", "ended"],
  correction: ["corrected_confident", "corrected_confirmed", "rumour_rejected"],
  multivalued: ["two_values", "three_values"],
  disjoint_time: ["closed_closed", "closed_then_open", "open_then_past"],
  similar_names: ["ordinary_spelling", "place_vs_person", "made_up_spelling"]
}

/** One statement: an engram of one fact at system time `at`. */
export interface Step {
  /** System time (ms) at which memory is told (the `now` of engram and reconcile). */
  readonly at: number
  readonly fact: Engram.EngramFact
  /** The statement in words (the episode text). */
  readonly text: string
}

/** A loser the label expects to be kept as history. */
export interface HistoryLabel {
  /** Step index of the losing statement. */
  readonly loser: number
  /** Step index of the statement it should point at (`supersededBy`). */
  readonly by: number
  /** The world time its validity should end at, when the label is precise about it. */
  readonly validUntil?: number
}

export interface Label {
  /** Whether the sequence holds a contradiction the memory must resolve. */
  readonly conflict: boolean
  /** Step index of the statement that should stay unsuperseded (null when no conflict). */
  readonly winner: number | null
  /** Statements that should be ended and kept as history. Empty when no conflict. */
  readonly history: ReadonlyArray<HistoryLabel>
  /** Look-alike labels that must stay distinct nodes. */
  readonly distinct?: readonly [string, string]
}

export interface Case {
  readonly id: string
  readonly family: Family
  readonly kind: string
  /** The relation as told (surface form); its key is `Key.relation(relation)`. */
  readonly relation: string
  /** Whether the relation is single-valued in the world (ground truth, not the core's list). */
  readonly singleValued: boolean
  readonly steps: ReadonlyArray<Step>
  readonly label: Label
}

// ── vocabulary ────────────────────────────────────────────────────────────────

type Sort = "person" | "city" | "company" | "country" | "date" | "email" | "color" | "team" | "job" | "thing" | "language" | "instrument" | "book" | "attribute"

interface RelationSpec {
  readonly surface: string
  readonly negSurface: string
  readonly subject: Sort
  readonly object: Sort
}

/** Single-valued relations: at most one object per subject at a time. */
export const SINGLE_VALUED: ReadonlyArray<RelationSpec> = [
  { surface: "lives in", negSurface: "does not live in", subject: "person", object: "city" },
  { surface: "works at", negSurface: "does not work at", subject: "person", object: "company" },
  { surface: "married to", negSurface: "is not married to", subject: "person", object: "person" },
  { surface: "born in", negSurface: "was not born in", subject: "person", object: "city" },
  { surface: "works for", negSurface: "does not work for", subject: "person", object: "company" },
  { surface: "ceo of", negSurface: "is not ceo of", subject: "person", object: "company" },
  { surface: "located in", negSurface: "is not located in", subject: "company", object: "city" },
  { surface: "email", negSurface: "email is not", subject: "person", object: "email" },
  { surface: "job", negSurface: "job is not", subject: "person", object: "job" },
  { surface: "current location", negSurface: "is not currently in", subject: "person", object: "city" },
  { surface: "resides in", negSurface: "does not reside in", subject: "person", object: "city" },
  { surface: "employed by", negSurface: "is not employed by", subject: "person", object: "company" },
  { surface: "has spouse", negSurface: "does not have spouse", subject: "person", object: "person" },
  { surface: "headquartered in", negSurface: "is not headquartered in", subject: "company", object: "city" },
  { surface: "plays for", negSurface: "does not play for", subject: "person", object: "team" },
  { surface: "reports to", negSurface: "does not report to", subject: "person", object: "person" },
  { surface: "date of birth", negSurface: "date of birth is not", subject: "person", object: "date" },
  { surface: "favorite color", negSurface: "favorite color is not", subject: "person", object: "color" }
]

/** Multi-valued relations: any number of objects at once. */
export const MULTI_VALUED: ReadonlyArray<RelationSpec> = [
  { surface: "likes", negSurface: "does not like", subject: "person", object: "thing" },
  { surface: "knows", negSurface: "does not know", subject: "person", object: "person" },
  { surface: "visited", negSurface: "did not visit", subject: "person", object: "city" },
  { surface: "speaks", negSurface: "does not speak", subject: "person", object: "language" },
  { surface: "owns", negSurface: "does not own", subject: "person", object: "thing" },
  { surface: "plays", negSurface: "does not play", subject: "person", object: "instrument" },
  { surface: "reads", negSurface: "does not read", subject: "person", object: "book" },
  { surface: "is", negSurface: "is not", subject: "person", object: "attribute" }
]

/** Relations negation cases draw from (both multi- and single-valued). */
const NEGATABLE: ReadonlyArray<RelationSpec> = [
  MULTI_VALUED[0]!, MULTI_VALUED[1]!, MULTI_VALUED[3]!, MULTI_VALUED[4]!, MULTI_VALUED[5]!,
  { surface: "trusts", negSurface: "does not trust", subject: "person", object: "person" },
  SINGLE_VALUED[0]!, SINGLE_VALUED[1]!, SINGLE_VALUED[10]!, SINGLE_VALUED[11]!
]

const FIRST = ["John", "Maria", "Wei", "Aisha", "Carlos", "Emma", "Liam", "Sofia", "Noah", "Olivia", "Raj", "Fatima", "Lucas", "Hannah", "Kenji", "Amara", "Daniel", "Elena", "Omar", "Grace"]
const LAST = ["Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Tanaka", "Haddad", "Johansson", "Silva", "Patel", "Murphy", "Novak", "Dubois", "Fischer", "Moreau", "Costa", "Larsen", "Ivanova", "Mendes"]
const CITIES = ["Paris", "London", "Boston", "Denver", "Tokyo", "Berlin", "Madrid", "Lisbon", "Oslo", "Dublin", "Chicago", "Seattle", "Toronto", "Cairo", "Nairobi", "Lima", "Prague", "Vienna", "Melbourne", "Osaka"]
const COMPANIES = ["Acme", "Globex", "Initech", "Siemens", "Nokia", "IBM", "Philips", "Unilever", "Zorvex Labs", "Quillion Corp", "Brightwater Logistics", "Nimbus Foods"]
const COUNTRIES = ["France", "Japan", "Brazil", "Kenya", "Canada", "Norway", "Peru", "Egypt", "Portugal", "Austria"]
const COLORS = ["red", "blue", "green", "yellow", "purple", "orange", "teal", "black"]
const TEAMS = ["Red Falcons", "Northside Rovers", "Harbor City United", "Blue Herons", "Valley Wolves", "Ironbridge Athletic"]
const JOBS = ["teacher", "nurse", "pilot", "baker", "engineer", "lawyer", "chef", "architect", "plumber", "dentist"]
const THINGS = ["jazz", "chess", "sushi", "hiking", "coffee", "cats", "opera", "a bicycle", "a sailboat", "green tea", "gardening", "poetry"]
const LANGUAGES = ["French", "Japanese", "Swahili", "Portuguese", "German", "Arabic", "Hindi", "Spanish"]
const INSTRUMENTS = ["piano", "violin", "guitar", "cello", "drums", "flute", "trumpet"]
const BOOKS = ["Moby Dick", "War and Peace", "Dune", "Middlemarch", "Beloved", "Ulysses", "Emma", "Neuromancer"]
/** Attributes of different kinds, none excluding another ("is a teacher", "is tall"). */
const ATTRIBUTES = ["a teacher", "tall", "Canadian", "left-handed", "a vegetarian", "a chess player", "an early riser", "a twin"]
const DOMAINS = ["example.org", "mail.test", "post.example", "inbox.test"]

const SYLLABLES = ["ka", "vel", "tor", "mi", "ra", "zen", "bo", "lis", "quo", "dar", "nex", "ul", "fen", "sha", "pim", "gro", "yul", "vor", "tek", "an"]

/** Ordinary look-alike person names (different people). */
export const SPELLING_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["John Smith", "Jon Smith"], ["Catherine Lee", "Kathryn Lee"], ["Mark Li", "Mark Lee"], ["Anne Taylor", "Ann Taylor"],
  ["Steven Clark", "Stephen Clark"], ["Sara Jones", "Sarah Jones"], ["Eric Brown", "Erik Brown"],
  ["Philip Green", "Phillip Green"], ["Jeff Miller", "Geoff Miller"], ["Carl Davis", "Karl Davis"],
  ["Alan Moore", "Allan Moore"], ["Brian White", "Bryan White"], ["Nicole Hall", "Nichole Hall"],
  ["Teresa King", "Theresa King"]
]

/** A place and a person whose name starts like it, with where the place is. */
const PLACE_PERSON: ReadonlyArray<readonly [string, string, string]> = [
  ["Paris", "Paris Hilton", "France"], ["Washington", "Denzel Washington", "United States"],
  ["Victoria", "Victoria Beckham", "Canada"], ["Chelsea", "Chelsea Clinton", "London"],
  ["Florence", "Florence Pugh", "Italy"], ["Jordan", "Michael Jordan", "Middle East"],
  ["Austin", "Austin Butler", "Texas"], ["Sydney", "Sydney Sweeney", "Australia"],
  ["Brooklyn", "Brooklyn Beckham", "New York"], ["Madison", "Madison Keys", "Wisconsin"],
  ["Phoenix", "Joaquin Phoenix", "Arizona"], ["Georgia", "Georgia May Jagger", "Caucasus"]
]

const RELIABLE = ["hr-record", "passport", "official-registry", "company-website", "signed-letter"]
const ORDINARY = ["chat", "email-thread", "meeting-notes", "profile-page", "phone-call"]
const UNRELIABLE = ["rumour", "forum-post", "hearsay", "gossip-column"]

// ── generators ────────────────────────────────────────────────────────────────

const DAY = 86_400_000
/** System time of the first statement of every case. */
export const T0 = Date.UTC(2024, 0, 1)
const year = (y: number): number => Date.UTC(y, 0, 1)

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

const madeUpWord = (r: R.Prng): string => {
  const n = 2 + R.int(r, 2)
  let w = ""
  for (let i = 0; i < n; i++) w += R.pick(r, SYLLABLES)
  return cap(w)
}

const madeUpPerson = (r: R.Prng): string => `${madeUpWord(r)} ${madeUpWord(r)}`

/** A person: ordinary or made-up, half and half. */
const person = (r: R.Prng): string => (r.next() < 0.5 ? `${R.pick(r, FIRST)} ${R.pick(r, LAST)}` : madeUpPerson(r))

const entity = (r: R.Prng, sort: Sort): string => {
  switch (sort) {
    case "person": return person(r)
    case "city": return r.next() < 0.8 ? R.pick(r, CITIES) : madeUpWord(r)
    case "company": return r.next() < 0.75 ? R.pick(r, COMPANIES) : `${madeUpWord(r)} ${R.pick(r, ["Labs", "Corp", "Works"])}`
    case "country": return R.pick(r, COUNTRIES)
    case "date": {
      const y = 1950 + R.int(r, 50)
      const m = 1 + R.int(r, 12)
      const d = 1 + R.int(r, 28)
      return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
    }
    case "email": return `${madeUpWord(r).toLowerCase()}.${R.pick(r, LAST).toLowerCase()}@${R.pick(r, DOMAINS)}`
    case "color": return R.pick(r, COLORS)
    case "team": return r.next() < 0.7 ? R.pick(r, TEAMS) : `${madeUpWord(r)} ${R.pick(r, ["Rovers", "United", "Falcons"])}`
    case "job": return R.pick(r, JOBS)
    case "thing": return R.pick(r, THINGS)
    case "language": return R.pick(r, LANGUAGES)
    case "instrument": return R.pick(r, INSTRUMENTS)
    case "book": return R.pick(r, BOOKS)
    case "attribute": return R.pick(r, ATTRIBUTES)
  }
}

/** Object key used to compare entities: the same folding the core's keys use (case, spaces). */
const fold = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim()

/** `k` objects of a sort with pairwise different keys, none equal to `avoid`. */
const objects = (r: R.Prng, sort: Sort, k: number, avoid: ReadonlyArray<string> = []): Array<string> => {
  const out: Array<string> = []
  const seen = new Set(avoid.map(fold))
  for (let tries = 0; out.length < k; tries++) {
    const o = entity(r, sort)
    if (seen.has(fold(o))) continue
    seen.add(fold(o))
    out.push(o)
    if (tries > 10_000) throw new Error(`cannot draw ${k} distinct ${sort}s`)
  }
  return out
}

interface FactOpts {
  readonly negated?: boolean
  readonly confidence: number
  readonly source: string
  readonly validFrom?: number
  readonly validUntil?: number
}

const mkFact = (s: string, rel: RelationSpec, o: string, x: FactOpts): Engram.EngramFact => ({
  subject: s,
  relation: rel.surface,
  object: o,
  ...(x.negated === true ? { negated: true } : {}),
  confidence: x.confidence,
  source: x.source,
  ...(x.validFrom !== undefined ? { validFrom: x.validFrom } : {}),
  ...(x.validUntil !== undefined ? { validUntil: x.validUntil } : {})
})

const render = (f: Engram.EngramFact, rel: RelationSpec): string => {
  const yr = (t: number): number => new Date(t).getUTCFullYear()
  const when =
    (f.validFrom != null ? ` since ${yr(f.validFrom)}` : "") + (f.validUntil != null ? ` until ${yr(f.validUntil)}` : "")
  return `${f.subject} ${f.negated === true ? rel.negSurface : rel.surface} ${f.object}${when} (${f.source}, ${f.confidence})`
}

/** The system times of `n` statements: T0, then gaps of 1–60 days. */
const times = (r: R.Prng, n: number): Array<number> => {
  const out: Array<number> = []
  let t = T0
  for (let i = 0; i < n; i++) {
    out.push(t)
    t += (1 + R.int(r, 60)) * DAY
  }
  return out
}

const steps = (r: R.Prng, rel: RelationSpec, facts: ReadonlyArray<Engram.EngramFact>): Array<Step> => {
  const ts = times(r, facts.length)
  return facts.map((fact, i) => ({ at: ts[i]!, fact, text: render(fact, rel) }))
}

/** An ordinary extractor confidence. */
const conf = (r: R.Prng): number => R.between(r, 0.7, 0.9)

interface Built {
  readonly relation: RelationSpec
  readonly singleValued: boolean
  readonly steps: ReadonlyArray<Step>
  readonly label: Label
}

const noConflict = (distinct?: readonly [string, string]): Label =>
  distinct === undefined ? { conflict: false, winner: null, history: [] } : { conflict: false, winner: null, history: [], distinct }

const build = (r: R.Prng, family: Family, kind: string): Built => {
  switch (family) {
    case "update": {
      const rel = R.pick(r, SINGLE_VALUED)
      const s = entity(r, rel.subject)
      if (kind === "simple") {
        const [a, b] = objects(r, rel.object, 2, [s])
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { confidence: conf(r), source: R.pick(r, ORDINARY) }),
          mkFact(s, rel, b!, { confidence: conf(r), source: R.pick(r, ORDINARY) })
        ])
        return { relation: rel, singleValued: true, steps: st, label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] } }
      }
      if (kind === "chain") {
        const [a, b, c] = objects(r, rel.object, 3, [s])
        const st = steps(r, rel, [a!, b!, c!].map((o) => mkFact(s, rel, o, { confidence: conf(r), source: R.pick(r, ORDINARY) })))
        return {
          relation: rel, singleValued: true, steps: st,
          label: { conflict: true, winner: 2, history: [{ loser: 0, by: 1 }, { loser: 1, by: 2 }] }
        }
      }
      // after_repeats: the old value told twice, by two sources, then the change
      const [a, b] = objects(r, rel.object, 2, [s])
      const [src1, src2] = R.pickTwo(r, ORDINARY)
      const st = steps(r, rel, [
        mkFact(s, rel, a!, { confidence: conf(r), source: src1 }),
        mkFact(s, rel, a!, { confidence: conf(r), source: src2 }),
        mkFact(s, rel, b!, { confidence: conf(r), source: R.pick(r, ORDINARY) })
      ])
      return { relation: rel, singleValued: true, steps: st, label: { conflict: true, winner: 2, history: [{ loser: 0, by: 2 }] } }
    }
    case "negation": {
      const rel = R.pick(r, NEGATABLE)
      const single = SINGLE_VALUED.includes(rel)
      const s = entity(r, rel.subject)
      const [a, b] = objects(r, rel.object, 2, [s])
      if (kind === "neg_other_object") {
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { confidence: conf(r), source: R.pick(r, ORDINARY) }),
          mkFact(s, rel, b!, { negated: true, confidence: conf(r), source: R.pick(r, ORDINARY) })
        ])
        return { relation: rel, singleValued: single, steps: st, label: noConflict() }
      }
      const firstNegated = kind === "neg_then_pos"
      const st = steps(r, rel, [
        mkFact(s, rel, a!, { negated: firstNegated, confidence: conf(r), source: R.pick(r, ORDINARY) }),
        mkFact(s, rel, a!, { negated: !firstNegated, confidence: conf(r), source: R.pick(r, ORDINARY) })
      ])
      return { relation: rel, singleValued: single, steps: st, label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] } }
    }
    case "temporal": {
      const rel = R.pick(r, SINGLE_VALUED)
      const s = entity(r, rel.subject)
      const [a, b] = objects(r, rel.object, 2, [s])
      const y1 = 2005 + R.int(r, 10)
      const y2 = y1 + 1 + R.int(r, 8)
      const f1 = { confidence: conf(r), source: R.pick(r, ORDINARY) }
      const f2 = { confidence: conf(r), source: R.pick(r, ORDINARY) }
      if (kind === "moved_dated") {
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { ...f1, validFrom: year(y1) }),
          mkFact(s, rel, b!, { ...f2, validFrom: year(y2) })
        ])
        return {
          relation: rel, singleValued: true, steps: st,
          label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1, validUntil: year(y2) }] }
        }
      }
      if (kind === "late_report") {
        const st = steps(r, rel, [
          mkFact(s, rel, b!, { ...f2, validFrom: year(y2) }),
          mkFact(s, rel, a!, { ...f1, validFrom: year(y1) })
        ])
        return {
          relation: rel, singleValued: true, steps: st,
          label: { conflict: true, winner: 0, history: [{ loser: 1, by: 0, validUntil: year(y2) }] }
        }
      }
      if (kind === "no_longer") {
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { ...f1, validFrom: year(y1) }),
          mkFact(s, rel, a!, { ...f2, negated: true, validFrom: year(y2) })
        ])
        return {
          relation: rel, singleValued: true, steps: st,
          label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1, validUntil: year(y2) }] }
        }
      }
      // ended: "X works at A since y1", later "X worked at A from y1 until y2"
      const st = steps(r, rel, [
        mkFact(s, rel, a!, { ...f1, validFrom: year(y1) }),
        mkFact(s, rel, a!, { ...f2, validFrom: year(y1), validUntil: year(y2) })
      ])
      return {
        relation: rel, singleValued: true, steps: st,
        label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1, validUntil: year(y2) }] }
      }
    }
    case "correction": {
      const rel = R.pick(r, SINGLE_VALUED)
      const s = entity(r, rel.subject)
      const [a, b] = objects(r, rel.object, 2, [s])
      if (kind === "corrected_confident") {
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { confidence: R.between(r, 0.3, 0.5), source: R.pick(r, UNRELIABLE) }),
          mkFact(s, rel, b!, { confidence: R.between(r, 0.9, 0.99), source: R.pick(r, RELIABLE) })
        ])
        return { relation: rel, singleValued: true, steps: st, label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] } }
      }
      if (kind === "corrected_confirmed") {
        const [src1, src2] = R.pickTwo(r, RELIABLE)
        const st = steps(r, rel, [
          mkFact(s, rel, a!, { confidence: R.between(r, 0.6, 0.8), source: R.pick(r, ORDINARY) }),
          mkFact(s, rel, b!, { confidence: R.between(r, 0.8, 0.95), source: src1 }),
          mkFact(s, rel, b!, { confidence: R.between(r, 0.8, 0.95), source: src2 })
        ])
        return { relation: rel, singleValued: true, steps: st, label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] } }
      }
      // rumour_rejected: a fact confirmed by three reliable sources, then a weak rumour
      const srcs = R.pickDistinct(r, RELIABLE, 3)
      const st = steps(r, rel, [
        ...srcs.map((source) => mkFact(s, rel, a!, { confidence: R.between(r, 0.85, 0.95), source })),
        mkFact(s, rel, b!, { confidence: R.between(r, 0.2, 0.35), source: R.pick(r, UNRELIABLE) })
      ])
      return { relation: rel, singleValued: true, steps: st, label: { conflict: true, winner: 0, history: [{ loser: 3, by: 0 }] } }
    }
    case "multivalued": {
      const rel = R.pick(r, MULTI_VALUED)
      const s = entity(r, rel.subject)
      const os = objects(r, rel.object, kind === "two_values" ? 2 : 3, [s])
      const st = steps(r, rel, os.map((o) => mkFact(s, rel, o, { confidence: conf(r), source: R.pick(r, ORDINARY) })))
      return { relation: rel, singleValued: false, steps: st, label: noConflict() }
    }
    case "disjoint_time": {
      const rel = R.pick(r, SINGLE_VALUED)
      const s = entity(r, rel.subject)
      const [a, b] = objects(r, rel.object, 2, [s])
      const y1 = 2000 + R.int(r, 8)
      const y2 = y1 + 1 + R.int(r, 5)
      const y3 = y2 + R.int(r, 3)
      const y4 = y3 + 1 + R.int(r, 5)
      const f1 = { confidence: conf(r), source: R.pick(r, ORDINARY) }
      const f2 = { confidence: conf(r), source: R.pick(r, ORDINARY) }
      const past = mkFact(s, rel, a!, { ...f1, validFrom: year(y1), validUntil: year(y2) })
      const facts = kind === "closed_closed"
        ? [past, mkFact(s, rel, b!, { ...f2, validFrom: year(y3), validUntil: year(y4) })]
        : kind === "closed_then_open"
        ? [past, mkFact(s, rel, b!, { ...f2, validFrom: year(y3) })]
        : [mkFact(s, rel, b!, { ...f2, validFrom: year(y3) }), past]
      return { relation: rel, singleValued: true, steps: steps(r, rel, facts), label: noConflict() }
    }
    case "similar_names": {
      if (kind === "place_vs_person") {
        const rel: RelationSpec = { surface: "is in", negSurface: "is not in", subject: "person", object: "city" }
        const [place, celebrity, region] = R.pick(r, PLACE_PERSON)
        const city = objects(r, "city", 1, [place, region])[0]!
        const facts = [
          mkFact(place, rel, region, { confidence: conf(r), source: R.pick(r, ORDINARY) }),
          mkFact(celebrity, rel, city, { confidence: conf(r), source: R.pick(r, ORDINARY) })
        ]
        if (r.next() < 0.5) facts.reverse()
        return { relation: rel, singleValued: true, steps: steps(r, rel, facts), label: noConflict([place, celebrity]) }
      }
      const rel = R.pick(r, SINGLE_VALUED.filter((x) => x.subject === "person"))
      let x: string
      let y: string
      if (kind === "ordinary_spelling") {
        ;[x, y] = R.pick(r, SPELLING_PAIRS)
      } else {
        x = madeUpPerson(r)
        y = perturb(r, x)
      }
      if (r.next() < 0.5) [x, y] = [y, x]
      const [a, b] = objects(r, rel.object, 2, [x, y])
      const facts = [
        mkFact(x, rel, a!, { confidence: conf(r), source: R.pick(r, ORDINARY) }),
        mkFact(y, rel, b!, { confidence: conf(r), source: R.pick(r, ORDINARY) })
      ]
      return { relation: rel, singleValued: true, steps: steps(r, rel, facts), label: noConflict([x, y]) }
    }
  }
}

/** A near-spelling of a made-up name: one letter doubled, dropped or its vowel changed. */
export const perturb = (r: R.Prng, name: string): string => {
  const vowels = "aeiou"
  for (let tries = 0; tries < 100; tries++) {
    const i = 1 + R.int(r, name.length - 1)
    const ch = name[i]!
    if (ch === " " || name[i - 1] === " ") continue
    const op = R.int(r, 3)
    let out: string
    if (op === 0) out = name.slice(0, i) + ch + name.slice(i)
    else if (op === 1 && i < name.length - 1 && name[i + 1] !== " ") out = name.slice(0, i) + name.slice(i + 1)
    else if (vowels.includes(ch)) out = name.slice(0, i) + R.pick(r, [...vowels].filter((v) => v !== ch)) + name.slice(i + 1)
    else continue
    if (fold(out) !== fold(name)) return out
  }
  return name + "e"
}

// ── the case set ──────────────────────────────────────────────────────────────

/** Cases per family in a full run (7 families: 350 cases). */
export const PER_FAMILY = 50

/**
 * The labelled cases: `perFamily` per family, kinds in rotation, all content from `seed`.
 * Deterministic: the same seed gives the same cases.
 */
export const generate = (seed: number, perFamily: number = PER_FAMILY): Array<Case> => {
  const out: Array<Case> = []
  FAMILIES.forEach((family, fi) => {
    const kinds = KINDS[family]
    for (let i = 0; i < perFamily; i++) {
      const kind = kinds[i % kinds.length]!
      const r = R.make(seed * 7919 + fi * 100_003 + i * 31 + 1)
      const b = build(r, family, kind)
      out.push({
        id: `${family}-${String(i).padStart(3, "0")}`,
        family,
        kind,
        relation: b.relation.surface,
        singleValued: b.singleValued,
        steps: b.steps,
        label: b.label
      })
    }
  })
  return out
}

/**
 * Label consistency problems shared by the triple and natural-language cases (empty when
 * consistent): a conflict has a winner and at least one history entry, a non-conflict has
 * neither; indices are in range; the winner is never a loser; a history entry points at a
 * different statement; statements are in time order.
 */
export const labelShapeProblems = (l: Label, steps: ReadonlyArray<{ readonly at: number }>): Array<string> => {
  const p: Array<string> = []
  const n = steps.length
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < n
  if (l.conflict) {
    if (l.winner === null || !inRange(l.winner)) p.push("conflict without a valid winner")
    if (l.history.length === 0) p.push("conflict without history")
  } else {
    if (l.winner !== null) p.push("no conflict but a winner")
    if (l.history.length > 0) p.push("no conflict but history")
  }
  for (const h of l.history) {
    if (!inRange(h.loser) || !inRange(h.by)) p.push(`history index out of range: ${JSON.stringify(h)}`)
    if (h.loser === h.by) p.push("a statement superseded by itself")
    if (l.winner !== null && h.loser === l.winner) p.push("the winner is also a loser")
  }
  for (let i = 1; i < n; i++) if (steps[i]!.at <= steps[i - 1]!.at) p.push("steps not in time order")
  return p
}

/**
 * Label consistency problems of a triple case: {@link labelShapeProblems}, plus every loser and
 * its winner in one slot and look-alike labels among the subjects.
 */
export const labelProblems = (c: Case): Array<string> => {
  const p = labelShapeProblems(c.label, c.steps)
  const l = c.label
  for (const h of l.history) {
    const lf = c.steps[h.loser]?.fact
    const wf = c.steps[h.by]?.fact
    if (lf !== undefined && wf !== undefined && (lf.subject !== wf.subject || lf.relation !== wf.relation)) {
      p.push("loser and winner are not in one slot")
    }
  }
  if (l.distinct !== undefined) {
    const labels = new Set(c.steps.map((s) => s.fact.subject))
    if (!labels.has(l.distinct[0]) || !labels.has(l.distinct[1])) p.push("distinct labels are not subjects")
  }
  return p
}

/** The surface forms of every relation the cases treat as single-valued in the world. */
export const singleValuedSurfaces = (): Array<string> => SINGLE_VALUED.map((x) => x.surface).concat(["is in"])
