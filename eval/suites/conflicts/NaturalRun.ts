/**
 * NaturalRun — runs a natural-language conflict case: every sentence through the real rule
 * extractor (`shell/extract/RuleExtractor`), its triples engrammed as one episode at the
 * statement's time, reconciled right after; then judged against the label exactly as the
 * triple families are (`Evaluate.judge`).
 *
 * Reading: one discourse per case when the extractor offers one (`make().discourse().read`,
 * so a pronoun in the second sentence can find the name in the first), each sentence with its
 * turn context `{ speaker, time }` (time = the statement's system time, which anchors "last
 * year"); otherwise `extract(text, context)` sentence by sentence. A sentence is read once per
 * case and the same triples are given to every system.
 *
 * Matching the label: a labelled statement is about two entities (`About`); its edge is the
 * fact engrammed from that sentence whose subject and object keys are those two (either
 * direction — a normaliser may turn "X's manager is Y" round), preferring the one of the
 * labelled polarity. When no fact matches, the statement was not read as labelled: every
 * check that needs its edge fails, and the failure says what was read instead.
 */
import { Engram, Key, LiquidGraph, Reconcile } from "../../../core/index.ts"
import * as Relation from "../../../core/Relation.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import { toEngramFact, type Triple } from "../../../shell/extract/Triple.ts"
import { judge, type Outcome, type System } from "./Evaluate.ts"
import type { About, NlCase } from "./Natural.ts"

// ── reading ───────────────────────────────────────────────────────────────────

/** The turn context of the extractor contract (who speaks, when: anchors relative dates). */
export interface TurnContext {
  readonly speaker?: string | null
  readonly time?: number | null
}

type Read = (text: string, context?: TurnContext) => ReadonlyArray<Triple>

/** The rule extractor as this runner uses it: `discourse()` where it exists. */
type Reader = RuleExtractor.RuleExtractor & { readonly discourse?: () => { readonly read: Read } }

/** What a case's sentences were read as: the triples of each statement, in order. */
export type Reading = ReadonlyArray<ReadonlyArray<Triple>>

/** Reads every sentence of `c` with the real rule extractor (deterministic). */
export const readCase = (c: NlCase): Reading => {
  const base: Reader = RuleExtractor.make()
  if (base.discourse !== undefined) {
    const d = base.discourse()
    return c.steps.map((s) => d.read(s.text, { speaker: s.speaker, time: s.at }))
  }
  // an extractor without a discourse: each sentence alone, the speaker as an option
  const bySpeaker = new Map<string | null, Read>()
  return c.steps.map((s) => {
    let read = bySpeaker.get(s.speaker)
    if (read === undefined) {
      read = (RuleExtractor.make(s.speaker === null ? {} : { speaker: s.speaker }) as Reader).extract
      bySpeaker.set(s.speaker, read)
    }
    return read(s.text, { speaker: s.speaker, time: s.at })
  })
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

const show = (t: Triple): string => {
  const until = (t as { readonly validUntil?: number | null }).validUntil
  const when = (t.validFrom != null ? `, from ${day(t.validFrom)}` : "") + (until != null ? `, until ${day(until)}` : "")
  return `(${t.subject}, ${t.relation}, ${t.object}${t.negated ? ", negated" : ""}${when})`
}

/** The triples of a reading in words. */
export const showReading = (reading: Reading): string =>
  reading.map((ts, i) => `${i}: ${ts.length === 0 ? "nothing" : ts.map(show).join(" ")}`).join("; ")

// ── running ───────────────────────────────────────────────────────────────────

const pairKey = (a: string, b: string): string => [Key.node(a), Key.node(b)].sort().join("\u0000")

/** The index of the fact among `facts` that `about` names (-1: none). */
export const matchAbout = (
  facts: ReadonlyArray<{ readonly subject: string; readonly object: string; readonly negated?: boolean | undefined }>,
  about: About
): number => {
  const want = pairKey(about.subject, about.object)
  let found = -1
  for (let j = 0; j < facts.length; j++) {
    const f = facts[j]!
    if (pairKey(f.subject, f.object) !== want) continue
    if ((f.negated === true) === about.negated) return j
    if (found < 0) found = j
  }
  return found
}

const usable = (f: Engram.EngramFact): boolean =>
  Key.node(f.subject).length > 0 && Key.node(f.object).length > 0 && Key.relation(f.relation).length > 0

/** Runs `c` (already read) under `system` and judges it against the label. */
export const runNatural = (c: NlCase, reading: Reading, system: System): Outcome => {
  const params = system.params
  let g = LiquidGraph.empty()
  const edgeOf: Array<string | undefined> = []
  const unread = new Map<number, string>()
  const nodeOf = new Map<string, string>()
  const decisions: Array<{ winner: string; loser: string; reason: string }> = []
  c.steps.forEach((step, i) => {
    const triples = reading[i] ?? []
    const facts = triples.map((t) => toEngramFact(t, `conversation:${c.id}`)).filter(usable)
    const labels = [...new Set(facts.flatMap((f) => [f.subject, f.object]))]
    const entities = system.embed === undefined
      ? undefined
      : labels.map((label) => {
        const e = system.embed!(label)
        return e === undefined ? { label } : { label, embedding: e }
      })
    const episode = { id: `${c.id}-${i}`, text: step.text, time: step.at }
    const input: Engram.EngramInput = {
      episode,
      ...(entities === undefined ? {} : { entities }),
      facts
    }
    let r: ReturnType<typeof Engram.engram>
    try {
      r = Engram.engram(g, input, params, step.at)
    } catch (e) {
      // a fact the core refuses (e.g. a date out of range): the sentence is kept, its facts are not
      unread.set(i, `refused by engram: ${e instanceof Error ? e.message : String(e)}`)
      r = Engram.engram(g, { episode, facts: [] }, params, step.at)
      facts.length = 0
    }
    for (const [raw, id] of r.ids.nodes) nodeOf.set(raw, id)
    const j = step.about === null ? -1 : matchAbout(facts, step.about)
    edgeOf.push(j < 0 ? undefined : r.ids.facts[j])
    if (step.about !== null && j < 0 && !unread.has(i)) {
      unread.set(i, triples.length === 0 ? "nothing read" : `read ${triples.map(show).join(" ")}`)
    }
    g = r.graph
    const ids = [...new Set(r.ids.facts)]
    if (ids.length > 0) {
      const rc = Reconcile.reconcile(g, { facts: ids }, params, step.at)
      for (const s of rc.changes.superseded) decisions.push({ winner: s.winner, loser: s.loser, reason: s.reason })
      g = rc.graph
    }
  })
  const l = c.label
  const focus = l.conflict ? l.history[0]!.loser : -1
  const focusEdge = focus >= 0 && edgeOf[focus] !== undefined ? LiquidGraph.edge(g, edgeOf[focus]!) : undefined
  const relation = focusEdge?.relation ?? ""
  const o = judge({ id: c.id, family: c.family, kind: c.kind, singleValued: c.singleValued, label: l }, {
    graph: g,
    edgeOf,
    nodeOf,
    decisions,
    relation,
    listed: relation !== "" && Relation.singleValuedSet(params.singleValued).has(relation),
    unread
  })
  return { ...o, trace: `read ${showReading(reading)}; ${o.trace}` }
}

/**
 * Who a failing natural-language outcome points at: `extractor` when a labelled statement was
 * not read as labelled (its fact never reached the memory), `memory` otherwise (the facts were
 * there; reconcile or the relation vocabulary decided wrongly). Null for a correct outcome.
 */
export const blame = (o: Outcome): "extractor" | "memory" | null =>
  o.correct ? null : o.failure !== null && o.failure.includes("not read as labelled") ? "extractor" : "memory"
