/**
 * Recall — read memory for a query: five candidate sources fused, anchors, Hebbian co-recall, a
 * bounded walk, ranked episodes and facts.
 *
 * The seeds' recall step, as one pure transition:
 *
 * 1. **Candidates and their direct scores.** Sources (each can be switched off by
 *    `RecallInput.sources`, for ablation):
 *    - *lexical* (BM25 over the graph's inverted index, `LiquidGraph.forEachPosting`): the
 *      query's terms (`Text.terms`: folded letter/digit runs, stop words dropped; a repeated
 *      term counts once per occurrence) score every node (active or archived: the index keeps
 *      archived nodes) whose indexed text (an episode's text, a semantic node's label) contains
 *      one of them by Okapi BM25 with the fixed k1 = 1.2, b = 0.75:
 *      `Σ_t idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl))`, with
 *      `idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))`, N = `LiquidGraph.documentCount` (active +
 *      archived nodes), avgdl = the index's total length / N, summed in query-term order. A term
 *      held by more than `lexicalMaxPostings` nodes is skipped (0 turns the source off). Score:
 *      BM25 over this query's best. Brings its `fusionCandidates` best.
 *    - *vector*: one exact top-k of the vector store (`Similarity.nearest`, `fusionCandidates`
 *      hits with cosine ≥ `anchorMinSimilarity`). Score: the cosine clamped at 0, computed
 *      exactly (`VectorStore.get` · the unit query) for *every* candidate, whichever source
 *      found it — so a lexical candidate outside the vector top-k is not punished by the cut.
 *    - *key*: every 1-, 2- and 3-gram of the query's normalised words (and the whole query) is
 *      looked up as a node key (`Key.node`, following aliases). Score: the node's
 *      *specificity* `ln(1 + N / (1 + degree)) / ln(1 + N)` (N = active node count), in (0, 1];
 *      a speaker mentioned by hundreds of episodes says little about the query (an archived
 *      key hit scores 1: it has no active edges).
 *    - *time* (only with `RecallInput.time`; the shell reads it off the question): with a
 *      window `[from, until)`, 1 for a node whose world time lies in it (a fact: whose validity
 *      overlaps it, with at least one bound); without one but `asksWhen`, 1 for any item that
 *      carries a world time; else 0. It re-scores candidates, it does not add any (there is no
 *      time index).
 *    An item's **direct score** is the weighted mean over the *active* sources (lexical and key
 *    need a text, vector an embedding and vectors, time a hint):
 *    `direct = Σ w_s·s / Σ w_s`, weights `fusionLexical`, `fusionVector`, `fusionKey`,
 *    `fusionTime`; an archived node's direct score is multiplied by `fusionArchived`. Why a
 *    weighted mean: a node found by one source only keeps that evidence, two sources that agree
 *    add up, and every score is already on [0, 1] with 1 = the best this source can give, so the
 *    weights start equal and are the tuner's to move. Measured on LoCoMo conversations 1–4
 *    (train, no maintenance, no walk, early version): lexical + vector 0.586 recall@10 against
 *    0.554 lexical-only and 0.427 vector-only. Reciprocal-rank fusion was not measured here.
 *    Candidates: the union of the sources' hits, sorted by direct score, then id.
 * 1b. **Bring back what was found.** The archived nodes among the K best candidates are
 *    re-activated first (`Archive.reactivateInto`, with their archived edges whose other end is
 *    active, recency = now), so that they can be anchors and the walk sees the graph as restored:
 *    maintenance decides what stays active between recalls, never what a recall can reach.
 * 2. **Choose K anchors that cover the graph.** The seeds ask for the candidates "whose convex
 *    hull maximises the captured graph area". A graph has no convex hull; its analogue of
 *    *area* is the set of nodes the anchors reach, and of the hull's *spread* the distance
 *    between anchors. So the choice is a max-coverage problem with a relevance term, solved
 *    greedily, among the `anchorCandidates` best candidates active after step 1b (an archived node has no
 *    active edges to walk); each round takes the candidate maximising
 *    `(1 − anchorDiversity)·similarity + anchorDiversity·(coverageGain − redundancy)`, where
 *    `coverageGain` is the number of nodes of the candidate's closed 1-hop neighbourhood (edges
 *    the walk could take first: valid at `at`, weight ≥ `pathThreshold`) not yet covered by the
 *    chosen anchors, over the largest candidate neighbourhood (so it lies in [0, 1]), and
 *    `redundancy` is the largest cosine (clamped at 0) between the candidate's embedding and an
 *    already chosen anchor's (MMR). Coverage is submodular, so greedy is within (1 − 1/e) of the
 *    best coverage; the redundancy penalty pushes anchors apart in embedding space, the other
 *    face of a large hull. The 1-hop neighbourhood is used instead of the full walk because it
 *    is what the walk reaches first. It is *estimated* from a bounded sample: the far ends of
 *    the walkable edges among the first `coverageSample` ids of the candidate's out-edge set,
 *    then in-edge set, in the sets' iteration order (their hash order, a function of content);
 *    exact when the degree is ≤ `coverageSample`, and O(coverageSample) for a hub instead of
 *    O(degree). Ties go to the smaller id.
 * 3. **Hebbian co-recall.** Every pair of chosen anchors is linked: their association weight
 *    moves `coRecallRate` towards 1 (created at weight `coRecallRate` when absent; skipped
 *    entirely when `coRecallRate` is 0). Each anchor is touched: `accessCount + 1`,
 *    `recency = now`.
 * 4. **Walk** (the *walk* source). From each anchor, a best-first walk over the undirected view
 *    of the new graph follows `fact`, `association` (Hebbian links and the episode sequence,
 *    `Fact.FOLLOWS`) and `mention` edges valid at world time `at` (`null`: current facts only,
 *    superseded ones skipped), and from each node also its *archived* records of the telling
 *    (`Fact.isRecord`: mentions and sequence links, which prune archives with their episode), so
 *    the walk reaches archived episodes through the entities they named (an archived fact is
 *    never followed), while the product of weights along the path stays ≥
 *    `pathThreshold` and the path has at most `maxDepth` edges. A path's *strength* is its
 *    product of weights times the specificity of every node it leaves (the fan effect of
 *    spreading activation: a hub passes on little of its score, so an anchor's walk through a
 *    speaker mentioned everywhere does not lift all of that speaker's turns). An item reached
 *    from anchor `a` gets `direct(a) × strength`; its walk score is the best over the anchors
 *    (an anchor's own walk never scores the anchor). A node keeps only its non-dominated
 *    (strength, weight, depth) labels, so the best path within the depth bound is found. Each
 *    `fact` edge taken is a result; each episode reached is an episodic result. Incident edge
 *    ids are read lazily, one lookup each, and a walk stops as soon as it has examined
 *    `walkBudget / K` incident edges, even inside a hub's edge set (the anchor's own edges are
 *    always all examined, so 1-hop results never depend on the budget). A node's edges are read
 *    out-edges first, then in-edges, in set iteration order; where that order could decide a
 *    result (an exact tie between two edges of one node to one neighbour) the smaller edge id
 *    wins.
 * 4b. **Context** (part of the walk source). Every candidate episode `c`, active or archived,
 *    offers each episode linked to it by a sequence link (`Fact.isSequence`, active or archived;
 *    weight ≥ `pathThreshold`) the walk score `direct(c) × specificity(c) × weight`: the first
 *    step of a walk from `c`, from every candidate and not only the K anchors — a turn found by
 *    the query brings the turns told just before and after it, wherever they now live.
 * 5. **Fuse.** Every candidate episode (active or archived) and every episode the walk reached
 *    scores `direct + fusionWalk · walk`; a fact (reached only by the walk) scores the same with
 *    its direct score being its time score. An episode's path is its best walk path when a walk
 *    reached it, else the zero-length path `[id]` from itself (no edges, weight 1, `anchor` =
 *    its own id).
 * 6. **Rank and balance.** Facts and episodes are each sorted by score, then id; when both
 *    blocks have results, `round(episodicShare · maxResults)` slots are reserved for episodes,
 *    and any slots one block cannot fill go to the other. `items` merges the two returned
 *    blocks into one list (score desc; on equal scores episodes first, then id).
 * 6b. **Entity summaries.** For the best semantic candidates (candidate order; at most K), the
 *    node's summary — its salient current facts in words, `Consolidate.summary`, read live from
 *    the returned graph, so never a superseded fact — is returned as one item in `summaries`
 *    with the candidate's direct score (outside `maxResults` and `items`).
 * 7. **Re-activate.** An archived episode among the returned results (one the context of step
 *    4b reached, or a candidate below the K best) is moved back to the active graph by
 *    `Archive.reactivateInto` too; steps 1b and 7 together are `changes.nodesReactivated` /
 *    `edgesReactivated`, so the `Recalled` event replays them.
 *
 * @since 0.1.0
 */
import { HashMap, Schema } from "effect"
import { dual } from "effect/Function"
import * as Archive from "./Archive.ts"
import * as Changes from "./Changes.ts"
import * as Consolidate from "./Consolidate.ts"
import type { Step } from "./Changes.ts"
import { Heap, type Path } from "./Connect.ts"
import { InvalidInput } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import type { Fact } from "./Fact.ts"
import * as TopK from "./kernels/TopK.ts"
import * as Key from "./Key.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"
import * as Similarity from "./Similarity.ts"
import * as Text from "./Text.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link recall}: a query by text and/or embedding, the world time to recall at
 * (`null` or absent: current facts only), optional overrides of `anchors` (`k`) and
 * `maxResults`, and how far it reaches (`reach`) — all carried by the `Recalled` event, so a
 * replay recalls exactly as the original did.
 *
 * @since 0.1.0
 */
export const RecallInput = Schema.Struct({
  text: Schema.optionalKey(Schema.String),
  embedding: Schema.optionalKey(Schema.Array(Schema.Finite)),
  at: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
  k: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  maxResults: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /**
   * How far this recall reaches (a memory controller's choice, see {@link reach}): `shallow`
   * (depth ≤ 1, half the anchors) or `deep` (depth + 2, twice the anchors and walk budget);
   * absent: as the params say.
   */
  reach: Schema.optionalKey(Schema.Literals(["shallow", "deep"])),
  /** The candidate sources to use (absent: all of {@link SOURCES}); leaving one out switches it off (ablation). */
  sources: Schema.optionalKey(Schema.Array(Schema.Literals(["lexical", "vector", "key", "walk", "time"]))),
  /** What the query says about time (the shell reads it off the question): the time source's input. */
  time: Schema.optionalKey(Schema.Struct({
    /** The world-time window the query names, `[from, until)` (ms; `null` or absent: unbounded on that side). */
    from: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
    until: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
    /** The query asks when something happened ("When did …?"). */
    asksWhen: Schema.optionalKey(Schema.Boolean)
  }))
})
export type RecallInput = typeof RecallInput.Type

/** A candidate source of recall (module header, step 1). */
export type Source = "lexical" | "vector" | "key" | "walk" | "time"

/** Every source, in the order the module header describes them. */
export const SOURCES: ReadonlyArray<Source> = ["lexical", "vector", "key", "walk", "time"]

/**
 * An item's score from each source, each in [0, 1] (0 when the source did not find it or is
 * off): `lexical` its BM25 over this query's best, `vector` its cosine clamped at 0, `key` an
 * exact key hit's specificity, `time` 1 when it matches the query's time hint, `walk` the best
 * `direct(anchor) × path weight` over the chosen anchors (module header, step 5).
 */
export interface SourceScores {
  readonly lexical: number
  readonly vector: number
  readonly key: number
  readonly time: number
  readonly walk: number
}

/**
 * A path from an anchor: `nodes[0] == anchor`; `weight` is the product of edge weights in path
 * order. A fact's path, and an episode's reached by a walk, starts at a chosen anchor; a direct
 * hit's (an episode found by similarity itself) starts at the episode: `anchor` is its own id,
 * `nodes` is `[id]`, `edges` is empty and `weight` is 1.
 */
export interface RecallPath extends Path {
  readonly anchor: string
}

/**
 * A chosen anchor and its score: its *direct* score (module header, step 1), the weighted mean
 * of its lexical, vector, key and time scores.
 */
export interface Anchor {
  readonly id: string
  readonly score: number
}

/**
 * A recalled fact: the edge as it is in the returned graph, its score
 * (`direct + fusionWalk · walk`; a fact's direct score is only its time score), its scores by
 * source, and its best path from an anchor.
 */
export interface RecalledFact {
  readonly fact: Fact
  readonly score: number
  /** The item's scores by source (always set by {@link recall}; optional for hand-built values). */
  readonly sources?: SourceScores
  readonly path: RecallPath
}

/**
 * A recalled episode: its node id, its text, its score (`direct + fusionWalk · walk`, module
 * header, step 5), its scores by source, and its path: the best walk path from an anchor when
 * the walk found it, else the zero-length path from itself.
 */
export interface RecalledEpisode {
  readonly id: string
  readonly text: string
  readonly score: number
  /** The item's scores by source (always set by {@link recall}; optional for hand-built values). */
  readonly sources?: SourceScores
  readonly path: RecallPath
}

/** One entry of the merged result list: an episode or a fact, with its score. */
export type RecalledItem =
  | { readonly kind: "episode"; readonly id: string; readonly score: number; readonly episode: RecalledEpisode }
  | { readonly kind: "fact"; readonly id: string; readonly score: number; readonly fact: RecalledFact }

/**
 * What a recall cost: `candidates` scored by fusion (direct hits and walk-reached items) and
 * `edgesExamined` by the walk.
 */
export interface RecallCost {
  readonly candidates: number
  readonly edgesExamined: number
}

/**
 * A recalled entity summary (module header, step 6b): a semantic candidate's salient current
 * facts as one item (`Consolidate.summary`, read live), with the candidate's direct score.
 */
export interface RecalledSummary {
  readonly id: string
  readonly score: number
  readonly summary: Consolidate.Summary
}

/**
 * What a recall found: the anchors, the facts and the episodes (each block sorted by score,
 * then id), and `items`, the same results merged into one list (score desc; on equal scores
 * episodes before facts, then id) — the list a caller that wants "the best k things" reads;
 * `summaries`, the entity summaries of the best semantic candidates (at most K, outside
 * `maxResults` and `items`).
 */
export interface RecallResult {
  readonly anchors: ReadonlyArray<Anchor>
  readonly facts: ReadonlyArray<RecalledFact>
  readonly episodes: ReadonlyArray<RecalledEpisode>
  readonly items: ReadonlyArray<RecalledItem>
  readonly summaries: ReadonlyArray<RecalledSummary>
  readonly cost: RecallCost
}

/** The result of {@link recall}: the new graph, what changed, and what was recalled. */
export interface RecallStep extends Step {
  readonly result: RecallResult
}

// ── internals ─────────────────────────────────────────────────────────────────

/** The time source's input, checked: a window `[from, until)` (null: unbounded) and/or asks-when. */
interface TimeHint {
  readonly window: boolean
  readonly from: number | null
  readonly until: number | null
  readonly asksWhen: boolean
}

interface Query {
  readonly text: string | undefined
  readonly embedding: ReadonlyArray<number> | undefined
  readonly at: number | null
  readonly k: number
  readonly maxResults: number
  readonly sources: ReadonlySet<Source>
  readonly time: TimeHint | undefined
}

const invalid = (message: string): InvalidInput => new InvalidInput({ transition: "recall", message })

const isPositiveInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 1

const optionalFinite = (x: unknown, what: string): number | null => {
  if (x === undefined || x === null) return null
  if (typeof x !== "number" || !Number.isFinite(x)) throw invalid(`${what} must be a finite number or null`)
  return x
}

const validate = (g: LiquidGraph.LiquidGraph, input: RecallInput, params: Params): Query => {
  const text = input.text
  if (text !== undefined && typeof text !== "string") throw invalid("text must be a string")
  const embedding = input.embedding
  if (embedding !== undefined) {
    if (!Array.isArray(embedding) || embedding.length === 0) throw invalid("embedding must be a non-empty array of numbers")
    for (const x of embedding) if (typeof x !== "number" || !Number.isFinite(x)) throw invalid("embedding has a non-finite entry")
    if (g.vectors.dim > 0 && embedding.length !== g.vectors.dim) {
      throw invalid(`embedding has length ${embedding.length}, the graph's vectors have ${g.vectors.dim}`)
    }
  }
  if (embedding === undefined && (text === undefined || text.trim().length === 0)) {
    throw invalid("a query needs a non-blank text or an embedding")
  }
  const at = input.at ?? null
  if (at !== null && (typeof at !== "number" || !Number.isFinite(at))) throw invalid("at must be a finite number or null")
  if (input.k !== undefined && !isPositiveInt(input.k)) throw invalid("k must be an integer ≥ 1")
  if (input.maxResults !== undefined && !isPositiveInt(input.maxResults)) throw invalid("maxResults must be an integer ≥ 1")
  if (input.reach !== undefined && input.reach !== "shallow" && input.reach !== "deep") throw invalid("reach must be \"shallow\" or \"deep\"")
  let sources: ReadonlySet<Source> = ALL_SOURCES
  if (input.sources !== undefined) {
    if (!Array.isArray(input.sources)) throw invalid("sources must be an array")
    for (const x of input.sources) if (!ALL_SOURCES.has(x)) throw invalid(`unknown source ${String(x)}`)
    sources = new Set(input.sources)
  }
  let time: TimeHint | undefined
  const t = input.time
  if (t !== undefined) {
    if (t === null || typeof t !== "object") throw invalid("time must be an object")
    const from = optionalFinite(t.from, "time.from")
    const until = optionalFinite(t.until, "time.until")
    if (from !== null && until !== null && until < from) throw invalid("time.until precedes time.from")
    if (t.asksWhen !== undefined && typeof t.asksWhen !== "boolean") throw invalid("time.asksWhen must be a boolean")
    const window = from !== null || until !== null
    if (window || t.asksWhen === true) time = { window, from, until, asksWhen: t.asksWhen === true }
  }
  return { text, embedding, at, k: input.k ?? params.anchors, maxResults: input.maxResults ?? params.maxResults, sources, time }
}

/**
 * The params a recall of `reach` runs under: `shallow` caps `maxDepth` at 1 and halves `anchors`
 * (at least 1); `deep` adds 2 to `maxDepth` (at most 32) and doubles `anchors` (at most 256) and
 * `walkBudget`; absent: `params` as they are. An explicit `k` in the input still wins over the
 * anchors this gives.
 * Laws: `reach(p, undefined) === p`; `reach(p, "shallow").maxDepth ≤ 1`; deep reaches at least
 * as far as default, default at least as far as shallow.
 * @complexity O(1)
 */
export const reach = (params: Params, r: "shallow" | "deep" | undefined): Params =>
  r === undefined
    ? params
    : r === "shallow"
    ? { ...params, maxDepth: Math.min(1, params.maxDepth), anchors: Math.max(1, Math.floor(params.anchors / 2)) }
    : {
      ...params,
      maxDepth: Math.min(32, params.maxDepth + 2),
      anchors: Math.min(256, params.anchors * 2),
      walkBudget: Math.min(1e9, params.walkBudget * 2)
    }

const ALL_SOURCES: ReadonlySet<Source> = new Set(SOURCES)

/** Whether the walk may take `e` when recalling at world time `at`. */
const walkable = (e: Fact, at: number | null): boolean => FactM.isValidAt(e, at) && (at !== null || e.supersededBy === null)

const byScoreThenId = (x: { readonly id: string; readonly score: number }, y: { readonly id: string; readonly score: number }): number =>
  x.score !== y.score ? y.score - x.score : x.id < y.id ? -1 : x.id > y.id ? 1 : 0

/** The node keys a text names: its 1- to 3-grams and itself, normalised. */
const textKeys = (text: string): Array<string> => {
  const words = Key.node(text).split(" ").filter((w) => w.length > 0)
  const keys = new Set<string>()
  if (words.length > 0) keys.add(Key.node(words.join(" ")))
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) keys.add(Key.node(words.slice(i, i + n).join(" ")))
  }
  keys.delete("")
  return Array.from(keys).sort()
}

/**
 * The specificity of a node as a query key, an inverse-document-frequency weight:
 * `ln(1 + N / (1 + degree)) / ln(1 + N)`, N the node count. In (0, 1]; 1 for an isolated node.
 */
const specificity = (g: LiquidGraph.LiquidGraph, id: string): number => {
  const n = LiquidGraph.nodeCount(g)
  return Math.log1p(n / (1 + LiquidGraph.degree(g, id))) / Math.log1p(n)
}

/** BM25's term-frequency saturation (fixed, not a tuning parameter). */
export const BM25_K1 = 1.2

/** BM25's document-length normalisation (fixed, not a tuning parameter). */
export const BM25_B = 0.75

/**
 * The BM25 score of every node containing a term of `text` (module header, step 1, lexical
 * source), unnormalised: terms held by more than `lexicalMaxPostings` nodes are skipped; each
 * node's sum is taken in query-term order, so it does not depend on posting iteration order.
 * @complexity O(|text| + Σ_t min(df(t), lexicalMaxPostings)) map operations
 */
const bm25 = (g: LiquidGraph.LiquidGraph, text: string, params: Params): Map<string, number> => {
  const out = new Map<string, number>()
  const n = LiquidGraph.documentCount(g)
  if (n === 0 || g.lexicalLength === 0) return out
  const avgdl = g.lexicalLength / n
  for (const t of Text.terms(text)) {
    const df = LiquidGraph.documentFrequency(g, t)
    if (df === 0 || df > params.lexicalMaxPostings) continue
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
    LiquidGraph.forEachPosting(g, t, (id, tf, length) => {
      const s = (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / avgdl))
      const cur = out.get(id)
      out.set(id, cur === undefined ? s : cur + s)
    })
  }
  return out
}

/** An item's direct scores (every source but the walk), each in [0, 1]. */
interface DirectScores {
  readonly lexical: number
  readonly vector: number
  readonly key: number
  readonly time: number
  /** The weighted mean of the four over the active sources (module header, step 1). */
  readonly direct: number
}

const NO_SCORES: DirectScores = { lexical: 0, vector: 0, key: 0, time: 0, direct: 0 }

/** Whether world time `t` lies in the hint's window `[from, until)`. */
const inWindow = (h: TimeHint, t: number): boolean => (h.from === null || t >= h.from) && (h.until === null || t < h.until)

/**
 * Step 1: the direct scores of one query. The sources' inputs are computed once (the BM25 map
 * and its best score, the key hits); an item's scores are computed on demand and memoised, its
 * cosine exactly (`VectorStore.get` + dot), whichever source found it.
 */
class Direct {
  readonly lexical: Map<string, number>
  readonly bestLexical: number
  readonly keys: Map<string, number>
  readonly wLexical: number
  readonly wVector: number
  readonly wKey: number
  readonly wTime: number
  readonly total: number
  readonly archived: number
  /** The query embedding at unit length (as `Similarity.topK` scores it), when the vector source is on. */
  readonly unit: Float32Array | undefined
  private readonly memo = new Map<string, DirectScores>()
  readonly g: LiquidGraph.LiquidGraph
  readonly q: Query
  constructor(g: LiquidGraph.LiquidGraph, q: Query, params: Params) {
    this.g = g
    this.q = q
    const on = (s: Source, has: boolean, w: number): number => (q.sources.has(s) && has ? w : 0)
    this.wLexical = on("lexical", q.text !== undefined && params.lexicalMaxPostings > 0, params.fusionLexical)
    this.wVector = on("vector", q.embedding !== undefined && g.vectors.size > 0, params.fusionVector)
    this.wKey = on("key", q.text !== undefined, params.fusionKey)
    this.wTime = on("time", q.time !== undefined, params.fusionTime)
    this.total = this.wLexical + this.wVector + this.wKey + this.wTime
    this.archived = params.fusionArchived
    this.unit = this.wVector > 0 ? Similarity.normalise(q.embedding!) : undefined
    this.lexical = this.wLexical > 0 ? bm25(g, q.text!, params) : new Map()
    let best = 0
    for (const s of this.lexical.values()) if (s > best) best = s
    this.bestLexical = best
    this.keys = new Map()
    if (this.wKey > 0) {
      for (const key of textKeys(q.text!)) {
        const id = LiquidGraph.resolve(g, key)
        if (LiquidGraph.hasNode(g, id)) this.keys.set(id, specificity(g, id))
        else if (LiquidGraph.archivedNode(g, id) !== undefined) this.keys.set(id, 1)
      }
    }
  }
  /** The time score of a node: its world time inside the window, or any world time when the query asks when. */
  private timeOf(id: string): number {
    const h = this.q.time
    if (h === undefined) return 0
    const t = LiquidGraph.anyNode(this.g, id)?.time ?? null
    if (t === null) return 0
    return !h.window || inWindow(h, t) ? 1 : 0
  }
  /** A node's direct scores (module header, step 1). */
  node(id: string): DirectScores {
    const cached = this.memo.get(id)
    if (cached !== undefined) return cached
    if (this.total <= 0) return NO_SCORES
    const raw = this.wLexical > 0 ? this.lexical.get(id) : undefined
    const lexical = raw === undefined || this.bestLexical <= 0 ? 0 : raw / this.bestLexical
    let vector = 0
    if (this.wVector > 0) {
      const v = VectorStore.get(this.g.vectors, id)
      if (v !== undefined) vector = Math.max(0, Similarity.dot(v, this.unit!))
    }
    const key = this.keys.get(id) ?? 0
    const time = this.wTime > 0 ? this.timeOf(id) : 0
    const mean = (this.wLexical * lexical + this.wVector * vector + this.wKey * key + this.wTime * time) / this.total
    // an archived node is fused like any other, its direct score times fusionArchived
    const direct = LiquidGraph.hasNode(this.g, id) ? mean : this.archived * mean
    const out = { lexical, vector, key, time, direct }
    this.memo.set(id, out)
    return out
  }
  /** A fact's direct score: only the time source scores an edge (its validity overlapping the window, or any validity bound when the query asks when). */
  fact(e: Fact): DirectScores {
    const h = this.q.time
    if (this.wTime <= 0 || h === undefined) return NO_SCORES
    const hit = h.window
      ? (e.validFrom !== null || e.validUntil !== null) &&
        (h.until === null || e.validFrom === null || e.validFrom < h.until) &&
        (h.from === null || e.validUntil === null || e.validUntil > h.from)
      : e.validFrom !== null || e.validUntil !== null
    return hit ? { lexical: 0, vector: 0, key: 0, time: 1, direct: this.wTime / this.total } : NO_SCORES
  }
}

/**
 * Step 1: the candidates, best first by direct score (then id): the `fusionCandidates` best of
 * the lexical source, the `fusionCandidates` best of the vector source (cosine ≥
 * `anchorMinSimilarity`), and every key hit; nodes of the active graph and archived nodes.
 */
const candidates = (g: LiquidGraph.LiquidGraph, q: Query, params: Params, d: Direct): Array<Similarity.Hit> => {
  const pool = new Set<string>()
  const add = (id: string): void => {
    if (LiquidGraph.hasNode(g, id) || LiquidGraph.archivedNode(g, id) !== undefined) pool.add(id)
  }
  if (d.wVector > 0) {
    // the store's index finds exactly topK's hits at or above the floor (Similarity.nearest's law)
    const floor = { minScore: params.anchorMinSimilarity }
    for (const hit of Similarity.nearest(g.vectors, q.embedding!, params.fusionCandidates, undefined, floor)) add(hit.id)
  }
  if (d.lexical.size > 0) for (const hit of best(d.lexical, params.fusionCandidates)) add(hit.id)
  for (const id of d.keys.keys()) add(id)
  // sorted here, not by the float32 heap of `best`: the scores stay exact float64
  return Array.from(pool, (id) => ({ id, score: d.node(id).direct })).sort(byScoreThenId)
}

/**
 * The `c` best entries of `score` by (score desc, id asc), in that order: a bounded heap
 * (core/kernels/TopK.ts, the one `Similarity.topK` uses), O(L·log c) for L entries instead of
 * sorting them all (the lexical source can name thousands of nodes).
 */
const best = (score: ReadonlyMap<string, number>, c: number): Array<Similarity.Hit> => {
  const heap = TopK.make(Math.min(c, score.size))
  for (const [id, s] of score) TopK.offer(heap, s, id)
  return TopK.drain(heap)
}

/**
 * The closed 1-hop neighbourhood the walk would reach first from `id`, estimated from a bounded
 * sample: `id` itself plus the far ends of the walkable edges (weight ≥ `pathThreshold`) among
 * the first `coverageSample` ids of its out-edge set, then its in-edge set, in their iteration
 * order (the sets' hash order, a function of their content). Exact when the degree is at most
 * `coverageSample`; for a hub it costs `coverageSample` lookups instead of one per edge.
 */
const neighbourhood = (g: LiquidGraph.LiquidGraph, id: string, at: number | null, params: Params): Set<string> => {
  const out = new Set<string>([id])
  if (params.maxDepth < 1) return out
  const theta = params.pathThreshold
  let left = params.coverageSample
  for (let side = 0; side < 2; side++) {
    for (const eid of side === 0 ? LiquidGraph.outEdges(g, id) : LiquidGraph.inEdges(g, id)) {
      if (left-- <= 0) return out
      const e = HashMap.getUnsafe(g.edges, eid)
      if (e.weight >= theta && walkable(e, at)) out.add(e.subject === id ? e.object : e.subject)
    }
  }
  return out
}

/** Step 2: greedy max-coverage with a relevance term and an MMR redundancy penalty. */
const chooseAnchors = (
  g: LiquidGraph.LiquidGraph,
  cands: ReadonlyArray<Similarity.Hit>,
  k: number,
  at: number | null,
  params: Params
): Array<Similarity.Hit> => {
  const lambda = params.anchorDiversity
  const hoods = cands.map((c) => neighbourhood(g, c.id, at, params))
  const vectors = cands.map((c) => VectorStore.get(g.vectors, c.id))
  const largest = Math.max(1, ...hoods.map((h) => h.size))
  const redundancy = cands.map(() => 0)
  const taken = cands.map(() => false)
  const covered = new Set<string>()
  const chosen: Array<Similarity.Hit> = []
  while (chosen.length < k && chosen.length < cands.length) {
    let best = -1
    let bestValue = -Infinity
    for (let i = 0; i < cands.length; i++) {
      if (taken[i]) continue
      let fresh = 0
      for (const n of hoods[i]!) if (!covered.has(n)) fresh++
      const value = (1 - lambda) * cands[i]!.score + lambda * (fresh / largest - redundancy[i]!)
      if (best < 0 || value > bestValue || (value === bestValue && cands[i]!.id < cands[best]!.id)) {
        best = i
        bestValue = value
      }
    }
    taken[best] = true
    chosen.push(cands[best]!)
    for (const n of hoods[best]!) covered.add(n)
    const vb = vectors[best]
    if (vb !== undefined) {
      for (let i = 0; i < cands.length; i++) {
        const vi = vectors[i]
        if (taken[i] || vi === undefined) continue
        redundancy[i] = Math.max(redundancy[i]!, Similarity.dot(vi, vb))
      }
    }
  }
  return chosen
}

/** Step 3: Hebbian links between co-recalled anchors, and anchor access bookkeeping. */
const touch = (g: LiquidGraph.LiquidGraph, anchors: ReadonlyArray<Similarity.Hit>, params: Params, now: number): Step => {
  const d = LiquidGraph.draft(g)
  const changes = new Changes.Collector()
  for (const a of anchors) {
    const n = d.node(a.id)!
    d.putNode({ ...n, accessCount: n.accessCount + 1, recency: now })
    changes.nodesUpdated.push(a.id)
  }
  if (params.coRecallRate > 0) {
    const ids = anchors.map((a) => a.id).sort()
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [s, o] = [ids[i]!, ids[j]!]
        const id = FactM.associationId(s, o)
        const old = d.edge(id)
        if (old === undefined) {
          d.putEdge({
            id, kind: "association", subject: s, relation: FactM.ASSOCIATED, object: o, negated: false,
            weight: params.coRecallRate, confidence: params.initialConfidence, validFrom: null, validUntil: null,
            learnedAt: now, provenance: [], useCount: 1, lastReinforced: now, solidified: false, supersededBy: null
          })
          changes.edgesAdded.push(id)
        } else {
          const weight = Math.min(1, old.weight + params.coRecallRate * (1 - old.weight))
          d.putEdge({ ...old, weight, useCount: old.useCount + 1, lastReinforced: now })
          changes.edgesStrengthened.push(id)
        }
      }
    }
  }
  return { graph: d.finish(), changes: changes.done() }
}

/**
 * A walk state: reached `node` with product `weight` of edge weights after `depth` edges;
 * `strength` is `weight` times the specificity of every node the path left (module header, step 4).
 */
interface Label {
  readonly node: string
  readonly weight: number
  readonly strength: number
  readonly depth: number
  readonly edge: Fact | undefined
  readonly parent: Label | undefined
  readonly seq: number
  dominated: boolean
}

/** A result candidate: the path `tail` then (optionally) `last` edge to `end`. */
interface Found {
  readonly anchor: string
  readonly score: number
  readonly weight: number
  readonly depth: number
  readonly tail: Label
  readonly last: Fact | undefined
  readonly end: string
}

const strongerLabel = (x: Label, y: Label): boolean =>
  x.strength !== y.strength ? x.strength > y.strength : x.weight !== y.weight ? x.weight > y.weight : x.depth !== y.depth ? x.depth < y.depth : x.node !== y.node ? x.node < y.node : x.seq < y.seq

const edgesOf = (f: Found): Array<Fact> => {
  const out: Array<Fact> = f.last === undefined ? [] : [f.last]
  for (let l: Label | undefined = f.tail; l !== undefined && l.edge !== undefined; l = l.parent) out.push(l.edge)
  return out.reverse()
}

const pathKey = (f: Found): string => f.anchor + "\u0000" + edgesOf(f).map((e) => e.id).join("\u0000")

/** Whether `x` is a better justification than `y`: higher score, then shorter, then smaller path key. */
const betterFound = (x: Found, y: Found): boolean =>
  x.score !== y.score ? x.score > y.score : x.depth !== y.depth ? x.depth < y.depth : pathKey(x) < pathKey(y)

const offer = (best: Map<string, Found>, id: string, f: Found): void => {
  const cur = best.get(id)
  if (cur === undefined || betterFound(f, cur)) best.set(id, f)
}

/** Whether a candidate of this score and depth could beat the one held for `id` (cheap pre-check). */
const mayImprove = (best: Map<string, Found>, id: string, score: number, depth: number): boolean => {
  const cur = best.get(id)
  return cur === undefined || score > cur.score || (score === cur.score && depth <= cur.depth)
}

const pathOf = (f: Found): RecallPath => {
  const nodes: Array<string> = []
  for (let l: Label | undefined = f.tail; l !== undefined; l = l.parent) nodes.push(l.node)
  nodes.reverse()
  if (f.last !== undefined) nodes.push(f.end)
  return { anchor: f.anchor, nodes, edges: edgesOf(f).map((e) => e.id), weight: f.weight }
}

/**
 * Whether `id` is an episode, active or archived. Episode ids start with `ep:` and semantic ids
 * are keys, which never hold `:`; the prefix test spares a lookup.
 */
const isEpisode = (g: LiquidGraph.LiquidGraph, id: string): boolean =>
  id.startsWith("ep:") && LiquidGraph.anyNode(g, id)?.kind === "episode"

/** Step 4: the best-first walk from one anchor, offering facts and episodes it reaches; returns the edges it examined. */
const walk = (
  g: LiquidGraph.LiquidGraph,
  anchor: Anchor,
  at: number | null,
  params: Params,
  budget: number,
  facts: Map<string, Found>,
  episodes: Map<string, Found>
): number => {
  const relevance = Math.max(0, anchor.score)
  const theta = params.pathThreshold
  let seq = 0
  // An anchor that is an episode is a candidate, hence already offered as a direct hit.
  const root: Label = { node: anchor.id, weight: 1, strength: 1, depth: 0, edge: undefined, parent: undefined, seq: seq++, dominated: false }
  const maxDepth = params.maxDepth
  const edges = g.edges
  const labels = new Map<string, Array<Label>>([[anchor.id, [root]]])
  const heap = new Heap<Label>(strongerLabel)
  heap.push(root)
  let spent = 0
  walking: for (let l = heap.pop(); l !== undefined; l = heap.pop()) {
    if (l.dominated || l.depth >= maxDepth) continue
    const isRoot = l === root
    if (!isRoot && spent >= budget) break
    const u = l.node
    const depth = l.depth + 1
    // the fan discount of leaving u: its specificity (a hub spreads little of its score)
    const leave = l.strength * specificity(g, u)
    // Incident edge ids are read lazily (out-edges, then in-edges, then archived edges, in their sets' iteration
    // order) and each one examined counts against the budget, so a hub cannot overrun it; the
    // anchor's own edges are always all examined.
    for (let side = 0; side < 3; side++) {
      const ids = side === 0 ? LiquidGraph.outEdges(g, u) : side === 1 ? LiquidGraph.inEdges(g, u) : LiquidGraph.archivedIncident(g, u)
      for (const eid of ids) {
        if (!isRoot && spent >= budget) break walking
        spent++
        // side 2: the archived edges at u; the walk follows the archived records of the telling
        // (mentions, sequence links) into the archive, never an archived fact
        const e = side < 2 ? HashMap.getUnsafe(edges, eid) : HashMap.getUnsafe(g.archivedEdges, eid).edge
        if (side === 2 && !FactM.isRecord(e)) continue
        const weight = l.weight * e.weight
        if (weight < theta || !walkable(e, at)) continue
        const v = e.subject === u ? e.object : e.subject
        const strength = leave * e.weight
        const score = relevance * strength
        if (e.kind === "fact" && mayImprove(facts, eid, score, depth)) {
          offer(facts, eid, { anchor: anchor.id, score, weight, depth, tail: l, last: e, end: v })
        }
        // an anchor's walk never scores the anchor itself (a path back to it is a cycle)
        if (v !== anchor.id && isEpisode(g, v) && mayImprove(episodes, v, score, depth)) {
          offer(episodes, v, { anchor: anchor.id, score, weight, depth, tail: l, last: e, end: v })
        }
        // A label at maxDepth would never be expanded, and can only dominate labels at maxDepth.
        if (depth >= maxDepth) continue
        let at_v = labels.get(v)
        if (at_v === undefined) {
          at_v = []
          labels.set(v, at_v)
        }
        // Keep only non-dominated (strength, weight, depth) labels. On an exact tie with a label from this
        // same parent, the edge with the smaller id wins, so the outcome does not depend on the
        // order the edge set is read in; a tie with a label of an earlier parent keeps that one.
        let skip = false
        let replace = -1
        for (let i = 0; i < at_v.length; i++) {
          const o = at_v[i]!
          if (o.strength >= strength && o.weight >= weight && o.depth <= depth) {
            if (o.strength === strength && o.weight === weight && o.depth === depth && o.parent === l && eid < o.edge!.id) replace = i
            else skip = true
            break
          }
        }
        if (skip) continue
        const label: Label = { node: v, weight, strength, depth, edge: e, parent: l, seq: seq++, dominated: false }
        if (replace >= 0) {
          at_v[replace]!.dominated = true
          at_v[replace] = label
        } else {
          let k = 0
          for (let i = 0; i < at_v.length; i++) {
            const o = at_v[i]!
            if (strength >= o.strength && weight >= o.weight && depth <= o.depth) o.dominated = true
            else at_v[k++] = o
          }
          at_v.length = k
          at_v.push(label)
        }
        heap.push(label)
      }
    }
  }
  return spent
}

/** The sequence edges (`Fact.FOLLOWS`) incident to episode `id`: active ones, then archived ones (an archived episode's links are archived with it). */
const sequenceEdges = (g: LiquidGraph.LiquidGraph, id: string): Array<Fact> => {
  const out: Array<Fact> = []
  for (let side = 0; side < 2; side++) {
    for (const eid of side === 0 ? LiquidGraph.outEdges(g, id) : LiquidGraph.inEdges(g, id)) {
      const e = HashMap.getUnsafe(g.edges, eid)
      if (FactM.isSequence(e)) out.push(e)
    }
  }
  for (const eid of LiquidGraph.archivedIncident(g, id)) {
    const e = LiquidGraph.archivedEdge(g, eid)?.edge
    if (e !== undefined && FactM.isSequence(e)) out.push(e)
  }
  return out
}

/**
 * Step 4b, the context: every candidate episode `c` (active or archived) offers each episode `n`
 * it is linked to by a sequence edge `e` (active or archived; weight ≥ `pathThreshold`, valid at
 * `at`) the walk score `direct(c) × specificity(c) × weight(e)` — the first step of a walk from
 * `c`, scored as the walk scores it — when that beats what the walks gave `n`. Returns the edges
 * examined.
 */
const context = (
  g: LiquidGraph.LiquidGraph,
  cands: ReadonlyArray<Similarity.Hit>,
  direct: Direct,
  at: number | null,
  params: Params,
  episodes: Map<string, Found>
): number => {
  let spent = 0
  if (params.maxDepth < 1) return 0
  for (const c of cands) {
    if (!c.id.startsWith("ep:")) continue
    const relevance = direct.node(c.id).direct
    if (relevance <= 0) continue
    const leave = specificity(g, c.id)
    const root: Label = { node: c.id, weight: 1, strength: 1, depth: 0, edge: undefined, parent: undefined, seq: 0, dominated: false }
    for (const e of sequenceEdges(g, c.id)) {
      spent++
      const n = e.subject === c.id ? e.object : e.subject
      if (n === c.id || e.weight < params.pathThreshold || !walkable(e, at) || LiquidGraph.anyNode(g, n)?.kind !== "episode") continue
      const score = relevance * leave * e.weight
      if (mayImprove(episodes, n, score, 1)) offer(episodes, n, { anchor: c.id, score, weight: e.weight, depth: 1, tail: root, last: e, end: n })
    }
  }
  return spent
}

const EMPTY_RESULT: RecallResult = { anchors: [], facts: [], episodes: [], items: [], summaries: [], cost: { candidates: 0, edgesExamined: 0 } }

const selfFound = (id: string): Found => {
  const self: Label = { node: id, weight: 1, strength: 1, depth: 0, edge: undefined, parent: undefined, seq: 0, dominated: false }
  return { anchor: id, score: 0, weight: 1, depth: 0, tail: self, last: undefined, end: id }
}

interface Scored {
  readonly id: string
  readonly score: number
  readonly scores: DirectScores
  readonly walk: number
  readonly found: Found
}

const withWalk = (s: DirectScores, walk: number): SourceScores => ({ lexical: s.lexical, vector: s.vector, key: s.key, time: s.time, walk })

// ── transitions ───────────────────────────────────────────────────────────────

/**
 * Recalls what memory holds about a query (see the module header for the six steps), and
 * records the recall in the graph: Hebbian links between the chosen anchors, and their access
 * count and recency.
 *
 * Laws:
 * - every result fact is `Equal` to the returned graph's edge with its id, and was reached by a
 *   path from an anchor whose product of weights is ≥ `pathThreshold`, with ≤ `maxDepth` edges,
 *   each edge joining consecutive path nodes, the last one being the fact;
 * - every result item scores `direct + fusionWalk · walk` (module header, steps 1, 4, 5), with
 *   `walk ≤ anchor score × path weight` for its path's anchor; an episode with a zero-length
 *   path is a candidate of step 1 and has walk 0; an anchor's score is its direct score;
 * - the results equal the candidate episodes ∪ the exhaustive walk from the anchors, scored so
 *   (reference model in laws/Recall.test.ts, budget not binding);
 * - at most K anchors, all active nodes; at most `maxResults` results; facts and episodes sorted
 *   by score desc, then id; `items` is the two blocks merged;
 * - with `at` null, no superseded fact is returned;
 * - a walkable fact incident to an anchor with weight ≥ `pathThreshold` is returned (when
 *   `maxDepth ≥ 1` and `maxResults` is large enough);
 * - an archived episode in the results is active in the returned graph (re-activated);
 * - deterministic: equal inputs give equal graphs and results; the input graph is unchanged;
 *   the returned graph satisfies the invariants.
 *
 * @throws InvalidInput when neither a non-blank text nor an embedding is given, the embedding
 * has a non-finite entry or the wrong length, `at` is not finite, or `k` / `maxResults` are not
 * positive integers.
 * @complexity O(N·dim) for the top-k scan (N vectors) + O(Σ_t min(df(t), lexicalMaxPostings) +
 * L·log C) for the lexical source (L nodes holding a query term) + O(C·S·log m + K·C·(S + dim)) to choose
 * K of C candidates (S = `coverageSample`) + O(K²·log m) for the Hebbian links +
 * O((walkBudget + Σ anchor degrees) · log m) for the walk + O(C · log m) for the direct hits;
 * never a scan of the edges.
 * Measured (`npm run bench -- --quick --only recall`, idle 2-core machine): p50 3.1 ms (p99 5.7
 * ms) at 10^5 facts, 2·10^4 100-d vectors, default params; 3.2 ms (p99 8.1 ms) with half the
 * nodes archived (`recall.archive.*`); 5.2–7.3 ms with `walkBudget` 1,000; 2.2–2.9 ms before
 * fusion, the context step and the walk into the archive.
 * @example
 * ```ts
 * const { graph, result } = Recall.recall(g, { text: "where does alice live" }, params, now)
 * result.facts[0]?.fact.object // "paris"
 * ```
 */
export const recall: {
  (input: RecallInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => RecallStep
  (graph: LiquidGraph.LiquidGraph, input: RecallInput, params: Params, now: number): RecallStep
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: RecallInput, p0: Params, now: number): RecallStep => {
  if (typeof now !== "number" || !Number.isFinite(now)) throw invalid("now must be a finite number")
  if (input.reach !== undefined && input.reach !== "shallow" && input.reach !== "deep") throw invalid("reach must be \"shallow\" or \"deep\"")
  const params = reach(p0, input.reach)
  const q = validate(graph, input, params)
  const direct = new Direct(graph, q, params)
  const cands = candidates(graph, q, params, direct)
  if (cands.length === 0) return { graph, changes: Changes.none, result: EMPTY_RESULT }
  // Step 1b: the archived nodes among the K best candidates come back first (with their archived
  // edges to active ends), so that they can be anchors and the walk sees the graph as restored.
  const early = cands.slice(0, q.k).filter((c) => !LiquidGraph.hasNode(graph, c.id)).map((c) => c.id)
  const revived = new Changes.Collector()
  let base = graph
  if (early.length > 0) {
    const d = LiquidGraph.draft(graph)
    Archive.reactivateInto(d, early, params, now, revived)
    base = d.finish()
  }
  const active = cands.filter((c) => LiquidGraph.hasNode(base, c.id))
  const chosen = chooseAnchors(base, active.slice(0, params.anchorCandidates), q.k, q.at, params)
  const touched = chosen.length === 0 ? { graph: base, changes: Changes.none } : touch(base, chosen, params, now)
  const g = touched.graph

  // Step 4: the walks (the walk source), from every chosen anchor with its direct score.
  const walkFacts = new Map<string, Found>()
  const walkEpisodes = new Map<string, Found>()
  let spent = 0
  if (q.sources.has("walk")) {
    const budget = Math.max(1, Math.floor(params.walkBudget / chosen.length))
    for (const a of chosen) spent += walk(g, a, q.at, params, budget, walkFacts, walkEpisodes)
  }

  // Step 4b: the context, a one-step walk along the episode sequence from EVERY candidate
  // episode (active or archived), not only the anchors: a turn found by the query brings the
  // turns told just before and after it, wherever they now live.
  if (q.sources.has("walk")) spent += context(g, cands, direct, q.at, params, walkEpisodes)

  // Step 5: fusion. An item's score is its direct score plus fusionWalk times its walk score.
  const w = params.fusionWalk
  const episodes: Array<Scored> = []
  const seen = new Set<string>()
  const scoreEpisode = (id: string): void => {
    if (seen.has(id)) return
    seen.add(id)
    const scores = direct.node(id)
    const f = walkEpisodes.get(id)
    const walkScore = f === undefined ? 0 : f.score
    episodes.push({ id, score: scores.direct + w * walkScore, scores, walk: walkScore, found: f ?? selfFound(id) })
  }
  for (const c of cands) if (c.id.startsWith("ep:") && LiquidGraph.anyNode(graph, c.id)?.kind === "episode") scoreEpisode(c.id)
  for (const id of walkEpisodes.keys()) scoreEpisode(id)
  const facts: Array<Scored> = []
  for (const [id, f] of walkFacts) {
    const scores = direct.fact(HashMap.getUnsafe(g.edges, id))
    facts.push({ id, score: scores.direct + w * f.score, scores, walk: f.score, found: f })
  }
  episodes.sort(byScoreThenId)
  facts.sort(byScoreThenId)

  // Step 6: the blocks and the merged list.
  const reserve = facts.length > 0 && episodes.length > 0 ? Math.round(params.episodicShare * q.maxResults) : 0
  let nEpisodes = Math.min(episodes.length, reserve)
  const nFacts = Math.min(facts.length, q.maxResults - nEpisodes)
  nEpisodes = Math.min(episodes.length, q.maxResults - nFacts)

  const resultFacts: Array<RecalledFact> = facts.slice(0, nFacts).map((r) => ({
    fact: HashMap.getUnsafe(g.edges, r.id),
    score: r.score,
    sources: withWalk(r.scores, r.walk),
    path: pathOf(r.found)
  }))
  const resultEpisodes: Array<RecalledEpisode> = episodes.slice(0, nEpisodes).map((r) => {
    const n = LiquidGraph.anyNode(g, r.id)!
    return { id: r.id, text: n.text ?? n.label, score: r.score, sources: withWalk(r.scores, r.walk), path: pathOf(r.found) }
  })
  const items: Array<RecalledItem> = [
    ...resultEpisodes.map((e): RecalledItem => ({ kind: "episode", id: e.id, score: e.score, episode: e })),
    ...resultFacts.map((f): RecalledItem => ({ kind: "fact", id: f.fact.id, score: f.score, fact: f }))
  ].sort((x, y) =>
    x.score !== y.score ? y.score - x.score : x.kind !== y.kind ? (x.kind === "episode" ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0)

  // Step 7: the archived episodes that reached the results come back to the active graph.
  let out = g
  const revive = resultEpisodes.filter((e) => !LiquidGraph.hasNode(g, e.id)).map((e) => e.id)
  if (revive.length > 0) {
    const d = LiquidGraph.draft(g)
    Archive.reactivateInto(d, revive, params, now, revived)
    out = d.finish()
  }
  const back = revived.done()
  const changes = back.nodesReactivated.length + back.edgesReactivated.length === 0
    ? touched.changes
    : { ...touched.changes, nodesReactivated: back.nodesReactivated, edgesReactivated: back.edgesReactivated }

  // Step 6b: entity summaries of the best semantic candidates (active in the returned graph).
  const summaries: Array<RecalledSummary> = []
  for (const c of cands) {
    if (summaries.length >= q.k) break
    if (c.id.startsWith("ep:")) continue
    const summary = Consolidate.summary(out, c.id, params)
    if (summary !== null) summaries.push({ id: c.id, score: c.score, summary })
  }

  const result: RecallResult = {
    anchors: chosen.map((a) => ({ id: a.id, score: a.score })),
    facts: resultFacts,
    episodes: resultEpisodes,
    items,
    summaries,
    cost: { candidates: seen.size + walkFacts.size, edgesExamined: spent }
  }
  return { graph: out, changes, result }
})
