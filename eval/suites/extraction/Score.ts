/**
 * Score — predicted triples against the labelled facts: precision, recall, F1 and date accuracy,
 * per case, then summed by family and split.
 *
 * Both sides go through the core's relation vocabulary (`Relation.normalize`): canonical
 * relation, inverse phrases and possessive nouns turned round, symmetric relations taken as
 * unordered pairs, negators in the phrase ("no longer lives in") folded into the negation.
 * Labels are compared by node key (`Key.node`: case, accents, punctuation, a leading article)
 * after dropping a leading title (Dr., Mr., Mrs., Ms., Miss, Prof., Professor) on both sides, so
 * "Dr. Anna Zielinska" and "Anna Zielinska" are one person, and "Anna" is not.
 *
 * A predicted fact matches a gold fact when subject, canonical relation, object and negation
 * are all equal; each fact matches at most once, and a fact told twice (in two turns, say)
 * counts once on either side. Dates are scored apart, on the matched facts that carry a date
 * on either side: a match is date-correct when `validFrom` and `validUntil` fall on the same
 * UTC day (or are both absent).
 *
 * @since 0.2.0
 */
import * as Key from "../../../core/Key.ts"
import * as Relation from "../../../core/Relation.ts"
import { type Case, dayOf, type Family, type GoldFact, type Split } from "./Cases.ts"

/** What an extractor predicts (structurally a `Triple`: dates in world ms or null). */
export interface Predicted {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly negated: boolean
  readonly validFrom: number | null
  readonly validUntil?: number | null
}

/** A fact in the form facts are compared in. */
export interface Canonical {
  /** subject, relation, object, negation: equal keys ⇔ the same fact. */
  readonly key: string
  /** Days (`YYYY-MM-DD`) or null. */
  readonly validFrom: string | null
  readonly validUntil: string | null
  /** For reports: the fact as read. */
  readonly shown: string
}

const TITLE = /^(?:dr|mr|mrs|ms|miss|prof|professor) (?=\S)/

/**
 * The key a label is compared by: `Key.node` with a leading title dropped.
 * Laws: `label(label(s)) == label(s)`; `label("Dr. Anna Zielinska") == label("Anna Zielinska")`.
 * @complexity O(|s|)
 */
export const label = (s: string): string => Key.node(Key.node(s).replace(TITLE, ""))

/**
 * A fact's comparison form: the relation canonicalised (direction and negators included),
 * labels keyed, symmetric relations ordered.
 * @complexity O(|fact|)
 */
export const canonical = (fact: { readonly subject: string; readonly relation: string; readonly object: string; readonly negated: boolean }, validFrom: string | null, validUntil: string | null): Canonical => {
  const n = Relation.normalize(fact)
  let s = label(n.subject)
  let o = label(n.object)
  if (Relation.isSymmetric(n.relation) && s > o) [s, o] = [o, s]
  const negated = fact.negated || n.negated
  return {
    key: `${s}\u0000${n.relation}\u0000${o}\u0000${negated ? "not" : ""}`,
    validFrom,
    validUntil,
    shown: `(${n.subject}, ${negated ? "not " : ""}${n.relation}, ${n.object})`
  }
}

/** A gold fact's comparison form. */
export const ofGold = (f: GoldFact): Canonical =>
  canonical({ subject: f.subject, relation: f.relation, object: f.object, negated: f.negated === true }, f.validFrom ?? null, f.validUntil ?? null)

/** A predicted fact's comparison form. */
export const ofPredicted = (p: Predicted): Canonical => canonical(p, dayOf(p.validFrom), dayOf(p.validUntil))

/** Counts; rates are derived by {@link rates}. */
export interface Tally {
  readonly cases: number
  readonly tp: number
  readonly fp: number
  readonly fn: number
  /** Matched facts with a date on either side, and those whose dates agree to the day. */
  readonly dated: number
  readonly datesRight: number
  /** Cases with no gold fact, and those of them where nothing was predicted. */
  readonly factless: number
  readonly clean: number
}

export const emptyTally: Tally = { cases: 0, tp: 0, fp: 0, fn: 0, dated: 0, datesRight: 0, factless: 0, clean: 0 }

/** Sum of two tallies. Laws: associative, commutative, `emptyTally` is the identity. */
export const add = (a: Tally, b: Tally): Tally => ({
  cases: a.cases + b.cases,
  tp: a.tp + b.tp,
  fp: a.fp + b.fp,
  fn: a.fn + b.fn,
  dated: a.dated + b.dated,
  datesRight: a.datesRight + b.datesRight,
  factless: a.factless + b.factless,
  clean: a.clean + b.clean
})

/** One case scored: its tally and what went wrong, for the report. */
export interface CaseScore {
  readonly id: string
  readonly family: Family
  readonly split: Split
  readonly tally: Tally
  readonly missed: ReadonlyArray<string>
  readonly spurious: ReadonlyArray<string>
  readonly wrongDates: ReadonlyArray<string>
}

const dedupe = (facts: ReadonlyArray<Canonical>): Array<Canonical> => {
  const seen = new Map<string, Canonical>()
  for (const f of facts) if (!seen.has(f.key)) seen.set(f.key, f)
  return [...seen.values()]
}

/**
 * Scores one case's predictions.
 * Laws: predicting exactly the gold facts gives fp = fn = 0 and every date right; predicting
 * nothing gives tp = fp = 0, fn = the number of distinct gold facts.
 * @complexity O(g + p)
 */
export const scoreCase = (c: Case, predicted: ReadonlyArray<Predicted>): CaseScore => {
  const gold = dedupe(c.facts.map(ofGold))
  const pred = new Map(dedupe(predicted.map(ofPredicted)).map((p) => [p.key, p]))
  let tp = 0
  let dated = 0
  let datesRight = 0
  const missed: Array<string> = []
  const wrongDates: Array<string> = []
  for (const g of gold) {
    const p = pred.get(g.key)
    if (p === undefined) {
      missed.push(g.shown)
      continue
    }
    pred.delete(g.key)
    tp++
    if (g.validFrom !== null || g.validUntil !== null || p.validFrom !== null || p.validUntil !== null) {
      dated++
      if (g.validFrom === p.validFrom && g.validUntil === p.validUntil) datesRight++
      else wrongDates.push(`${g.shown}: gold ${g.validFrom ?? "–"}..${g.validUntil ?? "–"}, got ${p.validFrom ?? "–"}..${p.validUntil ?? "–"}`)
    }
  }
  const spurious = [...pred.values()].map((p) => p.shown)
  const factless = gold.length === 0 ? 1 : 0
  return {
    id: c.id,
    family: c.family,
    split: c.split,
    tally: { cases: 1, tp, fp: spurious.length, fn: missed.length, dated, datesRight, factless, clean: factless === 1 && spurious.length === 0 ? 1 : 0 },
    missed,
    spurious,
    wrongDates
  }
}

/** Rates of a tally (`undefined` where the denominator is 0). */
export interface Rates {
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly dateAccuracy: number | undefined
  readonly cleanRate: number | undefined
}

/**
 * Precision tp/(tp+fp), recall tp/(tp+fn), their harmonic mean. A group with nothing predicted
 * has precision 1 (it said nothing wrong); with nothing to find, recall 1 — so a factless
 * family scores F1 1 when nothing is predicted and 0 as soon as anything is.
 */
export const rates = (t: Tally): Rates => {
  const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp)
  const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn)
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    dateAccuracy: t.dated === 0 ? undefined : t.datesRight / t.dated,
    cleanRate: t.factless === 0 ? undefined : t.clean / t.factless
  }
}

/** Sums case scores by a grouping key. */
export const tallyBy = (scores: ReadonlyArray<CaseScore>, group: (s: CaseScore) => string): Map<string, Tally> => {
  const out = new Map<string, Tally>()
  for (const s of scores) {
    const k = group(s)
    out.set(k, add(out.get(k) ?? emptyTally, s.tally))
  }
  return out
}
