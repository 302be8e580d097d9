/**
 * Fact — an edge of the liquid graph.
 *
 * Three kinds of edge:
 * - `fact`: a subject–relation–object triple between semantic nodes, possibly negated
 *   ("Alice does not live in Paris"). Facts are bi-temporal: `validFrom`/`validUntil` are world
 *   time (when the fact held; `null` = unbounded), `learnedAt` is system time (when memory
 *   learned it). A fact replaced by `reconcile` keeps its row with `validUntil` set and
 *   `supersededBy` naming the winner: history is never lost.
 * - `mention`: episode → semantic node it mentions (relation `mentions`).
 * - `association`: an undirected link learned by attention (a new node's first connections)
 *   or Hebbian co-occurrence (relation `associated_with`; subject < object by id).
 *
 * `weight` ∈ [0,1] is the plasticity state (grows with use, decays with time); `confidence`
 * ∈ [0,1] is belief in the content. `solidified` edges are never decayed nor pruned.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

export const EdgeKind = Schema.Literals(["fact", "mention", "association"])
export type EdgeKind = typeof EdgeKind.Type

const Unit = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))

/** The fields every edge has (see {@link Fact}). */
const Stated = Schema.Struct({
  id: Schema.NonEmptyString,
  kind: EdgeKind,
  subject: Schema.NonEmptyString,
  relation: Schema.NonEmptyString,
  object: Schema.NonEmptyString,
  negated: Schema.Boolean,
  weight: Unit,
  confidence: Unit,
  validFrom: Schema.NullOr(Schema.Finite),
  validUntil: Schema.NullOr(Schema.Finite),
  learnedAt: Schema.Finite,
  provenance: Schema.Array(Schema.String),
  useCount: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  lastReinforced: Schema.Finite,
  solidified: Schema.Boolean,
  supersededBy: Schema.NullOr(Schema.String)
})

// The optional fields join through a spread, not in one literal with the others: measured, an
// 18-key literal whose keys start like every edge's (id, kind, subject, …) made every edge of a
// 10^5-fact graph ~32 bytes larger (bench/memory.ts: 1,050 vs 1,018 B/fact), though no edge
// carried the optional fields — a V8 hidden-class effect, reproduced and removed this way.
/**
 * The Schema of an edge (its JSON form is the same plain object).
 * @since 0.1.0
 */
export const Fact = Schema.Struct({
  ...Stated.fields,
  /**
   * The relation as it was told ("moved to", "is on"), when it reads differently from the
   * canonical relation's own phrase (`Relation.display`); absent otherwise. Display only: the
   * canonical `relation` is what slots, ids and reconciliation use.
   */
  phrase: Schema.optionalKey(Schema.String),
  /**
   * Present (`true`) when the fact was told as a change ("moved to", "now works at", "became"):
   * `Reconcile.times` then orders it after undated rivals told before it.
   */
  change: Schema.optionalKey(Schema.Boolean)
})
export type Fact = typeof Fact.Type

/**
 * The widest world time memory accepts, either side of 1970: 10,000 years of 365.2425 days
 * (≈ 3.16e14 ms, well inside what a JavaScript `Date` can show). `engram` refuses a fact or
 * episode time beyond it with `InvalidInput`; the shell refuses such input before it is stored.
 */
export const WORLD_TIME_LIMIT_MS = 10_000 * 365.2425 * 86_400_000

/** Whether a world time is within {@link WORLD_TIME_LIMIT_MS} of 1970. @complexity O(1) */
export const isWorldTime = (t: number): boolean => Number.isFinite(t) && Math.abs(t) <= WORLD_TIME_LIMIT_MS

export const MENTIONS = "mentions"
export const ASSOCIATED = "associated_with"

/**
 * The id of the first version of a fact triple: `f|subject|relation|object` (`|not` appended when
 * negated). Keys never contain `|`, so ids are unambiguous. Later versions of the same triple
 * (re-asserted after being superseded) append `#n`.
 * @complexity O(1)
 */
export const factId = (subject: string, relation: string, object: string, negated: boolean): string =>
  "f|" + subject + "|" + relation + "|" + object + (negated ? "|not" : "")

/** The id of a mention edge. @complexity O(1) */
export const mentionId = (episode: string, node: string): string => "m|" + episode + "|" + node

/** The id of the association between two nodes (order-independent). @complexity O(1) */
export const associationId = (a: string, b: string): string => (a < b ? "a|" + a + "|" + b : "a|" + b + "|" + a)

/**
 * The relation of an episode sequence edge: `subject` (a later episode) follows `object` (the
 * episode told just before it in the same conversation or thread).
 */
export const FOLLOWS = "follows"

/**
 * The id of the sequence edge from episode node `later` to episode node `earlier`:
 * `q|later|earlier`. Its kind is `association`, relation {@link FOLLOWS}.
 * @complexity O(1)
 */
export const sequenceId = (later: string, earlier: string): string => "q|" + later + "|" + earlier

/**
 * Whether `e` is an episode sequence edge: the order things were told in, a record of the
 * telling like a mention ({@link isRecord}), not a learned association — decay leaves it alone,
 * and prune moves it to the archive with its episode instead of dropping it.
 * @complexity O(1)
 */
export const isSequence = (e: Fact): boolean => e.kind === "association" && e.relation === FOLLOWS

/**
 * Whether `e` is a record of the telling: a `mention` (this episode names that node) or a
 * sequence link ({@link isSequence}). What was said, and in what order, does not change with
 * time: decay leaves records alone; an episode whose only links are records leaves the active
 * graph when long inactive, its records archived with it; recall's walk follows archived records
 * too, into the archive.
 * @complexity O(1)
 */
export const isRecord = (e: Fact): boolean => e.kind === "mention" || isSequence(e)

/** The slot of a fact: its subject and relation, the unit single-valued relations constrain. */
export const slotKey = (subject: string, relation: string): string => subject + "|" + relation

/**
 * Whether a fact is valid at world time `t` (`null` = now, i.e. not yet ended).
 * Laws: a superseded fact is not valid after its `validUntil`.
 * @complexity O(1)
 */
export const isValidAt = (f: Fact, t: number | null): boolean =>
  t === null
    ? f.validUntil === null
    : (f.validFrom === null || f.validFrom <= t) && (f.validUntil === null || t < f.validUntil)

/** Whether the edge is a current (not superseded, not ended) fact. */
export const isCurrent = (f: Fact): boolean => f.supersededBy === null && f.validUntil === null

/** The node at the other end of `f` from `node`. */
export const other = (f: Fact, node: string): string => (f.subject === node ? f.object : f.subject)

/** The canonical string an edge's fingerprint is taken from (field order fixed). */
export const canonical = (f: Fact): string =>
  JSON.stringify([
    "e", f.id, f.kind, f.subject, f.relation, f.object, f.negated, f.weight, f.confidence, f.validFrom,
    f.validUntil, f.learnedAt, f.provenance, f.useCount, f.lastReinforced, f.solidified, f.supersededBy,
    ...(f.phrase === undefined ? [] : [f.phrase]),
    ...(f.change === undefined ? [] : ["change", f.change])
  ])
