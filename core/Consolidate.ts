/**
 * Consolidate — the "sleep" pass: merge near-duplicates, turn knowledge repeated across episodes
 * into semantic facts, find the central core and the thematic clusters, and write the summaries of
 * salient entities.
 *
 * One pass (MISSION feature 9), in this order (each step reads what the previous one left, which
 * is what makes the pass idempotent):
 * 1. **merge near-duplicates**: semantic nodes of the same kind (`entity` with `entity`, `concept`
 *    with `concept`; episodes never) whose embeddings have cosine ≥ `mergeSimilarity` are merged.
 *    Similarity is closed transitively (connected components of the "similar" relation), so no
 *    two nodes left after the pass are near-duplicates. The survivor of a component is its most
 *    important node (ties: smallest id); the others are *merged into* it: their edges move to the
 *    survivor under re-keyed ids, a self-loop the move creates is dropped, an alias
 *    `from → survivor` is recorded (older aliases are flattened onto the survivor), and the merged
 *    node is removed. The survivor keeps its label and vector and takes the sum of access counts,
 *    the latest recency, the earliest creation, the highest confidence, and long-term tier if any
 *    of them was long-term.
 *    A moved edge that lands on an existing *current* edge with the same identity (same triple,
 *    mention or association) is combined with it: weight max, useCount sum, provenance union,
 *    confidence max, solidified or, lastReinforced max, learnedAt min. A historical fact never
 *    combines: it takes the next free version id (`#2`, `#3`, …), as does a current fact that
 *    lands on a historical one, so history is never rewritten. `supersededBy` references to a
 *    re-keyed edge follow it (a reference to an edge dropped as a self-loop keeps its old id).
 * 2. **co-mention → fact** (creates knowledge): two semantic nodes `a < b` (by id) that at least
 *    `episodicToSemantic` distinct episodes mention together (each through a current `mention`
 *    edge to both; an episode mentioning more than `coMentionMaxMentions` nodes is not counted,
 *    see {@link coMentions}) become the fact `a mention_with b` — the canonical form
 *    (`Relation.normalize`) of "is mentioned with", shown "a is mentioned with b" — with:
 *    provenance the n episodes (sorted ids), `confidence = 1 − 1/(1+n)` (the same support curve as
 *    step 3: 3 episodes → 0.75, 9 → 0.9), `useCount = solidifyUses` (so step 3 leaves it as it is),
 *    `weight = coMentionWeight`, `validFrom` the earliest world time of those episodes (`null` when
 *    none has one), `learnedAt = lastReinforced = now`. A pair is skipped when a current `fact`
 *    already links `a` and `b` (either direction, any relation, either polarity: memory was told
 *    how they relate, or that they do not), when any version of `a mention_with b` exists (a
 *    historical one is a decision memory made; history is never touched nor re-opened), and when
 *    the new fact would contradict a current one (`Reconcile.conflict`: only if a user lists
 *    `mention_with` as single-valued). Creation never supersedes, ends or changes another fact.
 *    *Why this and nothing more*: a co-mention repeated across episodes is what the episodes
 *    themselves say (the two things come up together), so the fact is sound without a model; its
 *    relation says exactly that and no more ("is related to" would read as kinship between
 *    people). Facts the episodes *state* are already semantic (engram writes them with the
 *    episode in provenance) and repetition raises their confidence (step 3). Generalisations
 *    ("every dog Kim met barks"), transitive closure ("works at Acme, Acme is in Paris → works in
 *    Paris") or guessing a relation from words would need a model or be unsound, so consolidate
 *    creates none of them.
 * 3. **episodic → semantic**: a current fact whose provenance lists ≥ `episodicToSemantic` distinct
 *    sources (episodes) gets `confidence := max(confidence, 1 − 1/(1+n))` and
 *    `useCount := max(useCount, solidifyUses)`, which makes it a solidification candidate: `prune`
 *    solidifies it once its weight reaches `solidifyWeight`.
 * 4. **k-core** (Batagelj–Zaversnik, linear time) over the undirected simple view of the current
 *    edges (created facts included): nodes with core number ≥ `coreK` are *central*. Central nodes
 *    still in working memory are promoted to long-term memory (kept), and the result lists them in
 *    `central`.
 * 5. **thematic clusters**: connected components over current edges with weight ≥ `clusterWeight`;
 *    `node.cluster` is the index of its component among the components of ≥ 2 nodes ordered by
 *    smallest node id, `null` for a node in no such component.
 * 6. **entity summaries**: every semantic node's `text` becomes its {@link summary} — its heaviest
 *    current facts as English sentences, for a node with ≥ `summaryMinFacts` current facts — or
 *    `null` when it has none (consolidate owns a semantic node's text). The lexical index holds
 *    `label + " " + text` for such a node (`LiquidGraph.documentText`), so BM25 finds an entity
 *    by what is known about it, and recall can return the summary as one item.
 *
 * Strongly connected but distinct entities are NOT merged: strong connection says two things
 * belong together, not that they are the same thing ("Paris" and "France"); merging them would
 * lose facts. They share a `cluster` instead. Only embedding near-identity merges nodes.
 *
 * @since 0.1.0
 */
import { HashMap, Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import type { Fact } from "./Fact.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { MemoryNode } from "./Node.ts"
import type { Params } from "./Params.ts"
import * as Reconcile from "./Reconcile.ts"
import * as Relation from "./Relation.ts"
import * as Similarity from "./Similarity.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link consolidate}: none (every choice is in the params).
 * @since 0.1.0
 */
export const ConsolidateInput = Schema.Struct({})
export type ConsolidateInput = typeof ConsolidateInput.Type

/** The result of {@link consolidate}: the step, plus the central nodes (core ≥ coreK), by id. */
export interface ConsolidateResult extends Step {
  readonly central: ReadonlyArray<string>
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const coMention = Relation.normalize({ subject: "a", relation: "is mentioned with", object: "b" })

/**
 * The relation of the facts consolidate creates between co-mentioned nodes (step 2 of the module
 * doc): the canonical form of "is mentioned with" (`relation` `"mention_with"`), and the phrase
 * that displays it (`phrase` `"is mentioned with"`: `Relation.sentence` reads "Kim is mentioned
 * with Lee").
 * @since 0.3.0
 */
export const CO_MENTIONED: { readonly relation: string; readonly phrase: string } = {
  relation: coMention.relation,
  phrase: coMention.phrase ?? "is mentioned with"
}

/**
 * Two semantic nodes (`subject < object` by id) and the episodes (node ids, sorted) that mention
 * both: see {@link coMentions}.
 * @since 0.3.0
 */
export interface CoMention {
  readonly subject: string
  readonly object: string
  readonly episodes: ReadonlyArray<string>
}

/**
 * The summary of a semantic node (see {@link summary}): `text` is one English sentence a fact
 * ("Kim lives in Paris. Kim works at Acme."), `facts` the edge ids it renders, in the text's
 * order, `factCount` the node's number of current facts (those listed and those left out).
 * @since 0.3.0
 */
export interface Summary {
  readonly id: string
  readonly label: string
  readonly text: string
  readonly facts: ReadonlyArray<string>
  readonly factCount: number
}

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * Pairs of semantic nodes that at least `episodicToSemantic` distinct episodes mention together:
 * every episode node with 2 … `coMentionMaxMentions` current `mention` edges contributes each
 * pair of the nodes it mentions (an episode that mentions more is a long document or a list, weak
 * evidence that any two of its nodes belong together, and would cost the square of its size).
 * Sorted by subject, then object; `episodes` sorted.
 *
 * Laws: for every result `c` and every `e ∈ c.episodes`, `g` has the current mention edges
 * `mentionId(e, c.subject)` and `mentionId(e, c.object)`; `|c.episodes| ≥ episodicToSemantic`;
 * deterministic (independent of construction order).
 * @complexity O(m + Σ_e k_e² + P log P) over the m edges, for k_e ≤ coMentionMaxMentions mentions
 * of a counted episode e and P pairs
 * @example
 * ```ts
 * Consolidate.coMentions(g, Params.defaults)
 * // [{ subject: "caroline", object: "pottery", episodes: ["ep:3", "ep:7", "ep:9"] }]
 * ```
 * @since 0.3.0
 */
export const coMentions = (g: LiquidGraph.LiquidGraph, params: Params): Array<CoMention> => {
  const byEpisode = new Map<string, Array<string>>()
  for (const e of HashMap.values(g.edges)) {
    if (e.kind !== "mention" || !FactM.isCurrent(e)) continue
    const list = byEpisode.get(e.subject)
    if (list === undefined) byEpisode.set(e.subject, [e.object])
    else list.push(e.object)
  }
  const byPair = new Map<string, Map<string, Array<string>>>()
  for (const [episode, mentioned] of byEpisode) {
    if (mentioned.length < 2 || mentioned.length > params.coMentionMaxMentions) continue
    mentioned.sort(cmp)
    for (let i = 0; i < mentioned.length; i++) {
      const a = mentioned[i]!
      let row = byPair.get(a)
      if (row === undefined) byPair.set(a, (row = new Map()))
      for (let j = i + 1; j < mentioned.length; j++) {
        const b = mentioned[j]!
        if (b === a) continue
        const eps = row.get(b)
        if (eps === undefined) row.set(b, [episode])
        else eps.push(episode)
      }
    }
  }
  const out: Array<CoMention> = []
  for (const subject of Array.from(byPair.keys()).sort(cmp)) {
    const row = byPair.get(subject)!
    for (const object of Array.from(row.keys()).sort(cmp)) {
      const episodes = row.get(object)!
      if (episodes.length >= params.episodicToSemantic) out.push({ subject, object, episodes: episodes.sort(cmp) })
    }
  }
  return out
}

/** Heavier first: weight, then confidence (both descending), then id. */
const salience = (a: Fact, b: Fact): number => b.weight - a.weight || b.confidence - a.confidence || cmp(a.id, b.id)

/**
 * The summary of semantic node `id`: its heaviest current facts as English sentences, or `null`.
 *
 * Rule: the node's current `fact` edges (subject or object end; mentions and associations are not
 * facts) are counted; a node with at least `summaryMinFacts` of them is *salient* and its summary
 * lists the `summaryFacts` heaviest (weight, then confidence, both descending, then edge id),
 * each rendered by `Relation.sentence` with the nodes' labels and the fact's told phrase
 * (negated facts read negated: "Kim does not live in Rome"), each sentence ended by ". ".
 * `null` for an id that is not an active semantic node, for a node with fewer facts, and when
 * `summaryFacts` is 0. (Salience by fact count, not by k-core membership: a central node with one
 * fact would get a summary that repeats that fact.)
 *
 * Contract for callers (recall): pure and live — it reads the current facts now, so it never lists
 * a fact that has since been superseded, ended or removed. `consolidate` writes exactly this text
 * into the node's `text` (what the lexical index holds), so right after a consolidation
 * `node(g, id).text == summary(g, id, params)?.text ?? null`; between consolidations the stored
 * text (and the postings) may lag behind, the getter does not. Return `text` as the item's text
 * and `facts` as its evidence.
 *
 * Laws: every id in `facts` is a current fact incident to `id`; `facts.length ==
 * min(summaryFacts, factCount)`; `factCount ≥ summaryMinFacts`; deterministic.
 * @complexity O(d · summaryFacts + summaryFacts · |phrase|) for d edges incident to `id`
 * @example
 * ```ts
 * Consolidate.summary(g, "kim", Params.defaults)
 * // { id: "kim", label: "Kim", text: "Kim lives in Paris. Kim works at Acme. Kim likes jazz.", facts: [...], factCount: 3 }
 * ```
 * @since 0.3.0
 */
export const summary = (g: LiquidGraph.LiquidGraph, id: string, params: Params): Summary | null => {
  const n = LiquidGraph.node(g, id)
  if (n === undefined || n.kind === "episode" || params.summaryFacts <= 0) return null
  const acc: Salient = { top: [], count: 0 }
  for (const e of LiquidGraph.outEdges(g, id)) consider(acc, HashMap.getUnsafe(g.edges, e), params.summaryFacts)
  // a self-loop is both an out- and an in-edge: counted once
  for (const e of LiquidGraph.inEdges(g, id)) {
    const f = HashMap.getUnsafe(g.edges, e)
    if (f.subject !== id) consider(acc, f, params.summaryFacts)
  }
  if (acc.count < params.summaryMinFacts) return null
  return render(id, n.label, acc, (x) => LiquidGraph.node(g, x)?.label ?? x)
}

/**
 * The {@link summary} of every semantic node that has one, by id, in one pass over the edges
 * (what `consolidate` writes).
 *
 * Laws: `summaries(g, p).get(v) == summary(g, v, p) ?? undefined` for every node `v`.
 * @complexity O(n + m · summaryFacts + s · summaryFacts · |phrase|) for s salient nodes
 * @example
 * ```ts
 * Consolidate.summaries(g, Params.defaults).get("kim")?.text // "Kim lives in Paris. …"
 * ```
 * @since 0.3.0
 */
export const summaries = (g: LiquidGraph.LiquidGraph, params: Params): Map<string, Summary> => {
  const out = new Map<string, Summary>()
  if (params.summaryFacts <= 0) return out
  const acc = new Map<string, Salient>()
  const add = (id: string, e: Fact): void => {
    let a = acc.get(id)
    if (a === undefined) acc.set(id, (a = { top: [], count: 0 }))
    consider(a, e, params.summaryFacts)
  }
  for (const e of HashMap.values(g.edges)) {
    if (e.kind !== "fact" || !FactM.isCurrent(e)) continue
    add(e.subject, e)
    if (e.object !== e.subject) add(e.object, e)
  }
  const labels = new Map<string, string>()
  for (const n of HashMap.values(g.nodes)) labels.set(n.id, n.label)
  const label = (x: string): string => labels.get(x) ?? x
  for (const id of Array.from(acc.keys()).sort(cmp)) {
    const a = acc.get(id)!
    const n = LiquidGraph.node(g, id)
    if (a.count < params.summaryMinFacts || n === undefined || n.kind === "episode") continue
    out.set(id, render(id, n.label, a, label))
  }
  return out
}

/** A node's current facts while they are counted: the heaviest `summaryFacts` so far, and how many. */
interface Salient {
  readonly top: Array<Fact>
  count: number
}

/** Counts `e` if it is a current fact, and keeps it among the `k` heaviest (insertion into a sorted array). */
const consider = (acc: Salient, e: Fact, k: number): void => {
  if (e.kind !== "fact" || !FactM.isCurrent(e)) return
  acc.count++
  const top = acc.top
  if (top.length === k && salience(e, top[k - 1]!) >= 0) return
  let i = top.length < k ? top.length : k - 1
  for (; i > 0 && salience(e, top[i - 1]!) < 0; i--) top[i] = top[i - 1]!
  top[i] = e
}

const render = (id: string, label: string, acc: Salient, labelOf: (id: string) => string): Summary => ({
  id,
  label,
  text: acc.top.map((e) => sentenceOf(e, labelOf(e.subject), labelOf(e.object)) + ".").join(" "),
  facts: acc.top.map((e) => e.id),
  factCount: acc.count
})

/**
 * `Relation.sentence` of a fact with the given labels. `Relation.sentence` only places the subject
 * and the object (it never reads them), so the sentence of (relation, phrase, polarity) is
 * rendered once with two markers and memoised as a template; a template whose markers do not
 * each occur once (a phrase holding a marker character) is not used.
 */
const sentenceOf = (e: Fact, subject: string, object: string): string => {
  const key = e.relation + "\u0000" + (e.phrase ?? "") + "\u0000" + (e.negated ? "1" : "0")
  let t = templates.get(key)
  if (t === undefined) {
    const raw = Relation.sentence({ subject: "\u0001", relation: e.relation, object: "\u0002", phrase: e.phrase, negated: e.negated })
    const s = raw.indexOf("\u0001")
    const o = raw.indexOf("\u0002")
    const once = s >= 0 && o > s && raw.lastIndexOf("\u0001") === s && raw.lastIndexOf("\u0002") === o
    t = once ? [raw.slice(0, s), raw.slice(s + 1, o), raw.slice(o + 1)] : null
    if (templates.size >= TEMPLATES) templates.clear()
    templates.set(key, t)
  }
  return t === null
    ? Relation.sentence({ subject, relation: e.relation, object, phrase: e.phrase, negated: e.negated })
    : t[0] + subject + t[1] + object + t[2]
}

/** Sentence templates by relation, phrase and polarity (a few hundred in a memory). */
const TEMPLATES = 4096
const templates = new Map<string, readonly [string, string, string] | null>()

/** Node ids sorted, and the undirected simple adjacency (by index) of the current edges. */
const currentAdjacency = (g: LiquidGraph.LiquidGraph): { ids: Array<string>; adj: Array<Array<number>> } => {
  const ids = Array.from(HashMap.keys(g.nodes)).sort(cmp)
  const index = new Map<string, number>()
  ids.forEach((id, i) => index.set(id, i))
  const sets: Array<Set<number>> = ids.map(() => new Set())
  for (const e of HashMap.values(g.edges)) {
    if (!FactM.isCurrent(e) || e.subject === e.object) continue
    const s = index.get(e.subject)!
    const o = index.get(e.object)!
    sets[s]!.add(o)
    sets[o]!.add(s)
  }
  return { ids, adj: sets.map((s) => Array.from(s)) }
}

/**
 * The core number of every node: the largest k such that the node belongs to the k-core (the
 * maximal subgraph whose nodes all have degree ≥ k) of the undirected simple graph of current
 * edges (directions, parallel edges, self-loops and historical facts ignored).
 *
 * Laws: agrees with naive peeling; `core(v) ≤ degree(v)`; the nodes with `core ≥ k` induce a
 * subgraph of minimum degree ≥ k.
 * @complexity O(n log n + m) (Batagelj–Zaversnik bucket peeling is O(n + m); ids are sorted once)
 * @example
 * ```ts
 * Consolidate.coreNumbers(triangle).get("a") // 2
 * ```
 */
export const coreNumbers = (g: LiquidGraph.LiquidGraph): Map<string, number> => {
  const { ids, adj } = currentAdjacency(g)
  const n = ids.length
  const deg = new Int32Array(n)
  let maxDeg = 0
  for (let v = 0; v < n; v++) {
    deg[v] = adj[v]!.length
    if (deg[v]! > maxDeg) maxDeg = deg[v]!
  }
  const bin = new Int32Array(maxDeg + 1)
  for (let v = 0; v < n; v++) bin[deg[v]!]!++
  let start = 0
  for (let d = 0; d <= maxDeg; d++) {
    const c = bin[d]!
    bin[d] = start
    start += c
  }
  const pos = new Int32Array(n)
  const vert = new Int32Array(n)
  for (let v = 0; v < n; v++) {
    pos[v] = bin[deg[v]!]!
    vert[pos[v]!] = v
    bin[deg[v]!]!++
  }
  for (let d = maxDeg; d > 0; d--) bin[d] = bin[d - 1]!
  bin[0] = 0
  for (let i = 0; i < n; i++) {
    const v = vert[i]!
    for (const u of adj[v]!) {
      if (deg[u]! > deg[v]!) {
        const du = deg[u]!
        const pu = pos[u]!
        const pw = bin[du]!
        const w = vert[pw]!
        if (u !== w) {
          pos[u] = pw
          vert[pu] = w
          pos[w] = pu
          vert[pw] = u
        }
        bin[du]!++
        deg[u] = du - 1
      }
    }
  }
  const out = new Map<string, number>()
  for (let v = 0; v < n; v++) out.set(ids[v]!, deg[v]!)
  return out
}

const find = (parent: Int32Array, x: number): number => {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!
    x = parent[x]!
  }
  return x
}

const union = (parent: Int32Array, a: number, b: number): void => {
  const ra = find(parent, a)
  const rb = find(parent, b)
  // the smaller index becomes the root: components are then named by their smallest member
  if (ra < rb) parent[rb] = ra
  else if (rb < ra) parent[ra] = rb
}

/**
 * The thematic cluster of every node: connected components over current edges with
 * `weight ≥ clusterWeight`, numbered 0, 1, … in order of their smallest node id; `null` for a
 * node alone in its component.
 *
 * Laws: two nodes joined by a current edge of weight ≥ clusterWeight share a cluster; numbering is
 * independent of construction order.
 * @complexity O(n log n + m α(n))
 * @example
 * ```ts
 * Consolidate.clusters(g, Params.defaults).get("alice") // 0
 * ```
 */
export const clusters = (g: LiquidGraph.LiquidGraph, params: Params): Map<string, number | null> => {
  const ids = Array.from(HashMap.keys(g.nodes)).sort(cmp)
  const index = new Map<string, number>()
  ids.forEach((id, i) => index.set(id, i))
  const parent = new Int32Array(ids.length)
  for (let i = 0; i < ids.length; i++) parent[i] = i
  const size = new Int32Array(ids.length)
  for (const e of HashMap.values(g.edges)) {
    if (!FactM.isCurrent(e) || e.subject === e.object || !(e.weight >= params.clusterWeight)) continue
    union(parent, index.get(e.subject)!, index.get(e.object)!)
  }
  for (let i = 0; i < ids.length; i++) size[find(parent, i)]!++
  const number = new Map<number, number>()
  const out = new Map<string, number | null>()
  for (let i = 0; i < ids.length; i++) {
    const root = find(parent, i)
    if (size[root]! < 2) {
      out.set(ids[i]!, null)
      continue
    }
    // roots are smallest members and ids are sorted, so roots appear in cluster order
    if (!number.has(root)) number.set(root, number.size)
    out.set(ids[i]!, number.get(root)!)
  }
  return out
}

/**
 * Groups of near-duplicate nodes: connected components of "same kind (entity or concept), both
 * with embeddings, cosine ≥ mergeSimilarity". Each group is sorted survivor first (highest
 * importance, ties smallest id), then by id; groups are sorted by survivor id.
 *
 * Exact: candidates are swept in order of their projection on the principal direction of the
 * (normalised) vectors, and a pair is compared only while the projections differ by at most
 * `√(2(1 − mergeSimilarity))` — the most two unit vectors that similar can differ along any
 * direction — so no similar pair is skipped.
 *
 * Laws: no two nodes in different groups (or outside every group) are near-duplicates.
 * @complexity O(n log n + n · dim + p · dim) for p compared pairs (O(n² · dim) worst case)
 * @example
 * ```ts
 * Consolidate.duplicateGroups(g, Params.defaults) // [["paris", "paris france"]]
 * ```
 */
export const duplicateGroups = (g: LiquidGraph.LiquidGraph, params: Params): Array<Array<string>> => {
  const byKind = new Map<string, Array<MemoryNode>>()
  for (const n of HashMap.values(g.nodes)) {
    if (n.kind === "episode" || !VectorStore.has(g.vectors, n.id)) continue
    const list = byKind.get(n.kind) ?? []
    list.push(n)
    byKind.set(n.kind, list)
  }
  const groups: Array<Array<string>> = []
  for (const kind of Array.from(byKind.keys()).sort(cmp)) {
    const nodes = byKind.get(kind)!.sort((a, b) => cmp(a.id, b.id))
    const vecs = nodes.map((n) => VectorStore.get(g.vectors, n.id)!)
    const parent = new Int32Array(nodes.length)
    for (let i = 0; i < nodes.length; i++) parent[i] = i
    for (const [i, j] of similarPairs(vecs, params.mergeSimilarity)) union(parent, i, j)
    const members = new Map<number, Array<MemoryNode>>()
    for (let i = 0; i < nodes.length; i++) {
      const r = find(parent, i)
      const list = members.get(r) ?? []
      list.push(nodes[i]!)
      members.set(r, list)
    }
    for (const list of members.values()) {
      if (list.length < 2) continue
      const survivor = list.reduce((best, n) =>
        n.importance > best.importance || (n.importance === best.importance && n.id < best.id) ? n : best
      )
      groups.push([survivor.id, ...list.filter((n) => n !== survivor).map((n) => n.id).sort(cmp)])
    }
  }
  return groups.sort((a, b) => cmp(a[0]!, b[0]!))
}

/** Pairs (i < j) of vectors with cosine ≥ `threshold` (see {@link duplicateGroups}). */
const similarPairs = (vecs: ReadonlyArray<Float32Array>, threshold: number): Array<readonly [number, number]> => {
  const n = vecs.length
  if (n < 2) return []
  const dim = vecs[0]!.length
  // unit vectors in double precision
  const unit = vecs.map((v) => {
    let s = 0
    for (let k = 0; k < dim; k++) s += v[k]! * v[k]!
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0
    return Float64Array.from(v, (x) => x * inv)
  })
  const mean = new Float64Array(dim)
  for (const u of unit) for (let k = 0; k < dim; k++) mean[k]! += u[k]! / n
  // principal direction of the centred vectors: a few deterministic power iterations
  let dir = new Float64Array(dim).fill(1 / Math.sqrt(dim))
  for (let it = 0; it < 8; it++) {
    const next = new Float64Array(dim)
    for (const u of unit) {
      let p = 0
      for (let k = 0; k < dim; k++) p += (u[k]! - mean[k]!) * dir[k]!
      for (let k = 0; k < dim; k++) next[k]! += p * (u[k]! - mean[k]!)
    }
    let norm = 0
    for (let k = 0; k < dim; k++) norm += next[k]! * next[k]!
    if (!(norm > 0)) break
    norm = Math.sqrt(norm)
    for (let k = 0; k < dim; k++) next[k] = next[k]! / norm
    dir = next
  }
  const proj = unit.map((u) => {
    let p = 0
    for (let k = 0; k < dim; k++) p += u[k]! * dir[k]!
    return p
  })
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => proj[a]! - proj[b]! || a - b)
  // |dir · (a − b)| ≤ ‖a − b‖ = √(2 − 2 cos) for unit a, b. The slack covers rounding: a cosine
  // computed as ≥ threshold may be below it by ~1e-16, which is ~1e-8 in ‖a − b‖ near cos = 1.
  const window = Math.sqrt(2 * (1 - threshold)) + 1e-6
  const pairs: Array<readonly [number, number]> = []
  for (let x = 0; x < n; x++) {
    const i = order[x]!
    for (let y = x + 1; y < n; y++) {
      const j = order[y]!
      if (proj[j]! - proj[i]! > window) break
      if (Similarity.cosine(vecs[i]!, vecs[j]!) >= threshold) pairs.push(i < j ? [i, j] : [j, i])
    }
  }
  return pairs
}

// ── transitions ───────────────────────────────────────────────────────────────

/** Identity of an edge moved to new endpoints: its base id and ordered endpoints. */
const rekey = (e: Fact, subject: string, object: string): { id: string; subject: string; object: string } => {
  switch (e.kind) {
    case "fact":
      return { id: FactM.factId(subject, e.relation, object, e.negated), subject, object }
    case "mention":
      return { id: FactM.mentionId(subject, object), subject, object }
    case "association":
      return subject < object
        ? { id: FactM.associationId(subject, object), subject, object }
        : { id: FactM.associationId(subject, object), subject: object, object: subject }
  }
}

const minTime = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.min(a, b))
const maxTime = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.max(a, b))

/** Two edges with the same identity, combined (see the module doc). */
const combine = (into: Fact, from: Fact): Fact => {
  const validUntil = maxTime(into.validUntil, from.validUntil)
  const provenance = [...into.provenance]
  for (const p of from.provenance) if (!provenance.includes(p)) provenance.push(p)
  return {
    ...into,
    weight: Math.max(into.weight, from.weight),
    confidence: Math.max(into.confidence, from.confidence),
    useCount: into.useCount + from.useCount,
    provenance,
    solidified: into.solidified || from.solidified,
    lastReinforced: Math.max(into.lastReinforced, from.lastReinforced),
    learnedAt: Math.min(into.learnedAt, from.learnedAt),
    validFrom: minTime(into.validFrom, from.validFrom),
    validUntil,
    supersededBy: validUntil === null ? null : (into.supersededBy ?? from.supersededBy)
  }
}

/** Step 1: merges every duplicate group; returns the rename map of moved edges (old id → new id). */
const mergeDuplicates = (
  g: LiquidGraph.LiquidGraph,
  d: LiquidGraph.Draft,
  groups: ReadonlyArray<ReadonlyArray<string>>,
  changes: Collector,
  updated: Set<string>
): void => {
  const into = new Map<string, string>()
  for (const [survivor, ...rest] of groups) for (const id of rest) into.set(id, survivor!)
  const affected = new Map<string, Fact>()
  for (const id of into.keys()) for (const e of LiquidGraph.incident(g, id)) affected.set(e.id, e)
  const moving = Array.from(affected.values()).sort((a, b) => cmp(a.id, b.id))
  for (const e of moving) d.removeEdge(e.id)
  const renamed = new Map<string, string>()
  const added: Array<string> = []
  const strengthened = new Set<string>()
  for (const e of moving) {
    changes.edgesRemoved.push(e.id)
    const s = into.get(e.subject) ?? e.subject
    const o = into.get(e.object) ?? e.object
    if (s === o) continue // the merge made it a self-loop
    const key = rekey(e, s, o)
    const moved: Fact = { ...e, ...key }
    const current = FactM.isCurrent(moved)
    let target: string | undefined
    if (e.kind === "fact") {
      for (let v = 1; ; v++) {
        const id = v === 1 ? key.id : key.id + "#" + v
        const x = d.edge(id)
        if (x === undefined) break
        if (current && FactM.isCurrent(x)) {
          target = id
          break
        }
      }
    } else if (d.hasEdge(key.id)) target = key.id
    if (target !== undefined) {
      d.putEdge(combine(d.edge(target)!, moved))
      renamed.set(e.id, target)
      if (!added.includes(target)) strengthened.add(target)
      continue
    }
    let id = key.id
    for (let v = 2; d.hasEdge(id); v++) id = key.id + "#" + v
    d.putEdge({ ...moved, id })
    renamed.set(e.id, id)
    added.push(id)
  }
  // supersededBy follows re-keyed winners
  for (const e of LiquidGraph.edges(g)) {
    if (e.supersededBy === null || !renamed.has(e.supersededBy)) continue
    const id = renamed.get(e.id) ?? e.id
    const cur = d.edge(id)
    if (cur !== undefined && cur.supersededBy === e.supersededBy) d.putEdge({ ...cur, supersededBy: renamed.get(e.supersededBy)! })
  }
  for (const [survivor, ...rest] of groups) {
    let n = d.node(survivor!)!
    for (const id of rest) {
      const m = d.node(id)!
      n = {
        ...n,
        accessCount: n.accessCount + m.accessCount,
        recency: Math.max(n.recency, m.recency),
        createdAt: Math.min(n.createdAt, m.createdAt),
        confidence: Math.max(n.confidence, m.confidence),
        tier: n.tier === "long-term" || m.tier === "long-term" ? "long-term" : "working"
      }
      d.removeNode(id)
      d.putAlias(id, survivor!)
      changes.nodesRemoved.push(id)
      changes.merged.push([id, survivor!])
    }
    d.putNode(n)
    updated.add(survivor!)
  }
  for (const [from, to] of g.aliases) {
    const r = d.resolve(to)
    if (r !== to) d.putAlias(from, r)
  }
  changes.edgesAdded.push(...added)
  changes.edgesStrengthened.push(...Array.from(strengthened).sort(cmp))
}

/** Key of an unordered pair of node ids (ids never contain `|`). */
const pairKey = (a: string, b: string): string => (a < b ? a + "|" + b : b + "|" + a)

/** Step 2: writes the facts of repeated co-mentions into `d`; returns their ids in pair order. */
const createCoMentionFacts = (g: LiquidGraph.LiquidGraph, d: LiquidGraph.Draft, params: Params, now: number): Array<string> => {
  const pairs = coMentions(g, params)
  if (pairs.length === 0) return []
  const relation = CO_MENTIONED.relation
  // the pairs already linked by a current fact (only edges between two nodes of some pair are keyed)
  const ends = new Set<string>()
  for (const c of pairs) ends.add(c.subject).add(c.object)
  const linked = new Set<string>()
  for (const e of HashMap.values(g.edges)) {
    if (e.kind === "fact" && ends.has(e.subject) && ends.has(e.object) && FactM.isCurrent(e)) linked.add(pairKey(e.subject, e.object))
  }
  // current facts of the relation by endpoint, for the contradiction check (single-valued only)
  const side = Reconcile.singleSide(relation, params, g.learned)
  const rivals = new Map<string, Array<Fact>>()
  const addRival = (e: Fact): void => {
    for (const end of [e.subject, e.object]) {
      const list = rivals.get(end)
      if (list === undefined) rivals.set(end, [e])
      else list.push(e)
    }
  }
  if (side !== null) {
    for (const e of HashMap.values(g.edges)) if (e.kind === "fact" && e.relation === relation && FactM.isCurrent(e)) addRival(e)
  }
  const created: Array<string> = []
  for (const { subject, object, episodes } of pairs) {
    if (linked.has(pairKey(subject, object))) continue
    const id = FactM.factId(subject, relation, object, false)
    if (d.hasEdge(id)) continue // a historical version: memory ended it, and history is never re-opened
    let validFrom: number | null = null
    for (const ep of episodes) {
      const t = d.node(ep)!.time
      if (t !== null && (validFrom === null || t < validFrom)) validFrom = t
    }
    const f: Fact = {
      id, kind: "fact", subject, relation, object, negated: false, weight: params.coMentionWeight,
      confidence: 1 - 1 / (1 + episodes.length), validFrom, validUntil: null, learnedAt: now, provenance: episodes,
      useCount: params.solidifyUses, lastReinforced: now, solidified: false, supersededBy: null, phrase: CO_MENTIONED.phrase
    }
    if (side !== null) {
      const near = [...(rivals.get(subject) ?? []), ...(rivals.get(object) ?? [])]
      if (near.some((x) => Reconcile.conflict(f, x, params, g.learned) !== null)) continue
      addRival(f)
    }
    d.putEdge(f)
    created.push(id)
  }
  return created
}

/**
 * Consolidates `graph` (see the module doc for the six steps).
 *
 * Laws:
 * - `consolidate(consolidate(g)) == consolidate(g)` (idempotent);
 * - valid facts are preserved modulo merged ids: every current edge of `g`, with its endpoints
 *   resolved through the result's aliases, is a current edge of the result (same kind, relation
 *   and polarity), unless the merge made it a self-loop;
 * - no two nodes of the same kind left in the result have embeddings with cosine ≥
 *   mergeSimilarity;
 * - weights never change except by combining duplicates (max); no fact is ended or superseded;
 * - every created fact (`changes.factsCreated`) is a current, positive `mention_with` fact whose
 *   provenance lists ≥ `episodicToSemantic` episodes, each mentioning both ends, and whose ends
 *   no current fact of `g` linked; creation never supersedes and never touches a historical edge;
 * - every semantic node's `text` is its `summary(result, id, params)?.text ?? null`, which lists
 *   only current facts of the node; episodes' texts are never changed.
 *
 * @complexity O((n + m) log (n + m)) plus the duplicate sweep (see {@link duplicateGroups}), the
 * co-mention pairs (see {@link coMentions}) and the summaries (see {@link summaries}). Measured on
 * this 2-core machine under load, at 10^5 facts, 4·10^4 nodes and 2·10^4 episodes mentioning ~4
 * nodes each (bench/generate.ts, no vectors): `coMentions` ~0.2 s, `summaries` (~1.9·10^4
 * salient nodes) ~0.3–0.5 s, k-core ~0.2–0.3 s, clusters ~0.1 s; writing the summaries the first
 * time also moves their postings
 * @example
 * ```ts
 * const { graph, changes, central } = Consolidate.consolidate(g, {}, Params.defaults, now)
 * changes.merged       // [["paris france", "paris"]]
 * changes.factsCreated // ["f|caroline|mention_with|pottery"]
 * ```
 */
export const consolidate: {
  (input: ConsolidateInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => ConsolidateResult
  (graph: LiquidGraph.LiquidGraph, input: ConsolidateInput, params: Params, now: number): ConsolidateResult
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: ConsolidateInput, params: Params, now: number): ConsolidateResult => {
  if (typeof input !== "object" || input === null) {
    throw new InvalidInput({ transition: "consolidate", message: "input must be an object" })
  }
  if (!Number.isFinite(now)) throw new InvalidInput({ transition: "consolidate", message: `now must be finite, got ${now}` })
  const changes = new Collector()
  const updated = new Set<string>()
  let g = graph
  let dirty = false
  // 1. merge near-duplicates
  const groups = duplicateGroups(g, params)
  if (groups.length > 0) {
    const d = LiquidGraph.draft(g)
    mergeDuplicates(g, d, groups, changes, updated)
    g = d.finish()
    dirty = true
  }
  // 2. co-mention → fact
  const d = LiquidGraph.draft(g)
  const created = createCoMentionFacts(g, d, params, now)
  // 3. episodic → semantic (facts created by step 2 already hold its result)
  const strengthened: Array<string> = []
  for (const e of LiquidGraph.edges(g)) {
    if (e.kind !== "fact" || !FactM.isCurrent(e)) continue
    const n = new Set(e.provenance).size
    if (n < params.episodicToSemantic) continue
    const confidence = Math.max(e.confidence, 1 - 1 / (1 + n))
    const useCount = Math.max(e.useCount, params.solidifyUses)
    if (confidence !== e.confidence || useCount !== e.useCount) {
      d.putEdge({ ...e, confidence, useCount })
      strengthened.push(e.id)
    }
  }
  for (const id of strengthened.sort(cmp)) if (!changes.edgesStrengthened.includes(id)) changes.edgesStrengthened.push(id)
  changes.edgesAdded.push(...created)
  changes.factsCreated.push(...created)
  if (created.length > 0 || strengthened.length > 0) {
    g = d.finish()
    dirty = true
  }
  // 4. k-core: central nodes are kept in long-term memory
  const cores = coreNumbers(g)
  const central = Array.from(cores).filter(([, k]) => k >= params.coreK).map(([id]) => id).sort(cmp)
  // 5. thematic clusters, 6. summaries
  const cluster = clusters(g, params)
  const promoted = new Set<string>()
  const texts = summaries(g, params)
  const d2 = LiquidGraph.draft(g)
  for (const id of central) if (d2.node(id)!.tier === "working") promoted.add(id)
  for (const [id, c] of cluster) {
    const n = d2.node(id)!
    const tier = promoted.has(id) ? "long-term" : n.tier
    const text = n.kind === "episode" ? n.text : (texts.get(id)?.text ?? null)
    if (n.cluster !== c || tier !== n.tier || text !== n.text) {
      d2.putNode({ ...n, cluster: c, tier, text })
      if (n.cluster !== c || text !== n.text) updated.add(id)
      if (text !== n.text) changes.summariesWritten.push(id)
    }
  }
  changes.promoted.push(...promoted)
  changes.nodesUpdated.push(...Array.from(updated).sort(cmp))
  if (updated.size > 0 || promoted.size > 0) {
    g = d2.finish()
    dirty = true
  }
  return { graph: dirty ? g : graph, changes: changes.done(), central }
})
