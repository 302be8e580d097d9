/**
 * Params — every threshold, rate and budget of the liquid graph, in one record.
 *
 * The record is what tuning searches: each numeric field has a default, a closed range and a
 * one-line meaning in {@link spec}. The `Schema` ({@link Params}) is derived from that table, so a
 * value outside its range is rejected at decode time with a typed error, never clamped silently.
 *
 * Durations are milliseconds of system time (the `now` argument of every transition).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { InvalidParams } from "./Errors.ts"
import * as Relation from "./Relation.ts"

/** One tunable number: default, inclusive range, integer or real, and what it means. */
export interface ParamSpec {
  readonly default: number
  readonly min: number
  readonly max: number
  readonly int: boolean
  readonly doc: string
}

const real = (d: number, min: number, max: number, doc: string): ParamSpec => ({ default: d, min, max, int: false, doc })
const int = (d: number, min: number, max: number, doc: string): ParamSpec => ({ default: d, min, max, int: true, doc })

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * The table of numeric parameters. Grouped by the transition that reads them.
 *
 * @since 0.1.0
 */
export const spec = {
  // ── engram ───────────────────────────────────────────────────────────────
  matchSimilarity: real(0.92, 0, 1, "cosine at or above which an incoming entity with a new key is matched to an existing node"),
  gatNeighbors: int(3, 0, 64, "number of first connections a new node gets from attention over its most similar nodes"),
  gatTemperature: real(0.1, 0.001, 10, "softmax temperature of the GAT-like attention over similarities"),
  gatMinSimilarity: real(0.5, 0, 1, "similarity below which a node is not a candidate first connection"),
  initialWeight: real(0.5, 0, 1, "weight of a newly engrammed fact edge"),
  initialConfidence: real(0.8, 0, 1, "confidence of a fact when the input states none"),
  engramRate: real(0.1, 0, 1, "re-engramming a known fact moves its weight this fraction towards 1"),
  hebbianRate: real(0.05, 0, 1, "co-occurring nodes (same engram batch) move their association weight this fraction towards 1"),
  // 16, not more: every pair is an association edge; at 64, replaying 10^5 facts in small batches
  // built ~454k edges (~3.5 associations per fact), and associations dominated engram's cost.
  hebbianMaxPairs: int(16, 0, 100_000, "bound on co-occurrence pairs strengthened per engram batch"),

  // ── recall ───────────────────────────────────────────────────────────────
  // Tuned (issue 8): npm run tune -- --suites locomo,conflicts,games --budget 80 --seed 2 --params
  // <the 13 recall/fusion parameters>; values to 4 significant digits. Validation objective 0.7355
  // (defaults before) → 0.7318: LoCoMo recall@10 (conversations 5–7) 0.625 → 0.622, conflicts equal,
  // games equal scores with 0.54× the graph and 0.41× the churn. Train LoCoMo 0.596 → 0.647.
  anchorCandidates: int(128, 1, 4096, "over-query: candidate anchors taken by similarity before choosing"),
  anchors: int(4, 1, 256, "K: anchors kept after choosing for coverage and diversity"),
  anchorDiversity: real(0.07802, 0, 1, "trade-off between similarity (0) and coverage/novelty (1) when choosing anchors"),
  anchorMinSimilarity: real(0.3645, -1, 1, "candidates less similar than this to the query are never anchors"),
  pathThreshold: real(0.1195, 0, 1, "a walk continues while the product of edge weights along the path stays at or above this"),
  maxDepth: int(4, 0, 32, "longest path (in edges) a recall walk follows"),
  maxResults: int(84, 1, 100_000, "most facts a recall returns"),
  coRecallRate: real(0.05, 0, 1, "co-recalled anchors move their association weight this fraction towards 1"),
  episodicShare: real(0.208, 0, 1, "fraction of recall results reserved for the episodic block when both blocks have candidates"),
  // 500, not 1,000 (issue 8): a cost bound chosen on the latency bench, not on task figures — with
  // the fused sources, the context step and the walk into the archive, recall p50 at 10^5 facts
  // was 5.2–7.3 ms at 1,000 and 3.1–3.6 ms at 500 (bench/recall.ts graph, idle 2-core machine).
  // LoCoMo recall@10 at 500 vs 1,000: train 0.647 vs 0.648, validation 0.626 vs 0.621.
  walkBudget: int(500, 1, 1e9, "most incident edges a recall walk examines, all anchors together (split evenly): bounds the cost of a recall (about 3 µs an edge)"),
  coverageSample: int(64, 1, 1e6, "anchor choice estimates a candidate's 1-hop coverage from at most this many of its incident edges (the first in its edge sets' iteration order): bounds the cost of a hub candidate"),
  lexicalMaxPostings: int(10_000, 0, 1e9, "the lexical candidate source skips a query term held by more nodes than this (its BM25 weight is small, and a recall never scans a huge posting list); 0 turns the source off"),

  // ── fusion ───────────────────────────────────────────────────────────────
  // Recall's candidate sources and how their scores are fused (core/Recall.ts, steps 1 and 5).
  // The candidate count and the five weights come from the tuning run named under "recall".
  fusionCandidates: int(9, 1, 4096, "recall: the lexical and the vector source each bring at most this many candidates (their best) into fusion; every candidate then gets every source's exact score"),
  fusionLexical: real(3.343, 0, 100, "recall: weight of the lexical source (BM25 over this query's best) in the fused score"),
  fusionVector: real(1.241, 0, 100, "recall: weight of the vector source (cosine to the query, clamped at 0) in the fused score"),
  fusionKey: real(1.998, 0, 100, "recall: weight of the key source (an exact node-key hit's specificity) in the fused score"),
  fusionTime: real(0.745, 0, 100, "recall: weight of the time source (1 for an item inside the query's time window, or carrying a time when the query asks when) in the fused score"),
  fusionWalk: real(0.4421, 0, 100, "recall: weight of the walk source (an anchor's direct score times the path product to the item) added to the item's direct score"),
  fusionArchived: real(1, 0, 1, "recall: an archived candidate's direct score is multiplied by this (1: fused like any other; it was archived for disuse, not for being wrong)"),
  sequenceWeight: real(0.5, 0, 1, "engram: first weight of the sequence edge from an episode to the one it follows (the same as a new fact's initialWeight)"),

  // ── reinforce ────────────────────────────────────────────────────────────
  reinforceRate: real(0.2, 0, 1, "a rewarded path's edges move this fraction (times reward) towards 1"),
  competitionRate: real(0.05, 0, 1, "competing edges (current positive facts of a rewarded positive fact's subject and relation with another object, not on the path) lose this fraction (times reward)"),

  // ── decay ────────────────────────────────────────────────────────────────
  decayHalfLife: real(14 * DAY, 1, 1e13, "half-life of an edge weight with no use and an ordinary neighbourhood"),
  recencyWindow: real(DAY, 0, 1e13, "edges reinforced within this window of now decay more slowly"),
  recencyProtection: real(0.75, 0, 1, "fraction of the decay rate removed for an edge inside the recency window"),
  activeWeight: real(0.3, 0, 1, "an edge at or above this weight counts as an active neighbour"),
  lifeLonely: int(1, 0, 1_000, "fewer active neighbouring edges than this: the edge decays faster (loneliness)"),
  lifeCrowded: int(32, 1, 100_000, "more active neighbouring edges than this: the edge decays faster (overcrowding)"),
  lifeSupport: real(0.5, 0, 1, "fraction of the decay rate removed for an edge whose neighbourhood is alive (between lonely and crowded)"),
  lifePenalty: real(1, 0, 10, "extra decay rate, as a multiple of the base rate, for lonely or crowded edges"),

  // ── prune / solidify ─────────────────────────────────────────────────────
  pruneWeight: real(0.05, 0, 1, "edges below this weight are removed (never solidified ones)"),
  inactiveAfter: real(60 * DAY, 0, 1e13, "nodes not accessed for this long and left without edges are removed"),
  maxNodes: int(1_000_000, 1, 1e9, "node budget"),
  maxEdges: int(10_000_000, 0, 1e10, "edge budget"),
  maxDensity: real(64, 0, 1e6, "budget on edges per node"),
  solidifyWeight: real(0.9, 0, 1, "an edge at or above this weight and used often enough is solidified"),
  solidifyUses: int(5, 0, 1e9, "uses an edge needs before it can be solidified"),

  // ── archive ──────────────────────────────────────────────────────────────
  // What prune takes out of the active graph is archived whole (text, provenance, postings, and the
  // embedding): the archive never loses told text. Its one bound is on embeddings, the bulk of its
  // bytes (400 B a node at 100-d): 10^5 of them is ~40 MB; beyond it the oldest archived nodes keep
  // their text and postings (BM25 still finds them) but lose their vector.
  archiveVectors: int(100_000, 0, 1e9, "most archived nodes that keep their embedding; prune drops the embeddings of the oldest archived nodes beyond it (text, postings and provenance stay)"),

  // ── consolidate ──────────────────────────────────────────────────────────
  coreK: int(2, 1, 1_000, "k of the k-core whose nodes are kept as central"),
  mergeSimilarity: real(0.97, 0, 1, "nodes of one kind with embeddings at least this similar are merged"),
  clusterWeight: real(0.6, 0, 1, "edges at or above this weight bind nodes into one thematic cluster"),
  episodicToSemantic: int(3, 1, 1_000, "a fact supported by at least this many episodes becomes semantic knowledge (solidified candidate)"),
  // ── consolidate: what it creates (Consolidate.coMentions, Consolidate.summary) ──
  coMentionWeight: real(0.3, 0, 1, "weight of the fact consolidate creates between two nodes that at least episodicToSemantic episodes mention together"),
  coMentionMaxMentions: int(16, 1, 100_000, "an episode mentioning more semantic nodes than this is no evidence of co-mention (bounds its pairs to this²/2); 1 turns fact creation off"),
  summaryMinFacts: int(3, 1, 1_000_000, "a semantic node with at least this many current facts gets a summary (its text)"),
  summaryFacts: int(8, 0, 1_000, "most facts a summary lists (the node's heaviest current facts); 0 turns summaries off"),

  // ── reconcile ────────────────────────────────────────────────────────────
  // 1, not less: support grows with ln(1 + sources), so at 0.25 an older fact merely told twice
  // out-supported any single newer report, and memory could not learn that it changed (found by
  // the conflict suite and the AriGraph replay). At 1 it takes e.g. three confident sources
  // against one weak claim for the older fact to stand.
  supportMargin: real(1, 0, 10, "an older fact beats a newer conflicting one only if its support exceeds the newer's by more than this"),

  // ── promote / working memory ─────────────────────────────────────────────
  promoteAccesses: int(3, 0, 1e9, "accesses after which a working-memory node moves to long-term"),
  promoteSurprise: real(0.7, 0, 1, "surprise at or above which a working-memory node moves to long-term"),
  promoteImportance: real(2, 0, 1e9, "importance at or above which a working-memory node moves to long-term"),
  workingTokens: int(2048, 0, 1e9, "token budget of working memory; the least recent items beyond it leave working memory")
} as const satisfies Record<string, ParamSpec>

/** The name of a numeric parameter. */
export type ParamName = keyof typeof spec

const numberField = (s: ParamSpec) => {
  const base = s.int ? Schema.Int : Schema.Finite
  return base.check(Schema.isBetween({ minimum: s.min, maximum: s.max }))
}

const numericFields = Object.fromEntries(
  Object.entries(spec).map(([name, s]) => [name, numberField(s)])
) as { readonly [K in ParamName]: Schema.Codec<number, number> }

/**
 * Relations that hold one value at a time: the lexicon of `Relation` (its entries with a
 * single-valued side: lives_in, works_at, located_in, owned_by, spouse_of, ceo_of, mother_of, …,
 * and every `favorite_*` relation). Entries are phrases, canonicalised when read (a user may
 * add "favourite band" or "is treasurer of"); a trailing `*` is a prefix pattern. `reconcile`
 * treats a second value as a contradiction, on the relation's side (`Relation.side`). The bare
 * copula `is` and `is_a` are not among them: "X is a vegetarian" and "X is a twin" are both true.
 * Memory also learns single-valued relations from change cues (`LiquidGraph.learned`).
 */
export const defaultSingleValued: ReadonlyArray<string> = Relation.defaultSingleValued

/**
 * The Schema of the parameter record: every numeric field range-checked, plus the list of
 * single-valued relations.
 *
 * @since 0.1.0
 */
export const Params = Schema.Struct({
  ...numericFields,
  singleValued: Schema.Array(Schema.String)
})

/** A validated parameter record. */
export type Params = typeof Params.Type

/**
 * The defaults: every field of {@link spec} at its default, and {@link defaultSingleValued}.
 *
 * @since 0.1.0
 */
export const defaults: Params = {
  ...(Object.fromEntries(Object.entries(spec).map(([name, s]) => [name, s.default])) as { [K in ParamName]: number }),
  singleValued: defaultSingleValued
}

const decodeParams = Schema.decodeUnknownResult(Params)

/**
 * Decodes an unknown value into `Params`, reporting every out-of-range or missing field.
 *
 * Laws: `decode(defaults) == Result.succeed(defaults)`; a value outside `[min, max]` fails.
 * @complexity O(number of fields)
 */
export const decode = (input: unknown): Result.Result<Params, InvalidParams> =>
  Result.mapError(decodeParams(input), (issue) => new InvalidParams({ message: String(issue) }))

/**
 * Defaults overridden by `overrides`, validated.
 *
 * @example
 * ```ts
 * const p = Params.make({ anchors: 8 }) // Result.succeed({ ...defaults, anchors: 8 })
 * ```
 * @complexity O(number of fields)
 */
export const make = (overrides: Partial<Params> = {}): Result.Result<Params, InvalidParams> =>
  decode({ ...defaults, ...overrides })

/**
 * Like {@link make} but throws the `InvalidParams` error: for tests and literals known valid.
 */
export const unsafeMake = (overrides: Partial<Params> = {}): Params => {
  const r = make(overrides)
  if (Result.isFailure(r)) throw r.failure
  return r.success
}
