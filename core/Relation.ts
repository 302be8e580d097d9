/**
 * Relation — the one relation vocabulary of the memory.
 *
 * Every path that writes facts (the text extractors, JSONL triples, a model's triples, the
 * HTTP/MCP APIs) hands `engram` a relation *phrase* as it was said: "lives in", "lives_in",
 * "moved to", "is employed by", "husband". `engram` maps it here to one **canonical relation**
 * (`lives_in`, `works_at`, `spouse_of`, …) so that the same fact told in two ways lands in one
 * slot, and keeps the phrase on the fact for display ({@link display}).
 *
 * How a phrase becomes a relation ({@link analyse}, {@link canon}, {@link normalize}):
 * 1. its words are folded like a key (`Key.relation`), lemmatised ("lives" → live, "moved" →
 *    move, "was" → be), and stripped of what is not the relation: articles and possessive
 *    determiners, adverbs of time and manner ("now", "currently", "still", "back"), the
 *    auxiliaries of a verb group ("has been living in" → live in, "is employed by" → employ by,
 *    "does live" → live) and negators ("not", "n't", "never", "no longer": reported as
 *    `negated`). Change cues ("now", "new", "moved", "became", "changed", "switched",
 *    "replaced", "no longer") are reported as `change`;
 * 2. the lemma key is looked up in the {@link lexicon}: synonyms fold to one canonical relation,
 *    inverse phrases swap subject and object ("Acme employs Kim" → Kim works_at Acme; "Kim owns
 *    the car" → car owned_by Kim), and a **bare possessive noun** means "X's noun is Y": for kin
 *    and roles it becomes `noun_of` from the holder ("Ola's husband is Marek" → Marek spouse_of
 *    Ola; "Kim's manager is Lee" → Lee manager_of Kim), for other attributes it stays on X
 *    ("Kim's employer is Acme" → Kim works_at Acme; "Kim's phone number is …");
 * 3. a phrase the lexicon does not know keeps its lemma key ("likes" → like, "is reading" →
 *    read, "was painted by" → paint_by): still one relation for all its inflections;
 * 4. symmetric relations (`spouse_of`, `partner_of`, `sibling_of`, `friend_of`, …) are stored
 *    with the subject whose key sorts first, so "A is married to B" and "B is married to A" are
 *    one fact.
 *
 * **Families.** Relations that share one single-valued slot are one canonical relation whose
 * members keep their surface phrase: the location of a thing ("is in", "is on", "is at",
 * "inside", "under", "carried by", "held by", "located in") is `located_in` — a key on the
 * table and then in the drawer is one slot, and the second supersedes the first.
 *
 * **Single-valued relations.** Which canonical relations hold one value at a time is a
 * documented lexicon ({@link defaultSingleValued}, the default of `Params.singleValued`, which a
 * user extends), plus what memory learns: a relation whose new object arrives with a change cue
 * ("Kim's favourite band is now Muse") is recorded single-valued by `engram` (an event, so replay
 * reproduces it). The **side** ({@link side}) says which end is unique: `"subject"` (one object
 * per subject: Kim lives in one city), `"object"` (one subject per object: a company has one
 * CEO, a person one mother — relations `noun_of` from a role or kin noun), `"both"` (one spouse
 * each).
 *
 * Everything here is a pure function of its arguments.
 *
 * @since 0.2.0
 */
import * as Key from "./Key.ts"
import { isParticiple, lemma } from "./internal/lemma.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * Which end of a single-valued relation is unique: `"subject"` (one object per subject),
 * `"object"` (one subject per object), `"both"`.
 * @since 0.2.0
 */
export type Side = "subject" | "object" | "both"

/**
 * What a phrase says, before subject and object are known.
 * - `key`: the lemma key (step 1 of the module header);
 * - `relation`: the canonical relation; `swap`: subject and object trade places;
 * - `negated`: the phrase carried a negator; `change`: it carried a change cue;
 * - `told`: the phrase as told, for display (negators, adverbs and do-support removed).
 * @since 0.2.0
 */
export interface Analysis {
  readonly key: string
  readonly relation: string
  readonly swap: boolean
  readonly negated: boolean
  readonly change: boolean
  readonly told: string
}

/**
 * A triple in canonical form. `phrase` is the surface phrase to display between subject and
 * object (the words as told, negators and change adverbs removed), or `null` when the canonical
 * relation's own display phrase is the right one (a swapped or re-ordered triple, or a phrase
 * equal to it).
 * @since 0.2.0
 */
export interface Normalized {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly phrase: string | null
  readonly negated: boolean
  readonly change: boolean
}

/**
 * One entry of the lexicon: a canonical relation, how it reads, its single-valued side (absent:
 * not single-valued by default), whether it is symmetric, and the lemma keys that mean it
 * (`same`) or mean it with subject and object swapped (`inverse`).
 * @since 0.2.0
 */
export interface Entry {
  readonly relation: string
  readonly display: string
  readonly single?: Side
  readonly symmetric?: boolean
  readonly same: ReadonlyArray<string>
  readonly inverse?: ReadonlyArray<string>
}

// ── the lexicon ───────────────────────────────────────────────────────────────

/** Kin and personal relations: `noun_of` from the holder; possessive noun swaps. */
const KIN: ReadonlyArray<readonly [noun: string, variants: ReadonlyArray<string>, single?: Side | undefined, symmetric?: boolean]> = [
  ["mother", ["mom", "mum", "mommy", "mummy", "mama"], "object"],
  ["father", ["dad", "daddy", "papa"], "object"],
  ["parent", []],
  ["sister", ["sis"]],
  ["brother", ["bro"]],
  ["sibling", [], undefined, true],
  ["twin", [], undefined, true],
  ["son", []],
  ["daughter", []],
  ["child", ["kid"]],
  ["grandmother", ["grandma", "granny", "nana"]],
  ["grandfather", ["grandpa", "granddad", "grandad"]],
  ["grandparent", []],
  ["grandson", []],
  ["granddaughter", []],
  ["grandchild", []],
  ["aunt", ["auntie"]],
  ["uncle", []],
  ["cousin", [], undefined, true],
  ["niece", []],
  ["nephew", []],
  ["boyfriend", [], "object"],
  ["girlfriend", [], "object"],
  ["fiance", ["fiancee"], "object"],
  ["partner", [], "both", true],
  ["friend", ["pal", "buddy"], undefined, true],
  ["best_friend", ["bff"], "object"],
  ["neighbor", ["neighbour"], undefined, true],
  ["roommate", ["flatmate", "housemate"], undefined, true],
  ["colleague", ["coworker", "co_worker"], undefined, true],
  ["classmate", [], undefined, true],
  ["teammate", [], undefined, true],
  ["mentor", []],
  ["teacher", []],
  ["student", []],
  ["doctor", ["gp", "physician"], "object"],
  ["dentist", [], "object"],
  ["therapist", [], "object"],
  ["lawyer", ["attorney"], "object"],
  ["landlord", ["landlady"], "object"],
  ["tenant", []],
  ["assistant", []],
  ["employee", []],
  ["pet", []]
]

/**
 * Roles in an organisation or group: `noun_of` from the holder. `"object"`: the group has one
 * holder at a time (a team's coach); `"both"`: and the holder holds one such role at a time (a
 * company's CEO, a city's mayor).
 */
const ROLES: ReadonlyArray<readonly [noun: string, variants: ReadonlyArray<string>, single?: Side | undefined]> = [
  ["manager", ["boss", "supervisor", "line_manager"], "object"],
  ["ceo", ["chief_executive", "chief_executive_officer"], "both"],
  ["cto", [], "both"],
  ["cfo", [], "both"],
  ["coo", [], "both"],
  ["president", [], "both"],
  ["vice_president", [], "both"],
  ["chair", ["chairman", "chairwoman", "chairperson"], "object"],
  ["captain", ["skipper"], "both"],
  ["coach", [], "object"],
  ["head", [], "object"],
  ["leader", [], "object"],
  ["director", []],
  ["mayor", [], "both"],
  ["governor", [], "both"],
  ["prime_minister", ["premier"], "both"],
  ["principal", ["headmaster", "headmistress"], "both"],
  ["editor", []],
  ["founder", ["co_founder", "cofounder"]],
  ["member", []],
  ["capital", [], "object"]
]

/**
 * The lexicon of canonical relations (kin and roles are generated: `sister` → `sister_of`, with
 * the bare noun as its possessive inverse). Documented, fixed; a user extends the single-valued
 * list through `Params.singleValued`.
 * @since 0.2.0
 */
export const lexicon: ReadonlyArray<Entry> = [
  {
    relation: "lives_in", display: "lives in", single: "subject",
    same: [
      "live_in", "live", "live_at", "reside_in", "reside", "reside_at", "move_to", "move", "relocate_to", "relocate",
      "settle_in", "settle", "home", "base_in", "current_city", "residence"
    ]
  },
  {
    relation: "works_at", display: "works at", single: "subject",
    same: [
      "work_at", "work_for", "join", "hire_by", "employ_by", "employer", "start_at", "start_work_at", "start_work_for",
      "begin_work_at", "teach_at", "workplace", "get_job_at", "take_job_at", "take_job_with"
    ],
    inverse: ["employ", "hire"]
  },
  { relation: "occupation", display: "works as", single: "subject", same: ["work_as", "job", "occupation", "profession", "employ_as"] },
  { relation: "title", display: "has the title", single: "subject", same: ["title", "job_title"] },
  { relation: "studies_at", display: "studies at", single: "subject", same: ["study_at", "attend", "enrol_at", "enroll_at", "school", "university", "college"] },
  {
    relation: "spouse_of", display: "is married to", single: "both", symmetric: true,
    same: [
      "marry_to", "marry", "wed", "wed_to", "husband_of", "wife_of", "spouse", "husband", "wife", "hubby", "have_spouse",
      "have_husband", "have_wife"
    ]
  },
  {
    relation: "located_in", display: "is in", single: "subject",
    same: [
      "be_in", "be_on", "be_at", "be_inside", "be_under", "be_underneath", "be_within", "be_on_top_of", "in", "on", "at",
      "inside", "under", "within", "on_top_of", "locate_in", "locate_on", "locate_at", "lie_on", "lie_in", "sit_on",
      "sit_in", "stand_in", "stand_on", "hang_on", "place_on", "place_in", "keep_in", "store_in", "carry_by", "hold_by",
      "in_inventory", "be_in_inventory", "location", "current_location", "position", "stay_in", "stay_at",
      "headquarter_in", "headquarter_at", "park_in", "park_at", "be_behind", "behind", "be_beside", "beside",
      "be_next_to", "next_to", "be_above", "above", "be_below", "below", "be_in_front_of", "in_front_of", "be_into",
      "into", "be_onto", "onto"
    ],
    inverse: ["contain", "have_on", "have_on_it", "have_in", "have_in_it", "have_inside", "carry"]
  },
  { relation: "plays_for", display: "plays for", single: "subject", same: ["play_for"] },
  {
    relation: "owned_by", display: "is owned by", single: "subject",
    same: ["own_by", "belong_to", "owner", "property_of"],
    inverse: ["own", "owner_of", "buy", "purchase"]
  },
  { relation: "born_in", display: "was born in", single: "subject", same: ["bear_in", "birthplace", "place_of_birth"] },
  { relation: "born_on", display: "was born on", single: "subject", same: ["bear_on", "birthday", "date_of_birth", "birth_date", "dob"] },
  { relation: "is_from", display: "is from", single: "subject", same: ["be_from", "from", "come_from", "hail_from", "originally_from", "origin"] },
  { relation: "age", display: "is aged", single: "subject", same: ["age", "be_age"] },
  { relation: "name", display: "is named", single: "subject", same: ["name", "full_name"] },
  { relation: "nickname", display: "is nicknamed", same: ["nickname", "nicknamed"] },
  { relation: "phone_number", display: "has phone number", single: "subject", same: ["phone", "phone_number", "telephone", "telephone_number", "mobile", "mobile_number", "cell", "cell_number", "number"] },
  { relation: "email", display: "has email", single: "subject", same: ["email", "email_address", "e_mail"] },
  { relation: "address", display: "has address", single: "subject", same: ["address", "home_address", "street_address"] },
  { relation: "nationality", display: "has nationality", single: "subject", same: ["nationality", "citizenship", "citizen_of"] },
  { relation: "status", display: "has status", single: "subject", same: ["status", "relationship_status"] },
  { relation: "color", display: "has color", single: "subject", same: ["color", "colour"] },
  { relation: "height", display: "is tall", single: "subject", same: ["height"] },
  { relation: "weight", display: "weighs", single: "subject", same: ["weight", "weigh"] },
  { relation: "is", display: "is", same: ["be"] },
  { relation: "is_a", display: "is a", same: ["be_a", "be_an", "is_a", "kind_of", "type_of", "instance_of"] },
  { relation: "has", display: "has", same: ["have", "have_get", "possess"] },
  { relation: "likes", display: "likes", same: ["like", "enjoy", "be_fond_of", "fond_of", "be_into"] },
  { relation: "loves", display: "loves", same: ["love", "adore"] },
  { relation: "dislikes", display: "dislikes", same: ["dislike", "hate", "detest"] },
  { relation: "knows", display: "knows", same: ["know", "be_acquaint_with", "acquaint_with"] },
  { relation: "speaks", display: "speaks", same: ["speak", "language"] },
  { relation: "plays", display: "plays", same: ["play"] },
  { relation: "drives", display: "drives", same: ["drive"] },
  ...KIN.map(([noun, variants, single, symmetric]): Entry => ({
    relation: `${noun}_of`,
    display: `is the ${noun.replace(/_/g, " ")} of`,
    ...(single === undefined ? {} : { single }),
    ...(symmetric === true ? { symmetric } : {}),
    same: [`${noun}_of`, ...variants.map((v) => `${v}_of`)],
    inverse: [noun, ...variants]
  })),
  ...ROLES.map(([noun, variants, single]): Entry => ({
    relation: `${noun}_of`,
    display: `is the ${noun.replace(/_/g, " ")} of`,
    ...(single === undefined ? {} : { single }),
    same: [
      `${noun}_of`,
      ...variants.map((v) => `${v}_of`),
      ...(noun === "manager" ? ["manage", "supervise", "oversee", "be_in_charge_of", "in_charge_of"] : []),
      ...(noun === "ceo" ? ["run_company", "lead_company"] : []),
      ...(noun === "founder" ? ["found", "co_found", "cofound", "establish"] : [])
    ],
    inverse: [
      noun, ...variants,
      ...(noun === "manager" ? ["report_to", "manage_by", "supervise_by"] : []),
      ...(noun === "capital" ? ["have_capital"] : []),
      ...(noun === "founder" ? ["found_by", "establish_by"] : [])
    ]
  }))
]

/** Spelling variants folded before lookup (British → one form). */
const SPELLING: Readonly<Record<string, string>> = {
  colour: "color", favourite: "favorite", neighbour: "neighbor", organisation: "organization", centre: "center",
  theatre: "theater", fave: "favorite", fav: "favorite", mum: "mom"
}

/** Words that are never part of a relation. */
const FILLERS = new Set([
  "the", "my", "your", "his", "her", "its", "our", "their", "now", "currently", "still", "also", "just", "recently",
  "already", "really", "actually", "finally", "newly", "officially", "then", "again", "later", "presently",
  "happily", "formerly", "previously", "usually", "often", "always", "sometimes", "ever", "even", "only",
  "mostly", "mainly", "permanently", "temporarily", "together", "back", "anymore", "proudly", "once", "today",
  "nowadays", "lately", "soon", "eventually", "new"
])

/** Words that mark a change of state. */
const CHANGE_WORDS = new Set(["now", "new", "newly", "move", "relocate", "become", "change", "switch", "replace", "nowadays", "anymore"])

const NEGATORS = new Set(["not", "never", "nt"])

/** Auxiliaries before a folded "n't" ("doesn't" → "doesn t"): the auxiliary they stand for. */
const NT: Readonly<Record<string, string>> = {
  doesn: "does", don: "do", didn: "did", isn: "is", aren: "are", wasn: "was", weren: "were", hasn: "has",
  haven: "have", hadn: "had", can: "can", couldn: "could", won: "will", wouldn: "would", shouldn: "should",
  mustn: "must", ain: "is"
}

/** The spelling of a word after folding (own keys only: "constructor" is a word, not a method). */
const spelled = (w: string): string => (Object.hasOwn(SPELLING, w) ? SPELLING[w]! : w)

// keys built once: lemma key → [canonical, swap]
interface Lookup {
  readonly relation: string
  readonly swap: boolean
}

const entries = new Map<string, Entry>()
const table = new Map<string, Lookup>()

/** The lemma words of a key-form phrase (no lexicon lookup). */
const lemmaWords = (key: string): Array<string> =>
  key.split("_").filter((w) => w.length > 0).map(spelled).map(lemma).map(spelled)

const register = (phrase: string, relation: string, swap: boolean): void => {
  const k = lemmaWords(Key.relation(phrase)).join("_")
  if (!table.has(k)) table.set(k, { relation, swap })
}

for (const e of lexicon) entries.set(e.relation, e)
for (const e of lexicon) register(e.relation, e.relation, false)
for (const e of lexicon) {
  for (const s of e.same) register(s, e.relation, false)
  for (const s of e.inverse ?? []) register(s, e.relation, true)
}

// ── analysis ──────────────────────────────────────────────────────────────────

/** Words of a phrase as written, lowercase, folded like keys (`doesn't` → `doesn t`). */
const rawWords = (phrase: string): Array<string> => Key.relation(phrase).split("_").filter((w) => w.length > 0)

interface Cleaned {
  /** Lemmas of the relation's own words. */
  readonly lemmas: Array<string>
  /** The same words as written. */
  readonly surface: Array<string>
  /**
   * The phrase as told, for display: negators, adverbs and do-support removed, the verb of a
   * do-supported group put in the third person ("does not live in" → "lives in"), auxiliaries
   * of be and have kept ("is married to", "was hired by").
   */
  readonly told: Array<string>
  readonly negated: boolean
  readonly change: boolean
}

const clean = (phrase: string): Cleaned => {
  const raw = rawWords(phrase)
  // n't: "doesn t" → "does" + negation
  const words: Array<string> = []
  let negated = false
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!
    const prev = words[words.length - 1]
    if (w === "t" && prev !== undefined && Object.hasOwn(NT, prev)) {
      words.pop()
      words.push(NT[prev]!)
      negated = true
      continue
    }
    words.push(w)
  }
  const lemmas: Array<string> = []
  const surface: Array<string> = []
  let change = false
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const l = spelled(lemma(spelled(w)))
    const next = words[i + 1]
    if (CHANGE_WORDS.has(w) || CHANGE_WORDS.has(l)) change = true
    if (NEGATORS.has(w)) {
      negated = true
      continue
    }
    if (w === "no" && (next === "longer" || next === "more")) {
      negated = true
      change = true
      i++
      continue
    }
    if (w === "any" && next === "more") {
      i++
      continue
    }
    if (FILLERS.has(w)) continue
    lemmas.push(l)
    surface.push(w)
  }
  // articles: "is a" is the copula of kind; elsewhere they carry nothing
  const copulaOfKind = lemmas.length === 2 && LINKING.has(lemmas[0]!) && (lemmas[1] === "a" || lemmas[1] === "an")
  if (!copulaOfKind) {
    for (let i = lemmas.length - 1; i >= 0; i--) {
      if (lemmas[i] === "a" || lemmas[i] === "an") {
        lemmas.splice(i, 1)
        surface.splice(i, 1)
      }
    }
  }
  // auxiliaries of a verb group: "has been living" → living; "is employed by" → employed by;
  // "does live" → live; "will/would/used to" are left (they are not facts, but stay distinct)
  let start = 0
  for (;;) {
    const l = lemmas[start]
    const nextSurface = surface[start + 1]
    if (nextSurface === undefined) break
    if (l === "have" && (lemmas[start + 1] === "be" || isParticiple(nextSurface))) start++
    else if (l === "do" && !["a", "an"].includes(nextSurface)) start++
    else if (l === "be" && isParticiple(nextSurface) && nextSurface !== "being") start++
    else if (l === "get" && isParticiple(nextSurface)) start++ // "got married to"
    else break
  }
  const told = surface.filter((w) => w !== "a" && w !== "an" || copulaOfKind)
  const doSupport = told.length > 1 && (told[0] === "do" || told[0] === "does" || told[0] === "did")
  if (doSupport) {
    told.shift()
    told[0] = thirdPerson(told[0]!)
  }
  return { lemmas: lemmas.slice(start), surface: surface.slice(start), told, negated, change }
}

/** A verb in the third person singular present: live → lives, watch → watches, study → studies. */
export const thirdPerson = (verb: string): string => {
  const v = lemma(verb)
  if (v === "be") return "is"
  if (v === "have") return "has"
  if (/(?:[sxz]|ch|sh|o)$/.test(v)) return v + "es"
  if (/[^aeiou]y$/.test(v)) return v.slice(0, -1) + "ies"
  return v + "s"
}

/**
 * What a phrase says (see the module header, steps 1–3).
 *
 * Laws: deterministic; `analyse(p).relation == canon(p)`;
 * `analyse(analyse(p).relation).relation == analyse(p).relation`.
 * @complexity O(|phrase|)
 * @example
 * ```ts
 * Relation.analyse("no longer lives in") // { relation: "lives_in", swap: false, negated: true, change: true, ... }
 * Relation.analyse("employs")            // { relation: "works_at", swap: true, ... }
 * ```
 * @since 0.2.0
 */
export const analyse = (phrase: string): Analysis => {
  const hit = memo.get(phrase)
  if (hit !== undefined) return hit
  const a = analyseFresh(phrase)
  if (memo.size >= MEMO_SIZE) memo.clear()
  memo.set(phrase, a)
  return a
}

/** Phrases repeat (a few hundred relations in a memory): their analyses are memoised. */
const MEMO_SIZE = 4096
const memo = new Map<string, Analysis>()

const analyseFresh = (phrase: string): Analysis => {
  const first = analyseOnce(phrase)
  // a key-form relation is read again until it is stable, so canon is idempotent even for
  // word salad ("live don now t") whose first reading brings two odd words together
  let relation = first.relation
  for (let i = 0; i < 8; i++) {
    const next = analyseOnce(relation).relation
    if (next === relation || next.length === 0) break
    relation = next
  }
  return relation === first.relation ? first : { ...first, relation }
}

const analyseOnce = (phrase: string): Analysis => {
  const c = clean(phrase)
  const { negated, change } = c
  const told = c.told.join(" ")
  const lemmas = c.lemmas.length === 2 && c.lemmas[0] === "become" && (c.lemmas[1] === "a" || c.lemmas[1] === "an")
    ? ["be", "a"]
    : c.lemmas
  const key = lemmas.join("_")
  const linking = lemmas.length > 1 && LINKING.has(lemmas[0]!)
  const hit = table.get(key) ?? (linking ? table.get(lemmas.slice(1).join("_")) : undefined)
  if (hit !== undefined) {
    // "Kim coaches the team": an inflected verb form of a role noun reads from the holder
    const verbal = hit.swap && lemmas.length === 1 && VERB_NOUNS.has(lemmas[0]!) && c.surface[0] !== lemmas[0]
    return { key, relation: hit.relation, swap: hit.swap && !verbal, negated, change, told }
  }
  if (key.length === 0) {
    const bare = rawWords(phrase).map(lemma).join("_")
    return { key, relation: bare.length === 0 ? "" : bare, swap: false, negated, change, told }
  }
  const relation = (lemmas[0] === "become" && lemmas.length > 1 ? lemmas.slice(1) : lemmas)
    .map((w) => (w === "be" ? "is" : w)).join("_")
  return { key, relation, swap: false, negated, change, told }
}

/** Verbs that link a subject to a relation noun ("is the captain of", "became CEO of"). */
const LINKING = new Set(["be", "become", "remain"])

/** Role nouns that are also verbs ("coaches", "captained", "heads", "chairs", "mentors"). */
const VERB_NOUNS = new Set(["coach", "captain", "head", "chair", "mentor", "skipper", "partner", "father", "mother", "parent", "lead", "found"])

/**
 * The canonical relation of a phrase, written or key form.
 *
 * Laws: idempotent `canon(canon(p)) == canon(p)`; `canon(p) == canon(Key.relation(p))`
 * (written and key forms agree); inflections agree (`canon("lives in") == canon("live in")`).
 * @complexity O(|phrase|)
 * @example
 * ```ts
 * Relation.canon("resides in")   // "lives_in"
 * Relation.canon("was hired by") // "works_at"
 * Relation.canon("is on")        // "located_in"
 * Relation.canon("likes")        // "likes"
 * ```
 * @since 0.2.0
 */
export const canon = (phrase: string): string => analyse(phrase).relation

/**
 * Whether a canonical relation is symmetric (A r B ⇔ B r A): spouse_of, partner_of,
 * sibling_of, friend_of, colleague_of, …
 * @complexity O(1)
 * @since 0.2.0
 */
export const isSymmetric = (relation: string): boolean => entries.get(relation)?.symmetric === true

/**
 * The single-valued side of a canonical relation: the lexicon's, else `"object"` for a
 * relation `noun_of` (a role or kin-like "X is the captain of Y": Y has one), else `"subject"`.
 * Used for relations in `Params.singleValued` or learned single-valued.
 * @complexity O(1)
 * @since 0.2.0
 */
export const side = (relation: string): Side => {
  const e = entries.get(relation)
  if (e?.single !== undefined) return e.single
  if (e?.symmetric === true) return "both"
  return relation.endsWith("_of") ? "object" : "subject"
}

/**
 * The default single-valued relations: every lexicon entry with a side, and every
 * `favorite_…` relation (written `favorite_*`: a trailing `*` in `Params.singleValued` is a
 * prefix pattern).
 * @since 0.2.0
 */
export const defaultSingleValued: ReadonlyArray<string> = [
  ...lexicon.filter((e) => e.single !== undefined).map((e) => e.relation),
  "favorite_*"
]

/**
 * Relations never learned single-valued from a change cue: the copula, possession, attitudes,
 * kin and other many-valued relations ("Kim is now a teacher" does not make `is_a`
 * single-valued).
 * @complexity O(1)
 * @since 0.2.0
 */
export const isLearnable = (relation: string): boolean => {
  if (NEVER_SINGLE.has(relation)) return false
  const e = entries.get(relation)
  if (e !== undefined && e.single === undefined) return false
  return true
}

const NEVER_SINGLE = new Set(["is", "is_a", "has", "likes", "loves", "dislikes", "knows", "speaks", "plays", "drives", "visit", "meet", "mention"])

/**
 * A set of single-valued relations (canonical names and `prefix*` patterns) with membership.
 * @since 0.2.0
 */
export interface SingleValuedSet {
  readonly has: (relation: string) => boolean
}

/**
 * The membership test of a list of single-valued relations: each listed phrase is canonicalised
 * (so a user may write "lives in" or "favourite colour"); a trailing `*` is a prefix pattern.
 * @complexity O(|list|) the first time for a list value, O(1) after (memoised); `has` O(patterns)
 * @since 0.2.0
 */
export const singleValuedSet = (list: ReadonlyArray<string>): SingleValuedSet => {
  const hit = singleValuedSets.get(list)
  if (hit !== undefined) return hit
  const built = buildSingleValuedSet(list)
  singleValuedSets.set(list, built)
  return built
}

/** One set per list value (a `Params` record keeps its list, so each is built once). */
const singleValuedSets = new WeakMap<ReadonlyArray<string>, SingleValuedSet>()

const buildSingleValuedSet = (list: ReadonlyArray<string>): SingleValuedSet => {
  const exact = new Set<string>()
  const prefixes: Array<string> = []
  for (const r of list) {
    if (r.endsWith("*")) prefixes.push(canon(r.slice(0, -1)).replace(/_$/, ""))
    else exact.add(canon(r))
  }
  return { has: (relation) => exact.has(relation) || prefixes.some((p) => relation === p || relation.startsWith(p + "_")) }
}

// ── normalising a triple ──────────────────────────────────────────────────────

/**
 * A triple in canonical form (see the module header): the canonical relation, subject and
 * object swapped for an inverse phrase, symmetric relations ordered by node key, negation and
 * change cues read off the phrase, and the display phrase kept when it still reads right.
 *
 * Laws:
 * - idempotent: normalizing `{subject, relation, object}` of a result gives the same
 *   subject, relation and object;
 * - every path agrees: the written and key forms of a phrase give the same result;
 * - inverse of inverse: `normalize(X, "husband", Y)` and `normalize(Y, "husband of", X)` and
 *   `normalize(X, "wife of", Y)` name one fact (spouse_of is symmetric);
 * - `normalize(s, r, o).relation == canon(r)`.
 * @complexity O(|phrase|)
 * @example
 * ```ts
 * Relation.normalize({ subject: "Ola", relation: "husband", object: "Marek" })
 * // { subject: "Marek", relation: "spouse_of", object: "Ola", phrase: null, negated: false, change: false }
 * ```
 * @since 0.2.0
 */
export const normalize = (triple: { readonly subject: string; readonly relation: string; readonly object: string }): Normalized => {
  const a = membership(analyse(triple.relation), triple.subject, triple.object)
  let subject = triple.subject
  let object = triple.object
  let reordered = a.swap
  if (a.swap) [subject, object] = [object, subject]
  if (isSymmetric(a.relation) && Key.node(subject) > Key.node(object)) {
    ;[subject, object] = [object, subject]
    reordered = !reordered
  }
  const written = a.told
  const shown = displayOf(a.relation)
  const firstWord = written.split(" ")[0] ?? ""
  const bareVerbOfKnown = entries.has(a.relation) && firstWord === lemma(firstWord) && !PREPOSITIONS.has(firstWord) &&
    !BE_HAVE.has(firstWord) && !isNounEntryHead(firstWord)
  // "became the CEO of" tells how the state began; the state reads "is the CEO of"
  const becoming = lemma(firstWord) === "become"
  const phrase = reordered || bareVerbOfKnown || becoming || written.length === 0 || written === shown ||
      written === a.relation.replace(/_/g, " ")
    ? null
    : written
  return { subject, relation: a.relation, object, phrase, negated: a.negated, change: a.change }
}

const PREPOSITIONS = new Set([
  "in", "on", "at", "to", "by", "of", "from", "with", "inside", "under", "near", "for", "into", "onto", "within",
  "behind", "beside", "above", "below", "over", "underneath", "outside", "around", "across", "beyond", "about"
])
const BE_HAVE = new Set(["is", "are", "was", "were", "am", "be", "been", "has", "have", "had", "can"])

/** Kin and role nouns (the heads of the lexicon's `noun_of` entries, with their variants). */
const NOUN_HEADS = new Set([...KIN, ...ROLES].flatMap(([noun, variants]) => [noun, ...variants].map((n) => n.replace(/_/g, " ").split(" ")[0]!)))
const isNounEntryHead = (w: string): boolean => NOUN_HEADS.has(w) || NOUN_HEADS.has(lemma(w))

/**
 * "Nadia belongs to the rowing club" is membership, "the bike belongs to Nadia" ownership: a
 * `belong_to` phrase whose subject is a name (capitalised) and whose object is not reads
 * `member_of`.
 */
const membership = (a: Analysis, subject: string, object: string): Analysis =>
  a.relation === "owned_by" && a.key === "belong_to" && isName(subject) && !isName(object)
    ? { ...a, relation: "member_of" }
    : a

const isName = (label: string): boolean => /^\p{Lu}/u.test(label.trim().replace(/^(?:the|a|an)\s+/i, ""))

const displayOf = (relation: string): string => entries.get(relation)?.display ?? relation.replace(/_/g, " ")

/**
 * The words to print between a fact's subject and object: its surface phrase when it has one,
 * else the canonical relation's display phrase ("lives in", "is the sister of"), else the
 * relation with spaces.
 *
 * Laws: never empty for a non-empty relation; `display({ relation: canon(p) })` reads in the
 * canonical direction.
 * @complexity O(1)
 * @example
 * ```ts
 * Relation.display({ relation: "located_in", phrase: "is on" }) // "is on"
 * Relation.display({ relation: "lives_in" })                   // "lives in"
 * ```
 * @since 0.2.0
 */
export const display = (fact: { readonly relation: string; readonly phrase?: string | null | undefined }): string =>
  fact.phrase !== undefined && fact.phrase !== null && fact.phrase.length > 0 ? fact.phrase : displayOf(fact.relation)

/**
 * A fact as an English sentence (without the final full stop), from its display phrase:
 * - a verb phrase: "Kim lives in Paris", negated "Kim does not live in Paris", "Kim is not
 *   married to Lee";
 * - a bare preposition: "the key is on the table";
 * - a role noun with "of": "Marek is the husband of Ola";
 * - an attribute noun: "Kim's favourite colour is blue".
 *
 * Laws: contains the subject and the object as given; deterministic; never conjugates a
 * canonical relation into a wrong agreement ("liveses").
 * @complexity O(|phrase|)
 * @example
 * ```ts
 * Relation.sentence({ subject: "Kim", relation: "lives_in", object: "Paris" }) // "Kim lives in Paris"
 * Relation.sentence({ subject: "Kim", relation: "favorite_color", phrase: "favourite colour", object: "blue" })
 * // "Kim's favourite colour is blue"
 * ```
 * @since 0.2.0
 */
export const sentence = (fact: {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly phrase?: string | null | undefined
  readonly negated?: boolean | undefined
}): string => {
  const words = display(fact).split(" ").filter((w) => w.length > 0)
  const s = fact.subject
  const o = fact.object
  const not = fact.negated === true
  const first = words[0] ?? ""
  const rest = words.slice(1).join(" ")
  const join = (...parts: ReadonlyArray<string>): string => parts.filter((p) => p.length > 0).join(" ")
  const perfect = (first === "has" || first === "have" || first === "had") && (words[1] === "been" || isParticiple(words[1] ?? ""))
  if (perfect || (BE_HAVE.has(first) && first !== "has" && first !== "have" && first !== "had")) {
    return join(s, first, not ? "not" : "", rest, o)
  }
  if (PREPOSITIONS.has(first)) return join(s, not ? "is not" : "is", words.join(" "), o)
  // the finite verb: the first word that is an inflected form ("co founded" → founded)
  const verb = words.findIndex((w) => !PREPOSITIONS.has(w) && (w !== lemma(w) || w === "has" || w === "had"))
  const canonical = entries.has(fact.relation) && (fact.phrase === undefined || fact.phrase === null)
  if ((verb >= 0 && !NOUN_HEADS.has(words[verb]!)) || (canonical && !isNounEntryHead(first))) {
    if (!not) return join(s, words.join(" "), o)
    const at = Math.max(0, verb)
    const w = words[at]!
    const present = w === thirdPerson(w) || w === "has"
    return join(s, ...words.slice(0, at), present ? "does not" : "did not", lemma(w), ...words.slice(at + 1), o)
  }
  if (words[words.length - 1] === "of" || isNounEntryHead(first)) {
    const role = words[words.length - 1] === "of" ? words.join(" ") : words.join(" ") + " of"
    return join(s, not ? "is not the" : "is the", role, o)
  }
  return join(`${s}'s`, words.join(" "), not ? "is not" : "is", o)
}
