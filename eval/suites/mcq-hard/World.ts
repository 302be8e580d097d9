/**
 * World — the seeded world of the hard multiple-choice suite: made-up people, the places they
 * live in and the organisations they work at, told as a chat over time, then changed.
 *
 * Everything is made up (names, towns, companies), so no model knows a fact in advance. A user
 * (the narrator, who introduces themself first) tells, one turn per statement:
 * - **fact**: each person's first home and first workplace (several phrasings each, third
 *   person, sometimes "My friend X …");
 * - **link**: a kin or social tie between two people ("Quenby's sister is Mopa", "Mopa is
 *   Quenby's sister", "Quenby has a sister, Mopa", an apposition inside a story, …): each person
 *   is in at most one link, the holder's gender agrees with the word (sister, husband, …);
 * - **update**: a later, different value for a told slot (`updates` slots, `twice` of them
 *   changed twice), placed uniformly after the slot's previous value: "X moved to Z",
 *   "X now works at O", "X quit O1 and joined O2", corrections ("Correction: X lives in Z, not
 *   Y"), and updates told over two turns with a pronoun ("I ran into X at the station today." /
 *   "She moved to Z last month.");
 * - **filler**: chatter naming the same people, towns and companies without telling a slot
 *   ("X spent the weekend in Y", "O is hiring again, according to X"): distractors for lexical
 *   retrieval.
 *
 * Names follow one convention of the world: women's names end in a consonant + "a", men's do
 * not (a pronoun's reader can tell them apart; the world says so, it is not hidden).
 *
 * Questions, all on the CURRENT value (the last told):
 * - **update**: a slot that was changed ("Where does X live now?"); options: the answer, every
 *   earlier value of the slot, then the same relation's values of other people, then the pool;
 * - **two-hop**: a linked person's slot asked through the link ("Where does Quenby's sister
 *   live?"): the answer is the holder's current value, never stated in a sentence that names
 *   Quenby; options: the answer, Quenby's own value (the lexical trap), the holder's earlier
 *   values, then others.
 * Every question has 4 distinct options, shuffled. Each question carries what the model-free
 * reader (`Scoring.ts`) needs: the entity, the hop words, the relation's cue words.
 *
 * Pure: a function of the seed and the config (the shared sfc32, eval/baselines/Prng.ts).
 *
 * @since 0.3.0
 */
import { Rng, seed as seedState } from "../../baselines/Prng.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The two slot relations of the world. */
export type Relation = "lives" | "works"

/** The size of a world. */
export interface Config {
  readonly people: number
  readonly places: number
  readonly orgs: number
  /** Linked pairs (each gives two two-hop questions: home and workplace). */
  readonly links: number
  /** Slots changed at least once (each gives one update question). */
  readonly updates: number
  /** Of those, slots changed a second time. */
  readonly twice: number
  /** Most fillers before each told event. */
  readonly maxFillerRun: number
  /** World time of the first statement (ms); statements are one minute apart. */
  readonly t0: number
}

/** The default world: 32 people, 36 update and 28 two-hop questions. */
export const defaultConfig: Config = {
  people: 32,
  places: 14,
  orgs: 10,
  links: 14,
  updates: 36,
  twice: 8,
  maxFillerRun: 3,
  t0: Date.UTC(2026, 0, 1)
}

/** A small world for tests. */
export const quickConfig: Config = { ...defaultConfig, people: 12, places: 8, orgs: 6, links: 5, updates: 10, twice: 3 }

export type Gender = "female" | "male"

export interface Person {
  readonly name: string
  readonly gender: Gender
}

/** A slot value a statement tells (the generator's ground truth). */
export interface SlotFact {
  readonly person: string
  readonly relation: Relation
  readonly value: string
}

/** A link a statement tells: `holder` is `person`'s `hop`. */
export interface LinkFact {
  readonly person: string
  readonly hop: string
  readonly holder: string
}

/** One statement (one chat turn). */
export interface Statement {
  readonly id: string
  readonly index: number
  readonly time: number
  readonly kind: "intro" | "fact" | "link" | "update" | "filler"
  readonly text: string
  /** The slot value it tells (fact, update). */
  readonly fact: SlotFact | null
  readonly link: LinkFact | null
  /** Whether the statement names the person it tells about (false: a pronoun, the name in the turn before). */
  readonly named: boolean
}

/** One multiple-choice question. */
export interface Question {
  readonly id: string
  readonly kind: "update" | "two-hop"
  readonly text: string
  /** The person named in the question. */
  readonly entity: string
  /** The link word(s) for a two-hop question ("sister"; "boss" with "manager"), else empty. */
  readonly hop: ReadonlyArray<string>
  /** The person whose slot answers (the entity, or the link's holder). */
  readonly subject: string
  readonly relation: Relation
  /** Words that say the relation (a reader's lexicon: "lives", "moved", …). */
  readonly cues: ReadonlyArray<string>
  readonly options: ReadonlyArray<string>
  /** Index of the correct option (the subject's current value). */
  readonly answer: number
  /** The subject's earlier values of the slot (oldest first). */
  readonly previous: ReadonlyArray<string>
  /** Two-hop only: the entity's own value of the relation (the lexical trap). */
  readonly trap: string | null
}

/** A generated world. */
export interface World {
  readonly seed: number
  readonly config: Config
  readonly narrator: string
  readonly people: ReadonlyArray<Person>
  readonly places: ReadonlyArray<string>
  readonly orgs: ReadonlyArray<string>
  readonly statements: ReadonlyArray<Statement>
  readonly questions: ReadonlyArray<Question>
}

// ── vocabulary and templates ──────────────────────────────────────────────────

/** Link words by the holder's gender (`any`: either); `also` are synonyms a reader knows. */
export const HOPS: ReadonlyArray<{ readonly word: string; readonly gender: Gender | "any"; readonly also: ReadonlyArray<string> }> = [
  { word: "sister", gender: "female", also: [] },
  { word: "brother", gender: "male", also: [] },
  { word: "wife", gender: "female", also: ["married"] },
  { word: "husband", gender: "male", also: ["married"] },
  { word: "boss", gender: "any", also: ["manager"] },
  { word: "best friend", gender: "any", also: [] },
  { word: "roommate", gender: "any", also: ["flatmate"] }
]

/** Words that say each relation (the model-free reader's lexicon). */
export const CUES: Readonly<Record<Relation, ReadonlyArray<string>>> = {
  lives: ["live", "lives", "lived", "living", "moved", "move", "relocated", "based", "home"],
  works: [
    "work", "works", "worked", "working", "job", "joined", "started", "switched", "hired", "employed",
    "nurse", "engineer", "designer", "accountant", "chef", "teacher"
  ]
}

const JOBS = ["nurse", "engineer", "designer", "accountant", "chef"]
const ORG_SUFFIXES = ["Labs", "Foods", "Systems", "Logistics", "Bank", "Motors", "Hospital", "Group"]
const SPOTS = ["harbour", "station", "market", "library", "gym", "bakery", "park"]
const ADJECTIVES = ["windy", "quiet", "busy", "cold", "bright", "grey"]

/** First values ({S} person, {L} place, {O} org, {J} job, {pos} his/her). */
export const HOME_FIRST: ReadonlyArray<string> = [
  "{S} lives in {L}.",
  "{S} has lived in {L} for years.",
  "{S} is based in {L}.",
  "{S} lives in {L} with {pos} two cats.",
  "My friend {S} lives in {L}.",
  "{S} has a flat in {L}."
]
export const WORK_FIRST: ReadonlyArray<string> = [
  "{S} works at {O}.",
  "{S} works for {O}.",
  "{S} is a {J} at {O}.",
  "{S} has a job at {O}.",
  "My neighbour {S} works at {O}."
]

/** Updates told by name ({old} the value it replaces). */
export const HOME_UPDATE: ReadonlyArray<string> = [
  "{S} moved to {L}.",
  "{S} has moved to {L}.",
  "{S} relocated to {L} last month.",
  "{S} lives in {L} now.",
  "These days {S} lives in {L}.",
  "{S} left {old} and moved to {L}.",
  "Correction: {S} lives in {L}, not {old}.",
  "My friend {S} just moved to {L}."
]
export const WORK_UPDATE: ReadonlyArray<string> = [
  "{S} now works at {O}.",
  "{S} joined {O}.",
  "{S} got a job at {O}.",
  "{S} started at {O} this week.",
  "{S} switched to {O}.",
  "{S} quit {old} and joined {O}.",
  "Correction: {S} works at {O}, not {old}.",
  "{S} works for {O} these days."
]

/** Updates told over two turns: a turn naming the person, then one with a pronoun ({Sub} He/She). */
export const PRONOUN_LEADS: ReadonlyArray<string> = [
  "I ran into {S} at the {P} today.",
  "{S} called me this morning.",
  "Had lunch with {S} yesterday."
]
export const HOME_PRONOUN: ReadonlyArray<string> = ["{Sub} moved to {L} last month.", "{Sub} lives in {L} now.", "{Sub}'s moved to {L}!"]
export const WORK_PRONOUN: ReadonlyArray<string> = ["{Sub} works at {O} now.", "{Sub} got a job at {O}!", "{Sub} just joined {O}."]

/** Links ({X} the person asked about, {H} the link word, {Y} the holder, {xpos} X's his/her). */
export const LINK_TEMPLATES: ReadonlyArray<string> = [
  "{X}'s {H} is {Y}.",
  "{Y} is {X}'s {H}.",
  "{X} has a {H}, {Y}.",
  "{X}'s {H}, {Y}, came over for dinner on Friday.",
  "I met {X}'s {H} {Y} at the {P} yesterday.",
  "{X} and {xpos} {H} {Y} went hiking."
]

/** Chatter ({S}/{S2} people, {L} a place, {O} an org, {P} a spot, {A} an adjective). */
export const FILLERS: ReadonlyArray<string> = [
  "Had coffee with {S} at the {P}.",
  "{S} and {S2} played tennis on Sunday.",
  "{S} spent the weekend in {L}.",
  "{S} sent me photos from {pos} trip to {L}.",
  "{S} says the traffic in {L} is terrible.",
  "{O} is hiring again, according to {S}.",
  "{S} complained about the rain in {L}.",
  "The {P} was {A} this morning.",
  "I finally finished the book {S} lent me.",
  "{S}'s birthday party was great fun.",
  "{S} thinks {O} makes the best coffee machines.",
  "{S} and {S2} are planning a trip to {L}."
]

const INTROS = ["Hi, I'm {S}.", "My name is {S}.", "Hey, {S} here."]

const CONSONANTS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "qu", "th", "br", "gr", "sk", "pl"]
const VOWELS = ["a", "e", "i", "o", "u", "oo", "ai", "ey"]
const CODAS = ["n", "rk", "sh", "x", "ll", "mp", "nd", "t", "r"]

const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1)

/** A made-up stem of 2–3 syllables ending in a consonant. */
const stem = (r: Rng): string => {
  const n = 2 + r.int(2)
  let w = ""
  for (let i = 0; i < n; i++) w += r.pick(CONSONANTS) + r.pick(VOWELS)
  return w + r.pick(CODAS)
}

/** `count` distinct made-up words from `make`, none in `taken` (which it extends). */
const distinct = (r: Rng, count: number, taken: Set<string>, make: (r: Rng) => string): Array<string> => {
  const out: Array<string> = []
  while (out.length < count) {
    const w = make(r)
    if (taken.has(w.toLowerCase())) continue
    taken.add(w.toLowerCase())
    out.push(w)
  }
  return out
}

/** Fills `{key}` slots; an unknown key is an error in a template. */
export const fill = (template: string, slots: Readonly<Record<string, string>>): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = slots[k]
    if (v === undefined) throw new Error(`template slot {${k}} not given: ${template}`)
    return v
  })

// ── generator ─────────────────────────────────────────────────────────────────

type Event =
  | { readonly kind: "fact" | "update"; readonly person: number; readonly relation: Relation; readonly value: string; readonly old: string | null }
  | { readonly kind: "link"; readonly link: number }

/**
 * The world of `seed` and `config`.
 *
 * Laws: deterministic (same seed and config ⇒ deep-equal worlds); `updates` update questions and
 * 2 · `links` two-hop questions; every question has 4 distinct options, the answer is the
 * subject's last told value and differs from each of its earlier values; an update comes after
 * the slot's previous value; a two-hop question's link is told; statements are in strictly
 * increasing time.
 * @complexity O(statements + questions · (places + orgs))
 */
export const generate = (seed: number, config: Config = defaultConfig): World => {
  if (2 * config.links > config.people) throw new Error("more linked people than people")
  if (config.updates > 2 * config.people) throw new Error("more updates than slots")
  if (config.twice > config.updates) throw new Error("more second updates than updates")
  if (config.places < 5 || config.orgs < 5) throw new Error("at least 5 places and 5 organisations are needed")
  const r = new Rng(seedState(seed))
  const taken = new Set<string>()
  const narrator = capital(distinct(r, 1, taken, stem)[0]!)
  const people: Array<Person> = distinct(r, config.people, taken, (q) => {
    const female = q.int(2) === 0
    const s = stem(q)
    return capital(female ? s + "a" : s)
  }).map((name) => ({ name, gender: name.endsWith("a") ? "female" : "male" }))
  const places = distinct(r, config.places, taken, stem).map(capital)
  const orgs = distinct(r, config.orgs, taken, stem).map((w) => `${capital(w)} ${r.pick(ORG_SUFFIXES)}`)
  const pool = (rel: Relation): ReadonlyArray<string> => (rel === "lives" ? places : orgs)

  // First values, links, changed slots.
  const first: Record<Relation, Array<string>> = { lives: people.map(() => r.pick(places)), works: people.map(() => r.pick(orgs)) }
  const order = r.shuffle(people.map((_, i) => i))
  const links: Array<{ readonly person: number; readonly holder: number; readonly hop: string }> = []
  for (let k = 0; k < config.links; k++) {
    const person = order[2 * k]!
    const holder = order[2 * k + 1]!
    const hops = HOPS.filter((h) => h.gender === "any" || h.gender === people[holder]!.gender)
    links.push({ person, holder, hop: r.pick(hops).word })
  }
  const slots = r.shuffle(people.flatMap((_, i) => (["lives", "works"] as const).map((rel) => ({ person: i, relation: rel }))))
  const changed = slots.slice(0, config.updates)
  const history = new Map<string, Array<string>>() // "person|relation" → values, first to last
  const key = (person: number, rel: Relation) => `${person}|${rel}`
  for (let i = 0; i < people.length; i++) for (const rel of ["lives", "works"] as const) history.set(key(i, rel), [first[rel][i]!])
  changed.forEach((s, j) => {
    const h = history.get(key(s.person, s.relation))!
    for (let n = 0; n < (j < config.twice ? 2 : 1); n++) {
      let v = r.pick(pool(s.relation))
      while (h.includes(v)) v = r.pick(pool(s.relation))
      h.push(v)
    }
  })

  // Events: first values and links shuffled, each update inserted uniformly after the slot's previous value.
  const events: Array<Event> = r.shuffle<Event>([
    ...people.flatMap((_, i) => (["lives", "works"] as const).map((rel): Event => ({ kind: "fact", person: i, relation: rel, value: first[rel][i]!, old: null }))),
    ...links.map((_, l): Event => ({ kind: "link", link: l }))
  ])
  for (const s of changed) {
    const h = history.get(key(s.person, s.relation))!
    for (let n = 1; n < h.length; n++) {
      const prev = events.findIndex((e) => e.kind !== "link" && e.person === s.person && e.relation === s.relation && e.value === h[n - 1])
      const at = prev + 1 + r.int(events.length - prev)
      events.splice(at, 0, { kind: "update", person: s.person, relation: s.relation, value: h[n]!, old: h[n - 1]! })
    }
  }

  // Statements.
  const statements: Array<Statement> = []
  const push = (kind: Statement["kind"], text: string, fact: SlotFact | null, link: LinkFact | null, named: boolean) => {
    const index = statements.length
    statements.push({ id: `s${index}`, index, time: config.t0 + index * 60_000, kind, text, fact, link, named })
  }
  const pos = (p: Person) => (p.gender === "female" ? "her" : "his")
  const sub = (p: Person) => (p.gender === "female" ? "She" : "He")
  const filler = () => {
    const a = r.pick(people)
    let b = r.pick(people)
    while (b === a) b = r.pick(people)
    push("filler", fill(r.pick(FILLERS), {
      S: a.name, S2: b.name, pos: pos(a), L: r.pick(places), O: r.pick(orgs), P: r.pick(SPOTS), A: r.pick(ADJECTIVES)
    }), null, null, false)
  }
  push("intro", fill(r.pick(INTROS), { S: narrator }), null, null, false)
  for (const ev of events) {
    const runs = r.int(config.maxFillerRun + 1)
    for (let k = 0; k < runs; k++) filler()
    if (ev.kind === "link") {
      const l = links[ev.link]!
      const x = people[l.person]!
      const y = people[l.holder]!
      push("link", fill(r.pick(LINK_TEMPLATES), { X: x.name, Y: y.name, H: l.hop, xpos: pos(x), P: r.pick(SPOTS) }), null, { person: x.name, hop: l.hop, holder: y.name }, true)
      continue
    }
    const p = people[ev.person]!
    const fact: SlotFact = { person: p.name, relation: ev.relation, value: ev.value }
    const slotsOf = { S: p.name, pos: pos(p), Sub: sub(p), L: ev.value, O: ev.value, J: r.pick(JOBS), old: ev.old ?? "", P: r.pick(SPOTS) }
    if (ev.kind === "fact") {
      push("fact", fill(r.pick(ev.relation === "lives" ? HOME_FIRST : WORK_FIRST), slotsOf), fact, null, true)
    } else if (r.int(4) === 0) {
      push("filler", fill(r.pick(PRONOUN_LEADS), slotsOf), null, null, false)
      push("update", fill(r.pick(ev.relation === "lives" ? HOME_PRONOUN : WORK_PRONOUN), slotsOf), fact, null, false)
    } else {
      push("update", fill(r.pick(ev.relation === "lives" ? HOME_UPDATE : WORK_UPDATE), slotsOf), fact, null, true)
    }
  }
  const tail = r.int(config.maxFillerRun + 1)
  for (let k = 0; k < tail; k++) filler()

  // Questions.
  const current = (person: number, rel: Relation): string => history.get(key(person, rel))!.at(-1)!
  const options = (answer: string, first: ReadonlyArray<string>, rel: Relation, exclude: number): { options: Array<string>; answer: number } => {
    const out: Array<string> = [answer]
    const others = r.shuffle(people.flatMap((_, i) => (i === exclude ? [] : [current(i, rel)])))
    for (const v of [...first, ...others, ...r.shuffle(pool(rel))]) {
      if (out.length >= 4) break
      if (!out.includes(v)) out.push(v)
    }
    const shuffled = r.shuffle(out)
    return { options: shuffled, answer: shuffled.indexOf(answer) }
  }
  type Draft = Omit<Question, "id">
  const drafts: Array<Draft> = []
  for (const s of changed) {
    const p = people[s.person]!
    const h = history.get(key(s.person, s.relation))!
    const previous = h.slice(0, -1)
    const text = s.relation === "lives"
      ? r.pick([`Where does ${p.name} live now?`, `Where does ${p.name} live these days?`, `Where is ${p.name} living now?`])
      : r.pick([`Where does ${p.name} work now?`, `Who does ${p.name} work for these days?`, `Which company does ${p.name} work for now?`])
    const o = options(h.at(-1)!, previous.slice().reverse(), s.relation, s.person)
    drafts.push({ kind: "update", text, entity: p.name, hop: [], subject: p.name, relation: s.relation, cues: CUES[s.relation], ...o, previous, trap: null })
  }
  for (const l of links) {
    const x = people[l.person]!
    const y = people[l.holder]!
    const hop = HOPS.find((h) => h.word === l.hop)!
    for (const rel of ["lives", "works"] as const) {
      const h = history.get(key(l.holder, rel))!
      const previous = h.slice(0, -1)
      const trap = current(l.person, rel)
      const text = rel === "lives" ? `Where does ${x.name}'s ${l.hop} live?` : `Where does ${x.name}'s ${l.hop} work?`
      const o = options(h.at(-1)!, [trap, ...previous.slice().reverse()], rel, l.holder)
      drafts.push({
        kind: "two-hop", text, entity: x.name, hop: [l.hop, ...hop.also], subject: y.name, relation: rel, cues: CUES[rel], ...o, previous,
        trap: trap === h.at(-1) ? null : trap
      })
    }
  }
  const questions = r.shuffle(drafts).map((d, i): Question => ({ id: `q${i}`, ...d }))
  return { seed, config, narrator, people, places, orgs, statements, questions }
}
