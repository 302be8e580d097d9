/**
 * Reconcile — detect facts that contradict each other and resolve them, keeping the loser as
 * history (MISSION feature 10, after KEDKG: knowledge editing on dynamic knowledge graphs).
 *
 * What contradicts. Only *current* facts (`Fact.isCurrent`: not superseded, no explicit
 * end) of kind `fact` in one slot (same subject and relation) can contradict:
 * - **single-valued**: the relation is in `params.singleValued`, both facts are positive and
 *   their objects differ ("Alice lives in Paris" / "Alice lives in London");
 * - **negation**: one fact is negated, the other positive, same object ("Bob likes cats" /
 *   "Bob does not like cats"), for any relation. A negation never contradicts a different
 *   object ("not London" says nothing about Paris), and two negations never contradict.
 * Two facts with the same object and polarity agree (duplicate versions both stay current).
 * A fact whose validity has an explicit end (`validUntil` set) is a statement about a closed
 * past interval: history, never a candidate. Two current facts are both open-ended, so facts
 * whose explicit intervals are disjoint never conflict; overlapping *closed* intervals supplied
 * by a caller are left as given (reconcile decides what is current, it does not audit history).
 *
 * Who wins. The time of a fact is `t(f) = validFrom ?? learnedAt` (when it became true, or, if
 * unknown, when memory learned it) — except that a dated fact told as a change ("He moved to
 * Porto last year", `change` set) counts from no earlier than the latest undated rival told
 * before it ({@link times}); its support is
 * `support(f) = confidence · (1 + ln(1 + d)) · (0.5 + 0.5 · weight)` with `d` the number of
 * distinct provenance entries. Of two contradicting facts the newer (larger `t`; ties: larger
 * `learnedAt`, then smaller id) wins, unless the older's support exceeds the newer's by more
 * than `params.supportMargin` (`support(older) > support(newer) + supportMargin`).
 *
 * Several facts at once. The current facts of a slot are resolved as if they had arrived in
 * chronological order (`t`, then `learnedAt` ascending, then positive before negated, then id
 * descending — the reverse of
 * "newer") and each had been reconciled on arrival against the facts still current: an arriving
 * fact that contradicts some current facts supersedes all of them, unless one of them
 * out-supports it by more than the margin; then the arriving fact is rejected (superseded by the
 * strongest such fact) and changes nothing else. The order is a function of the facts' fields
 * only, so the outcome never depends on insertion or iteration order; and inserting facts in time
 * order, reconciling each one's slot right after it arrives, gives exactly the graph that one
 * reconcile at the end gives. With two facts this is the pairwise rule above. This
 * chronological fold, rather than one winner picked for the whole slot, keeps history
 * consistent: in a single-valued slot whose facts have `validFrom` set, the intervals reconcile
 * writes never overlap (Paris until 2023, then London), and the margin rule is never applied
 * across a fact that was itself already replaced.
 *
 * What the loser keeps. Nothing is deleted. A loser keeps every field except:
 * - replaced by a newer fact `w`: `validUntil = t(w)`, `supersededBy = w.id` (it held until `w`
 *   began; for a change counted later than its date, still its date unless the loser began after
 *   it);
 * - rejected by an older, much better supported fact `w` (the claim was never believed):
 *   `supersededBy = w.id` and the empty interval `[t, t)` with `t = t(loser)`, i.e.
 *   `validUntil = t` and, when `validFrom` was unknown, `validFrom = t` too — so
 *   `Fact.isValidAt(loser, τ)` is false at every world time `τ`, while `t(loser)` is unchanged.
 * Weights stay as they are (decay and prune treat history like any edge), so no node score
 * changes: the decisions are reported in `changes.superseded` only: first those of the groups on
 * a relation's object end (one subject per object; a symmetric relation's participants), then
 * those of the subject slots, each in key order, then in the order of the fold. The object ends
 * go first so that a replacement told with the old holder's negation ("Lena succeeded Carlos as
 * chair") ends the old fact by the new holder, not by the negation.
 *
 * @since 0.1.0
 */
import { HashMap, HashSet, Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step, type Supersession } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import type { Fact } from "./Fact.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"
import * as Relation from "./Relation.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link reconcile}: the ids of the edges whose slots to check (typically the
 * edges an engram just added or re-asserted). Absent: every slot of the graph. Ids of edges that
 * are not `fact`s (mentions, associations) are accepted and have no slot to check.
 *
 * @example
 * ```ts
 * const input: ReconcileInput = { facts: ["f|alice|lives_in|london"] }
 * ```
 * @since 0.1.0
 */
export const ReconcileInput = Schema.Struct({
  facts: Schema.optionalKey(Schema.Array(Schema.String))
})
export type ReconcileInput = typeof ReconcileInput.Type

/** Why two facts contradict. */
export type Reason = Supersession["reason"]

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * The world time of a fact: `validFrom` when known, else `learnedAt`.
 * @complexity O(1)
 * @example
 * ```ts
 * Reconcile.time(fact) // 1_577_836_800_000
 * ```
 */
export const time = (f: Fact): number => f.validFrom ?? f.learnedAt

/**
 * How well supported a fact is:
 * `confidence · (1 + ln(1 + distinct provenance count)) · (0.5 + 0.5 · weight)`.
 *
 * Laws: `support(f) ≥ 0`; monotone (non-decreasing) in confidence, weight and the number of
 * distinct sources; repeated sources count once; `support(f) == 0` iff `confidence == 0`.
 * @complexity O(|provenance|)
 * @example
 * ```ts
 * Reconcile.support({ ...f, confidence: 1, weight: 1, provenance: [] }) // 1
 * ```
 */
export const support = (f: Fact): number => {
  const sources = f.provenance.length < 2 ? f.provenance.length : new Set(f.provenance).size
  return f.confidence * (1 + Math.log1p(sources)) * (0.5 + 0.5 * f.weight)
}

/**
 * Chronological order: negative when `a` is older than `b` (smaller `t`, then smaller
 * `learnedAt`, then positive before negated, then *larger* id), 0 only for the same id.
 *
 * Laws: a strict total order on facts with distinct ids; `newer(a, b) ⇔ chronological(a, b) > 0`.
 * @complexity O(1)
 */
export const chronological = (a: Fact, b: Fact): number => byTimes(a, b, time(a), time(b))

const byTimes = (a: Fact, b: Fact, ta: number, tb: number): number => {
  if (ta !== tb) return ta < tb ? -1 : 1
  if (a.learnedAt !== b.learnedAt) return a.learnedAt < b.learnedAt ? -1 : 1
  // told at the same instant ("sold the van to Kenji": Kenji owns it, Priya no longer does),
  // the positive replacement comes first, so it is the one that ends the old fact
  if (a.negated !== b.negated) return a.negated ? 1 : -1
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1
}

/**
 * The times a set of rival facts are ordered by: {@link time}, except for a fact told with a
 * change cue ("He moved to Porto last year") that has a date and was learned after some undated
 * rival ("Omar resides in Tokyo", told before it): that rival held when it was told, and the
 * change was reported after it, so the change counts from no earlier than the rival's telling —
 * `max(validFrom, latest learnedAt of an undated rival learned before it)`. A dated report
 * without a cue keeps its date, so a late report ("In 2019 Kim lived in Rome", told after "Kim
 * lives in Oslo") stays older.
 *
 * Laws: `times(fs).get(f) >= time(f)`; equal to `time(f)` for every fact without `change`.
 * @complexity O(k log k) for k facts
 */
export const times = (facts: ReadonlyArray<Fact>): Map<Fact, number> => {
  const out = new Map<Fact, number>()
  const undated: Array<number> = []
  for (const f of facts) if (f.validFrom === null) undated.push(f.learnedAt)
  undated.sort((x, y) => x - y)
  for (const f of facts) {
    let t = time(f)
    if (f.change === true && f.validFrom !== null && !f.negated) {
      // the latest undated telling strictly before this one
      let lo = 0
      let hi = undated.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (undated[mid]! < f.learnedAt) lo = mid + 1
        else hi = mid
      }
      if (lo > 0) t = Math.max(t, undated[lo - 1]!)
    }
    out.set(f, t)
  }
  return out
}

const singleValuedSet = (params: Params): Relation.SingleValuedSet => Relation.singleValuedSet(params.singleValued)

/**
 * The single-valued side of `relation` under `params` and what memory learned
 * (`LiquidGraph.learned`), or `null` when it may hold many values at once.
 *
 * Laws: `null` for a relation neither in `params.singleValued` (canonicalised, with `prefix*`
 * patterns) nor learned; otherwise `Relation.side(relation)`.
 * @complexity O(patterns)
 * @example
 * ```ts
 * Reconcile.singleSide("lives_in", Params.defaults) // "subject"
 * Reconcile.singleSide("ceo_of", Params.defaults)   // "object"
 * Reconcile.singleSide("likes", Params.defaults)    // null
 * ```
 */
export const singleSide = (relation: string, params: Params, learned?: HashSet.HashSet<string>): Relation.Side | null =>
  singleValuedSet(params).has(relation) || (learned !== undefined && HashSet.has(learned, relation))
    ? Relation.side(relation)
    : null

/**
 * Whether (and why) two facts contradict: both current `fact`s of one slot, and either a
 * single-valued relation with two positive facts on different objects, or a negated and a
 * positive fact on the same object. `null` when they do not.
 *
 * Laws: symmetric (`conflict(a, b, p) == conflict(b, a, p)`); `conflict(a, a, p) == null`;
 * never `"single-valued"` for a relation outside `p.singleValued`.
 * @complexity O(1) (amortised: the single-valued set is built once per `params.singleValued`)
 * @example
 * ```ts
 * Reconcile.conflict(livesInParis, livesInLondon, Params.defaults) // "single-valued"
 * ```
 */
export const conflict = (a: Fact, b: Fact, params: Params, learned?: HashSet.HashSet<string>): Reason | null => {
  if (a.kind !== "fact" || b.kind !== "fact" || !FactM.isCurrent(a) || !FactM.isCurrent(b)) return null
  if (a.relation !== b.relation || a.id === b.id) return null
  if (a.subject === b.subject && a.object === b.object) return a.negated !== b.negated ? "negation" : null
  if (a.negated || b.negated) return null
  const side = singleSide(a.relation, params, learned)
  if (side === null) return null
  if (side === "subject") return a.subject === b.subject ? "single-valued" : null
  if (side === "object") return a.object === b.object ? "single-valued" : null
  // both: one value on each end; a symmetric relation's participant may stand on either end
  if (a.subject === b.subject || a.object === b.object) return "single-valued"
  return Relation.isSymmetric(a.relation) && (a.subject === b.object || a.object === b.subject) ? "single-valued" : null
}

/**
 * Which of two contradicting facts wins: the newer one (see {@link chronological}) unless the
 * older's support exceeds the newer's by more than `params.supportMargin`.
 *
 * Laws: `winner(a, b, p) == winner(b, a, p)`; with `supportMargin` at least the largest
 * support, the newer always wins.
 * @complexity O(|provenance|)
 * @example
 * ```ts
 * Reconcile.winner(paris2020, london2023, Params.defaults) // london2023 (equal support)
 * ```
 */
export const winner = (a: Fact, b: Fact, params: Params): Fact => {
  const t = times([a, b])
  const [older, newer] = byTimes(a, b, t.get(a)!, t.get(b)!) < 0 ? [a, b] : [b, a]
  return support(older) > support(newer) + params.supportMargin ? older : newer
}

// ── the fold over one slot ────────────────────────────────────────────────────

interface Decision {
  readonly winner: Fact
  readonly loser: Fact
  readonly reason: Reason
  readonly why: string
  readonly winnerSupport: number
  readonly loserSupport: number
  /** The loser as it is kept: ended and pointing at the winner. */
  readonly ended: Fact
}

interface Entry {
  readonly fact: Fact
  readonly support: number
  /** Position in the chronological order (a total order, so ties are impossible). */
  readonly rank: number
}

const takeAll = (
  from: Map<string, Array<Entry>>,
  value: string,
  reason: Reason,
  into: Array<readonly [Entry, Reason]>
): void => {
  const list = from.get(value)
  if (list !== undefined) for (const e of list) into.push([e, reason])
}

const push = (m: Map<string, Array<Entry>>, value: string, e: Entry): void => {
  const list = m.get(value)
  if (list === undefined) m.set(value, [e])
  else list.push(e)
}

/** The value a fact gives its group: the object in a subject slot (see {@link resolveSlot}). */
type ValueOf = (f: Fact) => string

const objectOf: ValueOf = (f) => f.object

const SIDE_WORDS: Readonly<Record<Relation.Side, string>> = {
  subject: "one object per subject",
  object: "one subject per object",
  both: "one partner each"
}

const explain = (reason: Reason, relation: string, side: Relation.Side | null, newerWon: boolean): string =>
  (reason === "negation"
    ? `a negation and a positive statement of the same ${relation} fact`
    : `${relation} is single-valued (${SIDE_WORDS[side ?? "subject"]})`) +
  (newerWon ? ": the newer fact wins" : ": the older fact is better supported by more than the margin, the newer claim is rejected")

/**
 * Resolves the current facts of one slot by the chronological fold (see the module header),
 * appending its decisions to `out`. `current` may be in any order.
 */
const resolveSlot = (
  current: Array<Fact>,
  side: Relation.Side | null,
  margin: number,
  out: Array<Decision>,
  valueOf: ValueOf = objectOf
): void => {
  const singleValued = side !== null
  const keys = times(current)
  current.sort((a, b) => byTimes(a, b, keys.get(a)!, keys.get(b)!))
  // the facts still current in the fold, by object; kept conflict-free, so in a single-valued
  // slot `positives` has at most one key
  const positives = new Map<string, Array<Entry>>()
  const negatives = new Map<string, Array<Entry>>()
  for (let rank = 0; rank < current.length; rank++) {
    const f = current[rank]!
    const arriving: Entry = { fact: f, support: support(f), rank }
    const value = valueOf(f)
    const rivals: Array<readonly [Entry, Reason]> = []
    if (f.negated) {
      takeAll(positives, value, "negation", rivals)
    } else {
      if (singleValued) {
        for (const [other, list] of positives) {
          if (other !== value) for (const e of list) rivals.push([e, "single-valued"])
        }
      }
      takeAll(negatives, value, "negation", rivals)
    }
    if (rivals.length === 0) {
      push(f.negated ? negatives : positives, value, arriving)
      continue
    }
    rivals.sort((x, y) => x[0].rank - y[0].rank)
    let rejector: readonly [Entry, Reason] | undefined
    for (const r of rivals) {
      if (r[0].support > arriving.support + margin && (rejector === undefined || r[0].support >= rejector[0].support)) {
        rejector = r
      }
    }
    const t = keys.get(f)!
    if (rejector !== undefined) {
      const [w, reason] = rejector
      out.push({
        winner: w.fact,
        loser: f,
        reason,
        why: explain(reason, f.relation, side, false),
        winnerSupport: w.support,
        loserSupport: arriving.support,
        ended: { ...f, validFrom: f.validFrom ?? t, validUntil: t, supersededBy: w.fact.id }
      })
      continue
    }
    for (const [l, reason] of rivals) {
      out.push({
        winner: f,
        loser: l.fact,
        reason,
        why: explain(reason, f.relation, side, true),
        winnerSupport: arriving.support,
        loserSupport: l.support,
        ended: { ...l.fact, validUntil: endOf(l.fact, f, t), supersededBy: f.id }
      })
      ;(l.fact.negated ? negatives : positives).delete(valueOf(l.fact))
    }
    push(f.negated ? negatives : positives, value, arriving)
  }
}

/** The current facts of a slot, or `undefined` when fewer than two (nothing can contradict). */
const currentFacts = (g: LiquidGraph.LiquidGraph, ids: Iterable<string>): Array<Fact> | undefined => {
  const out: Array<Fact> = []
  for (const id of ids) {
    const f = HashMap.getUnsafe(g.edges, id)
    if (FactM.isCurrent(f)) out.push(f)
  }
  return out.length < 2 ? undefined : out
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const fail = (message: string): InvalidInput => new InvalidInput({ transition: "reconcile", message })

/** Checks the input; returns the edges `input.facts` names (`undefined`: check every slot). */
const validate = (graph: LiquidGraph.LiquidGraph, input: ReconcileInput, now: number): Array<Fact> | undefined => {
  if (typeof now !== "number" || !Number.isFinite(now)) throw fail(`now must be a finite number, got ${String(now)}`)
  if (typeof input !== "object" || input === null) throw fail("input must be an object")
  const ids = input.facts
  if (ids === undefined) return undefined
  if (!Array.isArray(ids)) throw fail("facts must be an array of edge ids")
  const edges: Array<Fact> = []
  for (const id of ids) {
    if (typeof id !== "string") throw fail(`facts must hold strings, got ${String(id)}`)
    const e = LiquidGraph.edge(graph, id)
    if (e === undefined) throw fail(`unknown edge id ${JSON.stringify(id)}`)
    edges.push(e)
  }
  return edges
}

// ── transitions ───────────────────────────────────────────────────────────────

/**
 * Finds the contradictions among the current facts of the checked slots and resolves them:
 * the newer, better-supported fact stays current, the other is ended (`validUntil`) and points
 * at the winner (`supersededBy`); every decision is in `changes.superseded`. See the module
 * header for the exact rule, the support formula and what a loser keeps.
 *
 * Checked slots: those of `input.facts` (all of each slot's current facts take part, not only
 * the listed ones), or every slot when `input.facts` is absent. `now` does not enter the
 * decision (it depends only on the facts' times); it is validated and kept for the uniform
 * transition shape and the event log.
 *
 * Laws:
 * - afterwards no two current facts of a checked slot contradict ({@link conflict} is `null`);
 * - nothing is deleted: same edge ids, and a loser differs from its old row only in
 *   `validUntil`, `supersededBy` and (rejected claims only) `validFrom`; nodes are unchanged;
 * - idempotent: `reconcile(reconcile(g, i), i) == reconcile(g, i)`, with empty changes;
 * - independent of arrival order: graphs holding the same facts give equal results and changes;
 * - `reconcile(g, { facts: all edge ids }) == reconcile(g, {})`;
 * - incremental = batch: inserting facts in chronological order, reconciling each one's slot
 *   right after it arrives == inserting all, then reconciling once (facts without `change`: a
 *   change's time depends on which undated rivals are still current);
 * - a slot with at most one current fact, a slot without contradiction, and every slot not
 *   checked are untouched; with no contradiction at all, the result is `graph` itself.
 *
 * @throws InvalidInput when `now` is not finite, or `input.facts` is not an array of ids of
 * edges of `graph`; nothing is built.
 * @complexity O(Σ k log k) over the checked slots (k = facts in the slot), plus O(s log s) to
 * order the s checked slots; for relations single-valued on the object end, O(d) per checked
 * object (d = its incident edges) — and, with `input.facts` absent, one O(m) pass over the edges
 * to find those objects; O(|input.facts| · log m) to validate.
 * @example
 * ```ts
 * const { graph, changes } = Reconcile.reconcile(g, { facts: ["f|alice|lives_in|london"] }, params, now)
 * changes.superseded // [{ winner: "f|alice|lives_in|london", loser: "f|alice|lives_in|paris", ... }]
 * g.pipe(Reconcile.reconcile({}, params, now))
 * ```
 * @since 0.1.0
 */
export const reconcile: {
  (input: ReconcileInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: ReconcileInput, params: Params, now: number): Step
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: ReconcileInput, params: Params, now: number): Step => {
  const named = validate(graph, input, now)
  const keys: Array<string> = []
  if (named === undefined) {
    for (const key of LiquidGraph.slotKeys(graph)) keys.push(key)
  } else {
    const seen = new Set<string>()
    for (const f of named) {
      if (f.kind !== "fact") continue
      const key = FactM.slotKey(f.subject, f.relation)
      if (!seen.has(key)) {
        seen.add(key)
        keys.push(key)
      }
    }
  }
  keys.sort(byKey)
  const changes = new Collector()
  // pass 1: groups on the object's end (one CEO per company, one spouse per person), first, so
  // that "Lena succeeded Carlos as chair" ends Carlos's chair by Lena's, not by its own negation
  const groups = new Map<string, { readonly node: string; readonly relation: string; readonly side: Relation.Side }>()
  const addGroups = (f: Fact): void => {
    if (f.kind !== "fact" || f.negated) return
    const side = singleSide(f.relation, params, graph.learned)
    if (side === "object" || (side === "both" && !Relation.isSymmetric(f.relation))) {
      // one subject per object (a non-symmetric "both" has its subject side in pass 2)
      groups.set("o|" + f.object + "|" + f.relation, { node: f.object, relation: f.relation, side: "object" })
    } else if (side === "both") {
      groups.set("p|" + f.subject + "|" + f.relation, { node: f.subject, relation: f.relation, side })
      groups.set("p|" + f.object + "|" + f.relation, { node: f.object, relation: f.relation, side })
    }
  }
  if (named === undefined) for (const f of HashMap.values(graph.edges)) addGroups(f)
  else for (const f of named) addGroups(f)
  const first: Array<Decision> = []
  for (const key of Array.from(groups.keys()).sort(byKey)) {
    const { node, relation, side } = groups.get(key)!
    const current: Array<Fact> = []
    const take = (id: string): void => {
      const f = HashMap.getUnsafe(graph.edges, id)
      if (f.kind === "fact" && f.relation === relation && !f.negated && FactM.isCurrent(f)) current.push(f)
    }
    const ins = LiquidGraph.inEdges(graph, node)
    for (const id of ins) take(id)
    // "both": the out-edges too (a self-loop is in both sets: taken once), without building their union
    if (side !== "object") for (const id of LiquidGraph.outEdges(graph, node)) if (!HashSet.has(ins, id)) take(id)
    if (current.length < 2) continue
    resolveSlot(current, side, params.supportMargin, first, side === "object" ? subjectOf : (f) => FactM.other(f, node))
  }
  const g1 = apply(graph, first, changes)
  // pass 2: subject slots (negations; relations unique per subject)
  const second: Array<Decision> = []
  for (const key of keys) {
    const current = currentFacts(g1, LiquidGraph.slotIdsAt(g1, key))
    if (current === undefined) continue
    const side = singleSide(current[0]!.relation, params, g1.learned)
    resolveSlot(current, side === "subject" || side === "both" ? side : null, params.supportMargin, second)
  }
  return { graph: apply(g1, second, changes), changes: changes.done() }
})

const subjectOf: ValueOf = (f) => f.subject

/**
 * When a replaced fact ended: when its winner began (`time(winner)`: "In 2021 Mira moved to
 * Vell" ends "Mira lives in Lumen" in 2021), or the winner's ordering time `t` when the loser
 * itself began later than that (an interval never ends before it starts).
 */
const endOf = (loser: Fact, winner: Fact, t: number): number => {
  const begin = time(winner)
  return loser.validFrom === null || loser.validFrom <= begin ? begin : t
}

/** Writes the ended losers of `decisions` and reports them; `graph` itself when there are none. */
const apply = (graph: LiquidGraph.LiquidGraph, decisions: ReadonlyArray<Decision>, changes: Collector): LiquidGraph.LiquidGraph => {
  if (decisions.length === 0) return graph
  const d = LiquidGraph.draft(graph)
  for (const x of decisions) {
    d.putEdge(x.ended)
    changes.superseded.push({
      winner: x.winner.id,
      loser: x.loser.id,
      reason: x.reason,
      why: x.why,
      winnerSupport: x.winnerSupport,
      loserSupport: x.loserSupport,
      validUntil: x.ended.validUntil!
    })
  }
  return d.finish()
}
