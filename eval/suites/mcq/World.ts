/**
 * World — the seeded world of made-up facts for the multiple-choice QA suite.
 *
 * A world has made-up entities (`Quenby`), made-up relations (`zorple`) and made-up values
 * (`Vark`), so no model can know any fact in advance. Every told slot (entity, relation) holds
 * one value at a time: the relations are single-valued by construction, and that is declared
 * (`World.relations`) so a memory can be configured with it.
 *
 * The history is a stream of statements in time order, one a minute:
 * - **fact**: a slot's first value, in one of {@link FACT_TEMPLATES} ("Quenby's zorple is Vark.");
 * - **correction**: a later, different value for an already told slot, in one of
 *   {@link CORRECTION_TEMPLATES} ("Quenby's zorple is now Tesh."), placed at a uniformly drawn
 *   position after the slot's fact;
 * - **filler**: chatter in {@link FILLER_TEMPLATES}; some of it names entities, values and
 *   relations without stating a slot's value (distractors for lexical and embedding retrieval).
 *   Between two consecutive fact/correction statements come 0..`maxFillerRun` fillers (uniform).
 *
 * Templates are fixed English; a few of them are outside what the LLM-free rule extractor reads
 * ("Note that …", "Update: …"): the suite measures and reports that coverage, nothing is tuned
 * to it.
 *
 * Then one question per told slot ("What is Quenby's zorple?") with 4 options: the latest value
 * (the answer); the outdated value when the slot was corrected; values the same relation has for
 * other entities; then values from the pool. Options are shuffled.
 *
 * Pure: a function of the seed and the config (`Prng` from this folder; no clock, no Math.random).
 *
 * @since 0.1.0
 */
import { Cursor } from "./Prng.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The size of a world. */
export interface Config {
  readonly entities: number
  readonly relations: number
  readonly values: number
  /** Told slots = questions. */
  readonly questions: number
  /** Told slots later corrected (once each). */
  readonly corrections: number
  /** Most fillers between two fact/correction statements. */
  readonly maxFillerRun: number
  /** World time of the first statement (ms); statements are one minute apart. */
  readonly t0: number
}

/** The default world: 100 questions, 35 corrected, ~5K tokens of history (> 2 × a 2K window). */
export const defaultConfig: Config = {
  entities: 30,
  relations: 6,
  values: 24,
  questions: 100,
  corrections: 35,
  maxFillerRun: 4,
  t0: Date.UTC(2026, 0, 1)
}

/** A small world for tests. */
export const quickConfig: Config = { ...defaultConfig, entities: 10, relations: 3, values: 10, questions: 20, corrections: 7 }

/** One slot's value as a structured fact (the generator's ground truth). */
export interface SlotFact {
  readonly entity: string
  readonly relation: string
  readonly value: string
}

/** One statement of the history. */
export interface Statement {
  readonly id: string
  readonly index: number
  readonly time: number
  readonly kind: "fact" | "correction" | "filler"
  readonly text: string
  /** The slot value it states (fact and correction only). */
  readonly fact: SlotFact | null
}

/** One multiple-choice question. */
export interface Question {
  readonly id: string
  readonly entity: string
  readonly relation: string
  readonly text: string
  readonly options: ReadonlyArray<string>
  /** Index of the correct option (the slot's latest value). */
  readonly answer: number
  /** Whether the slot was corrected (its first value is then one of the options). */
  readonly corrected: boolean
  /** The outdated value, when corrected. */
  readonly outdated: string | null
}

/** A generated world. */
export interface World {
  readonly seed: number
  readonly config: Config
  readonly entities: ReadonlyArray<string>
  readonly relations: ReadonlyArray<string>
  readonly values: ReadonlyArray<string>
  readonly statements: ReadonlyArray<Statement>
  readonly questions: ReadonlyArray<Question>
}

// ── templates ─────────────────────────────────────────────────────────────────

/** Fact statements ({E} entity, {R} relation, {V} value). */
export const FACT_TEMPLATES: ReadonlyArray<string> = [
  "{E}'s {R} is {V}.",
  "By the way, {E}'s {R} is {V}.",
  "For the record, {E}'s {R} is {V}.",
  "Note that {E}'s {R} is {V}."
]

/** Corrections of an earlier value. */
export const CORRECTION_TEMPLATES: ReadonlyArray<string> = [
  "{E}'s {R} is now {V}.",
  "Actually, {E}'s {R} is {V} now.",
  "From today, {E}'s {R} is {V}.",
  "Update: {E}'s {R} is now {V}."
]

/** Chatter ({E}/{E2} entities, {V} a value, {R} a relation, {P} a place, {A} an adjective). */
export const FILLER_TEMPLATES: ReadonlyArray<string> = [
  "The weather at the {P} was {A} and the boats left early.",
  "The bakery on the corner sold out of bread before noon again.",
  "Someone said the river was high last week, but nobody checked.",
  "{E} visited the {P} with {E2} in the afternoon.",
  "{V} was mentioned at the council meeting near the {P}.",
  "{E} likes long walks by the {P} when it is {A}.",
  "Nobody could remember whether {E} had ever asked about a {R}.",
  "{E2} talked about {V} and the {R} for an hour at the {P}.",
  "The market by the {P} was {A} today, and the music was loud.",
  "A letter from {E} arrived late because the roads were {A}.",
  "People at the {P} argued about the price of apples and wool.",
  "{E} and {E2} played cards until the lamps went out."
]

const PLACES = ["harbour", "old mill", "lake", "square", "library", "station", "garden", "bridge"]
const ADJECTIVES = ["mild", "windy", "quiet", "busy", "cold", "bright", "grey", "muddy"]

const CONSONANTS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "qu", "th", "br", "gr", "sk", "pl"]
const VOWELS = ["a", "e", "i", "o", "u", "oo", "ai", "ey"]
const CODAS = ["", "", "", "n", "rk", "sh", "x", "ll", "mp", "nd"]

const syllable = (r: Cursor): string => r.pick(CONSONANTS) + r.pick(VOWELS)

/** A made-up word of 2–3 syllables. */
const word = (r: Cursor): string => {
  const n = 2 + r.int(2)
  let w = ""
  for (let i = 0; i < n; i++) w += syllable(r)
  return w + r.pick(CODAS)
}

const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1)

/** `count` distinct made-up words not in `taken` (which it extends). */
const words = (r: Cursor, count: number, taken: Set<string>): Array<string> => {
  const out: Array<string> = []
  while (out.length < count) {
    const w = word(r)
    if (taken.has(w)) continue
    taken.add(w)
    out.push(w)
  }
  return out
}

const fill = (template: string, slots: Record<string, string>): string =>
  template.replace(/\{(E2|E|R|V|P|A)\}/g, (_, k: string) => slots[k]!)

// ── generator ─────────────────────────────────────────────────────────────────

/**
 * The world of `seed` and `config`.
 *
 * Laws: deterministic (same seed and config ⇒ deep-equal worlds); exactly `questions` questions
 * on distinct slots, `corrections` of them corrected; every question has 4 distinct options, the
 * answer is the slot's last stated value, a corrected question's options hold the outdated value;
 * statements are in strictly increasing time; a correction comes after its slot's fact.
 * @complexity O(statements + questions · values)
 */
export const generate = (seed: number, config: Config = defaultConfig): World => {
  if (config.questions > config.entities * config.relations) throw new Error("more questions than slots")
  if (config.corrections > config.questions) throw new Error("more corrections than questions")
  if (config.values < 4) throw new Error("at least 4 values are needed for 4 options")
  const r = new Cursor(seed)
  const taken = new Set<string>()
  const entities = words(r, config.entities, taken).map(capital)
  const relations = words(r, config.relations, taken)
  const values = words(r, config.values, taken).map(capital)

  // Told slots and their first values.
  const allSlots: Array<readonly [string, string]> = []
  for (const e of entities) for (const rel of relations) allSlots.push([e, rel])
  const slots = r.shuffle(allSlots).slice(0, config.questions)
  const first = slots.map(() => r.pick(values))
  const correctedIdx = new Set(r.shuffle(slots.map((_, i) => i)).slice(0, config.corrections))
  const latest = first.slice()
  const corrections = new Map<number, string>()
  for (const i of Array.from(correctedIdx).sort((a, b) => a - b)) {
    let v = r.pick(values)
    while (v === first[i]) v = r.pick(values)
    corrections.set(i, v)
    latest[i] = v
  }

  // Order of fact/correction events: facts in slot order (already shuffled), each correction
  // inserted at a uniform position after its fact.
  type Ev = { readonly slot: number; readonly kind: "fact" | "correction"; readonly value: string }
  const events: Array<Ev> = slots.map((_, i) => ({ slot: i, kind: "fact" as const, value: first[i]! }))
  for (const [i, v] of corrections) {
    const at = events.findIndex((e) => e.slot === i && e.kind === "fact")
    const pos = at + 1 + r.int(events.length - at)
    events.splice(pos, 0, { slot: i, kind: "correction", value: v })
  }

  const statements: Array<Statement> = []
  const push = (kind: Statement["kind"], text: string, fact: SlotFact | null) => {
    const index = statements.length
    statements.push({ id: `s${index}`, index, time: config.t0 + index * 60_000, kind, text, fact })
  }
  const filler = () => {
    const e = r.pick(entities)
    let e2 = r.pick(entities)
    while (e2 === e && entities.length > 1) e2 = r.pick(entities)
    push("filler", fill(r.pick(FILLER_TEMPLATES), {
      E: e, E2: e2, V: r.pick(values), R: r.pick(relations), P: r.pick(PLACES), A: r.pick(ADJECTIVES)
    }), null)
  }
  for (const ev of events) {
    const runs = r.int(config.maxFillerRun + 1)
    for (let k = 0; k < runs; k++) filler()
    const [e, rel] = slots[ev.slot]!
    const template = r.pick(ev.kind === "fact" ? FACT_TEMPLATES : CORRECTION_TEMPLATES)
    push(ev.kind, fill(template, { E: e, R: rel, V: ev.value }), { entity: e, relation: rel, value: ev.value })
  }
  const tail = r.int(config.maxFillerRun + 1)
  for (let k = 0; k < tail; k++) filler()

  // Questions, one per slot, in a shuffled order.
  const questions: Array<Question> = []
  for (const i of r.shuffle(slots.map((_, j) => j))) {
    const [e, rel] = slots[i]!
    const answer = latest[i]!
    const outdated = corrections.has(i) ? first[i]! : null
    const options: Array<string> = [answer]
    if (outdated !== null) options.push(outdated)
    const sameRelation = r.shuffle(slots.flatMap(([e2, rel2], j) => (rel2 === rel && e2 !== e ? [latest[j]!] : [])))
    for (const v of [...sameRelation, ...r.shuffle(values)]) {
      if (options.length >= 4) break
      if (!options.includes(v)) options.push(v)
    }
    const shuffled = r.shuffle(options)
    questions.push({
      id: `q${questions.length}`,
      entity: e,
      relation: rel,
      text: `What is ${e}'s ${rel}?`,
      options: shuffled,
      answer: shuffled.indexOf(answer),
      corrected: outdated !== null,
      outdated
    })
  }

  return { seed, config, entities, relations, values, statements, questions }
}
