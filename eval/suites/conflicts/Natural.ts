/**
 * Natural — the natural-language family of the conflict suite: labelled cases whose statements
 * are English sentences, as people say them, generated from seeded templates.
 *
 * A case is a short exchange about one subject (or two look-alikes): two or three sentences,
 * each told at a later system time, and the label — is there a contradiction, which statement's
 * fact should stay current, which should be kept as history (ended, pointing at the winner). A
 * labelled statement names the fact it is about by its two entities (`about`: subject and
 * object, in any direction, so "X's manager is Y" and "Y manages X" both match), never by a
 * relation: naming the relation is the memory's job.
 *
 * Kinds (conflicts): `move`, `job`, `attribute` (phone, e-mail, favourite colour, manager),
 * `thing_location` (the keys on the table / in the drawer), `transfer` (sold, gave, bought),
 * `role_replaced` (Y replaced X as captain), `role_became` (Y became the CEO), `no_longer`
 * (no longer with, not … anymore, stopped, quit, left), `dated_move` (both dated),
 * `late_report` (an older dated state told after a newer one: the newer stays current),
 * `correction` ("Actually, …"). Look-alikes that are not conflicts: `closed_interval`
 * ("from 2015 to 2018" then a current home), `multivalued` (likes tea / likes coffee),
 * `kin` (a sister Eva / a sister Ida), `similar_names` (John Smith / Jon Smith),
 * `neg_other_object` (likes tea / doesn't like coffee), `visit_not_move` (lives in A / is in B
 * this week), `born_vs_lives` (was born in A / lives in B).
 *
 * The sentences were written from how people talk, not from what any extractor reads: a
 * sentence form is drawn from the seed, with names, places and (some of the time) a pronoun
 * or the first person (the speaker's name is then given with the turn, as a chat would).
 */
import { type Label, labelShapeProblems, SPELLING_PAIRS } from "./Cases.ts"
import * as R from "./Prng.ts"

// ── model ─────────────────────────────────────────────────────────────────────

export const NL_FAMILY = "natural"

export type NlKind =
  | "move" | "job" | "attribute" | "thing_location" | "transfer" | "role_replaced" | "role_became"
  | "no_longer" | "dated_move" | "late_report" | "correction"
  | "closed_interval" | "multivalued" | "kin" | "similar_names" | "neg_other_object" | "visit_not_move" | "born_vs_lives"

/** The kinds, in rotation order: eleven conflicts, then seven look-alikes. */
export const NL_KINDS: ReadonlyArray<NlKind> = [
  "move", "job", "attribute", "thing_location", "transfer", "role_replaced", "role_became",
  "no_longer", "dated_move", "late_report", "correction",
  "closed_interval", "multivalued", "kin", "similar_names", "neg_other_object", "visit_not_move", "born_vs_lives"
]

/** The fact a labelled statement is about: its two entities (either direction) and polarity. */
export interface About {
  readonly subject: string
  readonly object: string
  /** Whether the statement denies the fact ("no longer", "not … anymore"). */
  readonly negated: boolean
}

/** One sentence told to the memory. */
export interface NlStep {
  /** System time (ms): the `now` of engram and reconcile, and the extractor's anchor for relative dates. */
  readonly at: number
  readonly text: string
  /** Who says it (first-person sentences), or null (a narrator). */
  readonly speaker: string | null
  /** The fact the label is about, for labelled statements (null otherwise). */
  readonly about: About | null
}

export interface NlCase {
  readonly id: string
  readonly family: typeof NL_FAMILY
  readonly kind: NlKind
  /** Whether the kind's relation is single-valued in the world. */
  readonly singleValued: boolean
  readonly steps: ReadonlyArray<NlStep>
  readonly label: Label
}

// ── vocabulary ────────────────────────────────────────────────────────────────

interface Person {
  readonly name: string
  readonly he: string
  readonly his: string
}

const she = (name: string): Person => ({ name, he: "she", his: "her" })
const he = (name: string): Person => ({ name, he: "he", his: "his" })

const WOMEN = ["Kim", "Ana", "Ola", "Ivy", "Noor", "Eva", "Ida", "Maria", "Aisha", "Sofia", "Hannah", "Grace", "Elena", "Fatima", "Priya", "Lena", "Mei", "Zoe", "Clara", "Nadia"]
const MEN = ["Tom", "Lee", "Sam", "Omar", "Raj", "Leo", "Marek", "Carlos", "Kenji", "Daniel", "Lucas", "Noah", "Pavel", "Ahmed", "Jonas", "Diego", "Felix", "Ben", "Hugo", "Arjun"]
const SURNAMES = ["Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Tanaka", "Haddad", "Silva", "Patel", "Murphy", "Novak", "Dubois", "Larsen", "Costa", "Mendes"]
const CITIES = ["Paris", "Lyon", "Oslo", "Rome", "Berlin", "Madrid", "Lisbon", "Dublin", "Boston", "Denver", "Tokyo", "Osaka", "Toronto", "Cairo", "Nairobi", "Lima", "Prague", "Vienna", "Gdansk", "Krakow", "Seattle", "Chicago", "Melbourne", "Porto"]
const COMPANIES = ["Acme", "Globex", "Initech", "Zeta", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Nimbus Foods", "Brightwater Logistics", "Quillion", "Vandelay Industries", "Soylent", "Cyberdyne"]
const TEAMS = ["the Hawks", "the Rovers", "the Comets", "the Falcons", "the Otters", "the Lions", "the Harbor City Pirates", "the Valley Wolves"]
const CLUBS = ["the chess club", "the book club", "the rowing club", "the choir", "the hiking group", "the tenants' association"]
const COLOURS = ["red", "blue", "green", "yellow", "purple", "orange", "teal", "black"]
const DRINKS = ["tea", "coffee", "green tea", "hot chocolate", "orange juice", "sparkling water"]
const LIKES = ["jazz", "chess", "sushi", "hiking", "opera", "gardening", "poetry", "cycling", "board games", "spicy food", "horror films", "cats"]
const LANGUAGES = ["French", "Spanish", "German", "Japanese", "Arabic", "Polish", "Portuguese", "Hindi"]
const INSTRUMENTS = ["the piano", "the guitar", "the violin", "the cello", "the drums", "the flute"]
const DOMAINS = ["example.org", "mail.test", "inbox.test"]
const JOB_TITLES = ["an engineer", "a designer", "an accountant", "a nurse", "a data analyst", "a lawyer", "a chef", "a teacher"]

/** Things that have one place at a time: [noun phrase, plural?]. */
const THINGS: ReadonlyArray<readonly [string, boolean]> = [
  ["the keys", true], ["the car keys", true], ["the wallet", false], ["the passport", false], ["the umbrella", false],
  ["the laptop", false], ["the phone charger", false], ["the glasses", true], ["the red notebook", false], ["the spare key", false],
  ["the scissors", true], ["the remote", false]
]
/** Places: [preposition, noun phrase]. */
const PLACES: ReadonlyArray<readonly [string, string]> = [
  ["on", "the kitchen table"], ["in", "the top drawer"], ["on", "the bookshelf"], ["in", "the car"], ["under", "the bed"],
  ["in", "the hallway"], ["on", "the desk"], ["in", "the garage"], ["by", "the front door"], ["in", "the blue box"],
  ["on", "the windowsill"], ["in", "the cupboard"]
]
/** Things people own and pass on. */
const POSSESSIONS = ["boat", "car", "bike", "piano", "old van", "motorbike", "camper van", "sailboat", "guitar", "lawnmower"]
/** Roles of one holder: [role, organisation pool]. */
const ROLES: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["captain", TEAMS], ["coach", TEAMS], ["CEO", COMPANIES], ["chair", CLUBS], ["treasurer", CLUBS]
]

// ── generators ────────────────────────────────────────────────────────────────

const DAY = 86_400_000
/** System time of every case's first statement (2024-03-01). */
export const NL_T0 = Date.UTC(2024, 2, 1)
const year = (y: number): number => Date.UTC(y, 0, 1)

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
/** "a boat", "an old van". */
const article = (noun: string): string => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`)
const bare = (np: string): string => np.replace(/^(the|a|an) /i, "")

const person = (r: R.Prng, avoid: ReadonlyArray<string> = []): Person => {
  for (;;) {
    const female = r.next() < 0.5
    const first = R.pick(r, female ? WOMEN : MEN)
    const name = r.next() < 0.3 ? `${first} ${R.pick(r, SURNAMES)}` : first
    if (avoid.some((a) => a.split(" ")[0] === first)) continue
    return female ? she(name) : he(name)
  }
}

/** `k` distinct picks. */
const distinct = <A>(r: R.Prng, xs: ReadonlyArray<A>, k: number): Array<A> => R.pickDistinct(r, xs, k)

/** The system times of `n` statements: NL_T0, then gaps of 1–60 days. */
const times = (r: R.Prng, n: number): Array<number> => {
  const out: Array<number> = []
  let t = NL_T0
  for (let i = 0; i < n; i++) {
    out.push(t)
    t += (1 + R.int(r, 60)) * DAY
  }
  return out
}

/** A statement before its time is drawn. */
interface Said {
  readonly text: string
  readonly speaker?: string
  readonly about?: About
}

const about = (subject: string, object: string, negated = false): About => ({ subject, object, negated })

/** How the subject is referred to in a follow-up: the name, or (a quarter of the time) a pronoun. */
const refer = (r: R.Prng, p: Person): string => (r.next() < 0.25 ? cap(p.he) : p.name)

/** First person about `p` a fifth of the time: the speaker is `p`. */
const firstPerson = (r: R.Prng): boolean => r.next() < 0.2

const phone = (r: R.Prng): string => `555-0${100 + R.int(r, 900)}`
const email = (r: R.Prng, p: Person): string => `${p.name.split(" ")[0]!.toLowerCase()}${R.int(r, 90) + 10}@${R.pick(r, DOMAINS)}`

interface Built {
  readonly singleValued: boolean
  readonly said: ReadonlyArray<Said>
  readonly label: Label
}

const conflict = (winner: number, history: Label["history"]): Label => ({ conflict: true, winner, history })
const none = (distinctLabels?: readonly [string, string]): Label =>
  distinctLabels === undefined ? { conflict: false, winner: null, history: [] } : { conflict: false, winner: null, history: [], distinct: distinctLabels }

/** Two sentences, the second replacing the first's fact. */
const update = (first: Said, second: Said): Built => ({
  singleValued: true,
  said: [first, second],
  label: conflict(1, [{ loser: 0, by: 1 }])
})

const build = (r: R.Prng, kind: NlKind): Built => {
  switch (kind) {
    case "move": {
      const p = person(r)
      const [a, b] = distinct(r, CITIES, 2) as [string, string]
      if (firstPerson(r)) {
        const s0 = R.pick(r, [`I live in ${a}.`, `I've been living in ${a} for a while.`, `I live in ${a} with my partner.`])
        const s1 = R.pick(r, [`I moved to ${b} last month.`, `I live in ${b} now.`, `We finally moved to ${b}.`, `I've just moved to ${b}.`])
        return update({ text: s0, speaker: p.name, about: about(p.name, a) }, { text: s1, speaker: p.name, about: about(p.name, b) })
      }
      const s0 = R.pick(r, [
        `${p.name} lives in ${a}.`, `${p.name} is living in ${a} at the moment.`, `${p.name} resides in ${a}.`,
        `${p.name} lives in ${a} with ${p.his} two cats.`, `${p.name} has lived in ${a} for years.`
      ])
      const x = refer(r, p)
      const s1 = R.pick(r, [
        `${x} moved to ${b} last year.`, `${x} has moved to ${b}.`, `${x} now lives in ${b}.`, `${x} relocated to ${b} in the spring.`,
        `${x} lives in ${b} now.`, `${x} recently moved to ${b}.`, `${x} moved from ${a} to ${b}.`, `${x} left ${a} and moved to ${b}.`
      ])
      return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, b) })
    }
    case "job": {
      const p = person(r)
      const [a, b] = distinct(r, COMPANIES, 2) as [string, string]
      if (firstPerson(r)) {
        const s0 = R.pick(r, [`I work at ${a}.`, `I work for ${a}.`, `I'm ${R.pick(r, JOB_TITLES)} at ${a}.`])
        const s1 = R.pick(r, [`I work for ${b} now.`, `I started a new job at ${b} last week.`, `I joined ${b} in January.`, `I now work at ${b}.`])
        return update({ text: s0, speaker: p.name, about: about(p.name, a) }, { text: s1, speaker: p.name, about: about(p.name, b) })
      }
      const s0 = R.pick(r, [
        `${p.name} works at ${a}.`, `${p.name} works for ${a}.`, `${p.name} is ${R.pick(r, JOB_TITLES)} at ${a}.`,
        `${p.name} has a job at ${a}.`, `${p.name} is employed by ${a}.`
      ])
      const x = refer(r, p)
      const s1 = R.pick(r, [
        `${x} now works at ${b}.`, `${x} joined ${b} in 2023.`, `${x} was hired by ${b} last spring.`, `${x} left ${a} and joined ${b}.`,
        `${x} started a new job at ${b}.`, `${x} works for ${b} now.`, `${x} switched to ${b} last month.`
      ])
      return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, b) })
    }
    case "attribute": {
      const p = person(r)
      const x = refer(r, p)
      const which = R.int(r, 4)
      if (which === 0) {
        const n0 = phone(r)
        let n1 = phone(r)
        while (n1 === n0) n1 = phone(r)
        const s0 = R.pick(r, [`${p.name}'s phone number is ${n0}.`, `${p.name}'s number is ${n0}.`, `You can reach ${p.name} on ${n0}.`])
        const s1 = R.pick(r, [
          `${p.name}'s phone number is now ${n1}.`, `${p.name} has a new phone number: ${n1}.`, `${x} changed ${p.his} number to ${n1}.`,
          `${p.name}'s new number is ${n1}.`
        ])
        return update({ text: s0, about: about(p.name, n0) }, { text: s1, about: about(p.name, n1) })
      }
      if (which === 1) {
        const e0 = email(r, p)
        let e1 = email(r, p)
        while (e1 === e0) e1 = email(r, p)
        const s0 = R.pick(r, [`${p.name}'s email address is ${e0}.`, `${p.name}'s email is ${e0}.`])
        const s1 = R.pick(r, [`${p.name}'s email is now ${e1}.`, `${p.name} has a new email address, ${e1}.`, `${x} changed ${p.his} email to ${e1}.`])
        return update({ text: s0, about: about(p.name, e0) }, { text: s1, about: about(p.name, e1) })
      }
      if (which === 2) {
        const [c0, c1] = distinct(r, COLOURS, 2) as [string, string]
        const s0 = R.pick(r, [`${p.name}'s favourite colour is ${c0}.`, `${p.name}'s favorite color is ${c0}.`])
        const s1 = R.pick(r, [
          `${p.name}'s favourite colour is now ${c1}.`, `These days ${p.name}'s favourite colour is ${c1}.`,
          `${p.name}'s favorite color is ${c1} now.`
        ])
        return update({ text: s0, about: about(p.name, c0) }, { text: s1, about: about(p.name, c1) })
      }
      const m0 = person(r, [p.name])
      const m1 = person(r, [p.name, m0.name])
      const s0 = R.pick(r, [`${p.name}'s manager is ${m0.name}.`, `${m0.name} is ${p.name}'s manager.`, `${p.name} reports to ${m0.name}.`])
      const s1 = R.pick(r, [`${p.name}'s new manager is ${m1.name}.`, `${m1.name} is ${p.name}'s manager now.`, `${x} now reports to ${m1.name}.`])
      return update({ text: s0, about: about(p.name, m0.name) }, { text: s1, about: about(p.name, m1.name) })
    }
    case "thing_location": {
      const [thing, plural] = R.pick(r, THINGS)
      const [[p0, place0], [p1, place1]] = distinct(r, PLACES, 2) as [readonly [string, string], readonly [string, string]]
      const be = plural ? "are" : "is"
      const was = plural ? "were" : "was"
      const speaker = person(r).name
      const s0 = R.pick(r, [
        `${cap(thing)} ${be} ${p0} ${place0}.`, `I left ${thing} ${p0} ${place0}.`, `${cap(thing)} ${was} ${p0} ${place0} this morning.`
      ])
      const s1 = R.pick(r, [
        `${cap(thing)} ${be} ${p1} ${place1} now.`, `I put ${thing} ${p1} ${place1}.`, `${cap(thing)} ${be} ${p1} ${place1}.`,
        `Someone moved ${thing} to ${place1}.`, `Now ${thing} ${be} ${p1} ${place1}.`
      ])
      return update(
        { text: s0, speaker, about: about(bare(thing), bare(place0)) },
        { text: s1, speaker, about: about(bare(thing), bare(place1)) }
      )
    }
    case "transfer": {
      const seller = person(r)
      const buyer = person(r, [seller.name])
      const thing = R.pick(r, POSSESSIONS)
      const s0 = R.pick(r, [
        `${seller.name} owns ${article(thing)}.`, `${seller.name} has ${article(thing)}.`, `${seller.name} bought ${article(thing)} in 2020.`,
        `The ${thing} belongs to ${seller.name}.`
      ])
      const s1 = R.pick(r, [
        `${seller.name} sold the ${thing} to ${buyer.name}.`, `${buyer.name} bought the ${thing} from ${seller.name}.`,
        `${seller.name} gave the ${thing} to ${buyer.name}.`, `The ${thing} now belongs to ${buyer.name}.`,
        `${buyer.name} owns the ${thing} now.`
      ])
      return update({ text: s0, about: about(seller.name, thing) }, { text: s1, about: about(buyer.name, thing) })
    }
    case "role_replaced": {
      const [role, orgs] = R.pick(r, ROLES)
      const org = R.pick(r, orgs)
      const old = person(r)
      const neu = person(r, [old.name])
      const s0 = R.pick(r, [
        `${old.name} is the ${role} of ${org}.`, `The ${role} of ${org} is ${old.name}.`,
        `${old.name} has been ${role} of ${org} since 2019.`
      ])
      const s1 = R.pick(r, [
        `${neu.name} replaced ${old.name} as ${role} of ${org}.`, `${neu.name} took over from ${old.name} as ${role} of ${org}.`,
        `${neu.name} is the new ${role} of ${org}.`, `${neu.name} succeeded ${old.name} as ${role} of ${org}.`,
        `${cap(org)} have a new ${role}, ${neu.name}.`
      ])
      return update({ text: s0, about: about(old.name, bare(org)) }, { text: s1, about: about(neu.name, bare(org)) })
    }
    case "role_became": {
      const [role, orgs] = R.pick(r, ROLES)
      const org = R.pick(r, orgs)
      const old = person(r)
      const neu = person(r, [old.name])
      const s0 = R.pick(r, [`${old.name} is the ${role} of ${org}.`, `${old.name} has been ${role} of ${org} since 2018.`])
      const s1 = R.pick(r, [
        `${neu.name} became the ${role} of ${org}.`, `${neu.name} became ${role} of ${org} last month.`,
        `${neu.name} was named ${role} of ${org}.`, `${neu.name} was appointed ${role} of ${org} in 2023.`
      ])
      return update({ text: s0, about: about(old.name, bare(org)) }, { text: s1, about: about(neu.name, bare(org)) })
    }
    case "no_longer": {
      const p = person(r)
      const x = refer(r, p)
      const which = R.int(r, 4)
      if (which === 0) {
        const a = R.pick(r, COMPANIES)
        const s0 = R.pick(r, [`${p.name} works at ${a}.`, `${p.name} works for ${a}.`, `${p.name} has a job at ${a}.`])
        const s1 = R.pick(r, [
          `${x} is no longer with ${a}.`, `${x} doesn't work at ${a} anymore.`, `${x} no longer works for ${a}.`,
          `${x} stopped working at ${a} last month.`, `${x} quit ${a} in the summer.`, `${x} quit ${p.his} job at ${a}.`, `${x} left ${a}.`
        ])
        return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, a, true) })
      }
      if (which === 1) {
        const a = R.pick(r, CITIES)
        const s0 = R.pick(r, [`${p.name} lives in ${a}.`, `${p.name} is living in ${a}.`])
        const s1 = R.pick(r, [`${x} no longer lives in ${a}.`, `${x} doesn't live in ${a} anymore.`, `${x} moved away from ${a}.`])
        return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, a, true) })
      }
      if (which === 2) {
        const a = R.pick(r, LIKES)
        const s0 = R.pick(r, [`${p.name} likes ${a}.`, `${p.name} really likes ${a}.`])
        const s1 = R.pick(r, [`${x} doesn't like ${a} anymore.`, `${x} no longer likes ${a}.`, `${x} does not like ${a} any more.`])
        return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, a, true) })
      }
      const club = R.pick(r, CLUBS)
      const s0 = R.pick(r, [`${p.name} is a member of ${club}.`, `${p.name} belongs to ${club}.`])
      const s1 = R.pick(r, [`${x} is no longer a member of ${club}.`, `${x} left ${club}.`, `${x} is not in ${club} anymore.`])
      return update({ text: s0, about: about(p.name, bare(club)) }, { text: s1, about: about(p.name, bare(club), true) })
    }
    case "dated_move": {
      const p = person(r)
      const y1 = 2008 + R.int(r, 8)
      const y2 = y1 + 2 + R.int(r, 6)
      const x = refer(r, p)
      const jobs = r.next() < 0.35
      const [a, b] = distinct(r, jobs ? COMPANIES : CITIES, 2) as [string, string]
      const s0 = jobs
        ? R.pick(r, [`${p.name} joined ${a} in ${y1}.`, `In ${y1}, ${p.name} started working at ${a}.`, `${p.name} has worked at ${a} since ${y1}.`])
        : R.pick(r, [`${p.name} moved to ${a} in ${y1}.`, `In ${y1} ${p.name} moved to ${a}.`, `${p.name} has lived in ${a} since ${y1}.`])
      const s1 = jobs
        ? R.pick(r, [`${x} joined ${b} in ${y2}.`, `In ${y2}, ${p.name} moved to ${b}.`, `${x} has worked at ${b} since ${y2}.`])
        : R.pick(r, [`${x} moved to ${b} in ${y2}.`, `In ${y2}, ${p.name} moved to ${b}.`, `${x} has lived in ${b} since ${y2}.`])
      return {
        singleValued: true,
        said: [{ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, b) }],
        label: conflict(1, [{ loser: 0, by: 1, validUntil: year(y2) }])
      }
    }
    case "late_report": {
      const p = person(r)
      const y2 = 2019 + R.int(r, 5)
      const y1 = y2 - 2 - R.int(r, 6)
      const jobs = r.next() < 0.35
      const [a, b] = distinct(r, jobs ? COMPANIES : CITIES, 2) as [string, string]
      const s0 = jobs
        ? R.pick(r, [`${p.name} joined ${b} in ${y2}.`, `${p.name} has worked at ${b} since ${y2}.`, `Since ${y2} ${p.name} has worked at ${b}.`])
        : R.pick(r, [`${p.name} moved to ${b} in ${y2}.`, `${p.name} has lived in ${b} since ${y2}.`, `Since ${y2} ${p.name} has lived in ${b}.`])
      const x = refer(r, p)
      const s1 = jobs
        ? R.pick(r, [`In ${y1} ${p.name} worked at ${a}.`, `Back in ${y1}, ${p.name} worked for ${a}.`, `${x} worked at ${a} in ${y1}.`])
        : R.pick(r, [`In ${y1} ${p.name} lived in ${a}.`, `Back in ${y1}, ${p.name} lived in ${a}.`, `${x} lived in ${a} in ${y1}.`])
      return {
        singleValued: true,
        said: [{ text: s0, about: about(p.name, b) }, { text: s1, about: about(p.name, a) }],
        label: conflict(0, [{ loser: 1, by: 0, validUntil: year(y2) }])
      }
    }
    case "correction": {
      const p = person(r)
      const jobs = r.next() < 0.4
      const [a, b] = distinct(r, jobs ? COMPANIES : CITIES, 2) as [string, string]
      const verb = jobs ? "works at" : "lives in"
      const s0 = `${p.name} ${verb} ${a}.`
      const s1 = R.pick(r, [
        `Sorry, I got that wrong: ${p.name} ${verb} ${b}.`, `Actually, ${p.name} ${verb} ${b}.`, `Correction: ${p.name} ${verb} ${b}, not ${a}.`,
        `I made a mistake earlier, ${p.name} actually ${verb} ${b}.`
      ])
      return update({ text: s0, about: about(p.name, a) }, { text: s1, about: about(p.name, b) })
    }
    case "closed_interval": {
      const p = person(r)
      const y1 = 2005 + R.int(r, 8)
      const y2 = y1 + 1 + R.int(r, 5)
      const y3 = y2 + R.int(r, 3)
      const jobs = r.next() < 0.4
      const [a, b] = distinct(r, jobs ? COMPANIES : CITIES, 2) as [string, string]
      const past = jobs
        ? R.pick(r, [`${p.name} worked at ${a} from ${y1} to ${y2}.`, `${p.name} worked for ${a} between ${y1} and ${y2}.`, `From ${y1} until ${y2}, ${p.name} worked at ${a}.`])
        : R.pick(r, [`${p.name} lived in ${a} from ${y1} to ${y2}.`, `${p.name} lived in ${a} between ${y1} and ${y2}.`, `From ${y1} until ${y2}, ${p.name} lived in ${a}.`])
      const now = jobs
        ? R.pick(r, [`${p.name} works at ${b}.`, `${p.name} has worked at ${b} since ${y3}.`])
        : R.pick(r, [`${p.name} lives in ${b}.`, `${p.name} has lived in ${b} since ${y3}.`])
      const said = r.next() < 0.5 ? [{ text: past }, { text: now }] : [{ text: now }, { text: past }]
      return { singleValued: true, said, label: none() }
    }
    case "multivalued": {
      const p = person(r)
      const x = refer(r, p)
      const which = R.int(r, 5)
      const pair = (xs: ReadonlyArray<string>) => distinct(r, xs, 2) as [string, string]
      const texts = which === 0
        ? (([a, b]) => [`${p.name} likes ${a}.`, R.pick(r, [`${x} likes ${b}.`, `${x} also likes ${b}.`, `${x} likes ${b} too.`])])(pair(DRINKS))
        : which === 1
        ? (([a, b]) => [`${p.name} speaks ${a}.`, R.pick(r, [`${x} also speaks ${b}.`, `${x} speaks ${b} as well.`, `${x} speaks ${b}.`])])(pair(LANGUAGES))
        : which === 2
        ? (([a, b]) => [`${p.name} plays ${a}.`, R.pick(r, [`${x} plays ${b} too.`, `${x} also plays ${b}.`])])(pair(INSTRUMENTS))
        : which === 3
        ? (([a, b]) => [`${p.name} visited ${a} last year.`, R.pick(r, [`${x} visited ${b} in May.`, `${x} has also visited ${b}.`])])(pair(CITIES))
        : (([a, b]) => [`${p.name} is friends with ${a}.`, R.pick(r, [`${x} is also friends with ${b}.`, `${x} is friends with ${b}.`])])(
          ((f1) => [f1.name, person(r, [p.name, f1.name]).name])(person(r, [p.name]))
        )
      return { singleValued: false, said: texts.map((text) => ({ text })), label: none() }
    }
    case "kin": {
      const p = person(r)
      const [rel, pool] = R.pick(r, [["sister", WOMEN], ["brother", MEN], ["daughter", WOMEN], ["son", MEN], ["cousin", [...WOMEN, ...MEN]]] as const)
      const [k1, k2] = distinct(r, pool.filter((n) => n !== p.name.split(" ")[0]), 2) as [string, string]
      const s0 = R.pick(r, [`${p.name} has a ${rel}, ${k1}.`, `${p.name} has a ${rel} called ${k1}.`, `${k1} is ${p.name}'s ${rel}.`])
      const s1 = R.pick(r, [
        `${p.name} has another ${rel}, ${k2}.`, `${k2} is also ${p.name}'s ${rel}.`, `${p.name}'s ${rel} ${k2} lives in ${R.pick(r, CITIES)}.`,
        `${p.name} also has a ${rel} named ${k2}.`
      ])
      return { singleValued: false, said: [{ text: s0 }, { text: s1 }], label: none() }
    }
    case "similar_names": {
      let [x, y] = R.pick(r, SPELLING_PAIRS)
      if (r.next() < 0.5) [x, y] = [y, x]
      const jobs = r.next() < 0.5
      const [a, b] = distinct(r, jobs ? COMPANIES : CITIES, 2) as [string, string]
      const verb = jobs ? "works at" : "lives in"
      return {
        singleValued: true,
        said: [{ text: `${x} ${verb} ${a}.` }, { text: `${y} ${verb} ${b}.` }],
        label: none([x, y])
      }
    }
    case "neg_other_object": {
      const p = person(r)
      const x = refer(r, p)
      const which = R.int(r, 4)
      const texts = which === 0
        ? (([a, b]) => [`${p.name} likes ${a}.`, R.pick(r, [`${x} doesn't like ${b}.`, `${x} does not like ${b} at all.`])])(distinct(r, LIKES, 2))
        : which === 1
        ? (([a, b]) => [`${p.name} speaks ${a}.`, `${x} doesn't speak ${b}.`])(distinct(r, LANGUAGES, 2))
        : which === 2
        ? (([a, b]) => [`${p.name} lives in ${a}.`, R.pick(r, [`${x} has never lived in ${b}.`, `${x} doesn't live in ${b}.`])])(distinct(r, CITIES, 2))
        : (([a, b]) => [`${p.name} works at ${a}.`, R.pick(r, [`${x} never worked for ${b}.`, `${x} does not work at ${b}.`])])(distinct(r, COMPANIES, 2))
      return { singleValued: which >= 2, said: texts.map((text) => ({ text })), label: none() }
    }
    case "visit_not_move": {
      const p = person(r)
      const x = refer(r, p)
      const [a, b] = distinct(r, CITIES, 2) as [string, string]
      const s1 = R.pick(r, [
        `${x} is in ${b} this week for a conference.`, `${x} is visiting ${b}.`, `${x} spent the weekend in ${b}.`,
        `${x} flew to ${b} for a meeting.`, `${x} is on holiday in ${b}.`
      ])
      return { singleValued: false, said: [{ text: `${p.name} lives in ${a}.` }, { text: s1 }], label: none() }
    }
    case "born_vs_lives": {
      const p = person(r)
      const x = refer(r, p)
      const [a, b] = distinct(r, CITIES, 2) as [string, string]
      const s0 = R.pick(r, [`${p.name} was born in ${a}.`, `${p.name} grew up in ${a}.`, `${p.name} studied in ${a}.`])
      const s1 = R.pick(r, [`${x} lives in ${b}.`, `${x} lives in ${b} these days.`, `${x} works in ${b}.`])
      const said = r.next() < 0.7 ? [{ text: s0 }, { text: s1 }] : [{ text: s1.replace(/^(She|He) /, `${p.name} `) }, { text: s0 }]
      return { singleValued: false, said, label: none() }
    }
  }
}

// ── the case set ──────────────────────────────────────────────────────────────

/** Cases per kind in a full run (18 kinds: 180 cases). */
export const NL_PER_KIND = 10

/**
 * The labelled natural-language cases: `perKind` per kind, all content from `seed`.
 * Deterministic: the same seed gives the same cases.
 */
export const generateNatural = (seed: number, perKind: number = NL_PER_KIND): Array<NlCase> => {
  const out: Array<NlCase> = []
  for (let i = 0; i < perKind; i++) {
    NL_KINDS.forEach((kind, ki) => {
      const r = R.make(seed * 104_729 + ki * 7_919 + i * 613 + 17)
      const b = build(r, kind)
      const ts = times(r, b.said.length)
      out.push({
        id: `nl-${kind}-${String(i).padStart(2, "0")}`,
        family: NL_FAMILY,
        kind,
        singleValued: b.singleValued,
        steps: b.said.map((s, j) => ({ at: ts[j]!, text: s.text, speaker: s.speaker ?? null, about: s.about ?? null })),
        label: b.label
      })
    })
  }
  return out
}

/**
 * Label problems of a natural-language case (empty when consistent): indices in range, the
 * winner never a loser, every labelled statement says what it is about, time increases.
 */
export const naturalLabelProblems = (c: NlCase): Array<string> => {
  const p = labelShapeProblems(c.label, c.steps)
  const l = c.label
  if (l.conflict) {
    const named = [l.winner!, ...l.history.flatMap((h) => [h.loser, h.by])]
    for (const i of named) if (c.steps[i] !== undefined && c.steps[i]!.about === null) p.push(`statement ${i} is labelled but says nothing it is about`)
  }
  if (l.distinct !== undefined) {
    const [a, b] = l.distinct
    if (!c.steps.some((s) => s.text.includes(a)) || !c.steps.some((s) => s.text.includes(b))) p.push("distinct labels not in the text")
  }
  return p
}
