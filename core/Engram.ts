/**
 * Engram — writing new information into the liquid graph (MISSION feature 4).
 *
 * One engram is a batch: an optional episode (what happened), optional entity labels with
 * embeddings, and subject–relation–object facts. The transition
 * 1. **matches or creates** every label: by normalised key first (a lookup, through the aliases
 *    of merged nodes), then by embedding (the most similar semantic node, found exactly through the vector store's index, `Similarity.nearest`; accepted at
 *    `matchSimilarity`, recorded as an alias so the next time is a lookup), else it creates a node
 *    (**neurogenesis**) whose surprise is 1 − its best similarity to what was known;
 * 2. gives each new node with an embedding its **first connections**: a GAT-like softmax over
 *    its similarities to the `gatNeighbors` most similar semantic nodes, as association weights;
 * 3. **adds or reinforces** every fact, in canonical form: its relation phrase goes through
 *    `Relation.normalize` (synonyms → one canonical relation, inverse phrases swap subject and
 *    object, negators and change cues read off the phrase, the surface phrase kept as the edge's
 *    `phrase`); a fact told with a change cue teaches memory that its relation is single-valued
 *    (`LiquidGraph.learned`, reported in `changes.relationsLearned`) unless `Relation.isLearnable`
 *    says it never is. An existing, not superseded version with the same
 *    validity end is reinforced (weight moves `engramRate` towards 1, provenance grows); a triple
 *    whose versions were all ended or superseded gets a new version `id#n`; a fact stated with an
 *    end ("was true until t") closes the current open version of its triple that it overlaps;
 *    otherwise a new edge;
 * 4. writes the **episode** node and its `mention` edges to every semantic node of the batch;
 * 5. strengthens the associations of every pair of co-occurring semantic nodes (**Hebbian**);
 * 6. links the episode to the one it `follows` (told just before it in the same conversation),
 *    when that episode is an active node: an `association` edge with relation `Fact.FOLLOWS`
 *    from the later to the earlier episode, id `Fact.sequenceId`, created at `sequenceWeight`
 *    (re-engramming the pair moves it `engramRate` towards 1, like a mention). Recall's walk
 *    follows it, so a turn found by the query brings its neighbours in the conversation.
 *
 * Engram never supersedes a fact, and ends one only when told it ended: contradictions are
 * `reconcile`'s business.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { dual } from "effect/Function"
import { type Changes, none as noChanges } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import * as Fact from "./Fact.ts"
import * as Key from "./Key.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Node from "./Node.ts"
import type { Params } from "./Params.ts"
import * as Relation from "./Relation.ts"
import * as Similarity from "./Similarity.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

const Unit = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
const Embedding = Schema.Array(Schema.Finite)

/**
 * The episodic part of an engram: an observation or dialogue turn with its world time.
 * @since 0.1.0
 */
export const EngramEpisode = Schema.Struct({
  id: Schema.NonEmptyString,
  text: Schema.String,
  time: Schema.NullOr(Schema.Finite),
  embedding: Schema.optionalKey(Embedding),
  /**
   * The id (as given, without `ep:`) of the episode told just before this one in the same
   * conversation or thread: engram links the two by a sequence edge (see `Fact.sequenceId`).
   */
  follows: Schema.optionalKey(Schema.NonEmptyString)
})
export type EngramEpisode = typeof EngramEpisode.Type

/**
 * A label the batch mentions, with its kind and (optionally) its embedding.
 * @since 0.1.0
 */
export const EngramEntity = Schema.Struct({
  label: Schema.NonEmptyString,
  kind: Schema.optionalKey(Schema.Literals(["entity", "concept"])),
  embedding: Schema.optionalKey(Embedding)
})
export type EngramEntity = typeof EngramEntity.Type

/**
 * A subject–relation–object triple to learn. `relation` is any phrase ("lives in", "moved to",
 * "husband", "lives_in"): engram maps it to its canonical relation (`Relation.normalize`, which
 * may swap subject and object, and reads negators and change cues off the phrase) and keeps the
 * phrase for display. `validFrom`/`validUntil` are world time (`null` or absent: unbounded);
 * `source` names where it came from (kept in provenance); `change` says the statement carried a
 * change cue ("now", "moved", "became", "no longer"): the relation is then learned single-valued.
 * @since 0.1.0
 */
export const EngramFact = Schema.Struct({
  subject: Schema.NonEmptyString,
  relation: Schema.NonEmptyString,
  object: Schema.NonEmptyString,
  negated: Schema.optionalKey(Schema.Boolean),
  confidence: Schema.optionalKey(Unit),
  validFrom: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
  validUntil: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
  source: Schema.optionalKey(Schema.String),
  change: Schema.optionalKey(Schema.Boolean)
})
export type EngramFact = typeof EngramFact.Type

/**
 * The input of {@link engram}: the JSON-friendly record an `Engrammed` event carries.
 * `tier` is the tier of the nodes the batch creates (default `"working"`).
 * @since 0.1.0
 */
export const EngramInput = Schema.Struct({
  episode: Schema.optionalKey(EngramEpisode),
  entities: Schema.optionalKey(Schema.Array(EngramEntity)),
  facts: Schema.Array(EngramFact),
  tier: Schema.optionalKey(Node.Tier)
})
export type EngramInput = typeof EngramInput.Type

/** Where the batch landed: the edge of every input fact, the node of every label. */
export interface EngramIds {
  /** `facts[i]` is the id of the edge input fact `i` was added to or reinforced. */
  readonly facts: ReadonlyArray<string>
  /** Raw label (as given) → id of the node it resolved to. */
  readonly nodes: ReadonlyMap<string, string>
  /** The episode node's id, or `null` when the batch had no episode. */
  readonly episode: string | null
}

/** The result of {@link engram}. */
export interface EngramResult {
  readonly graph: LiquidGraph.LiquidGraph
  readonly changes: Changes
  readonly ids: EngramIds
}

// ── validation ────────────────────────────────────────────────────────────────

interface LabelPlan {
  readonly key: string
  readonly label: string
  kind: "entity" | "concept" | undefined
  embedding: ReadonlyArray<number> | undefined
}

interface FactPlan {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly negated: boolean
  readonly confidence: number | undefined
  readonly validFrom: number | null
  readonly validUntil: number | null
  readonly source: string | undefined
  /** The surface phrase kept for display (`Relation.normalize`), or null. */
  readonly phrase: string | null
  readonly change: boolean
}

interface Plan {
  /** Distinct node keys, in order of first appearance (entities, then subject/object per fact). */
  readonly labels: Array<LabelPlan>
  /** Raw label → key. */
  readonly rawToKey: Map<string, string>
  readonly facts: Array<FactPlan>
}

const invalid = (message: string): never => {
  throw new InvalidInput({ transition: "engram", message })
}

const isFiniteNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x)

const optionalTime = (x: unknown, what: string): number | null => {
  if (x === undefined || x === null) return null
  if (!isFiniteNumber(x)) return invalid(`${what} must be a finite number or null, got ${String(x)}`)
  if (!Fact.isWorldTime(x)) return invalid(`${what} ${x} is more than 10,000 years from 1970`)
  return x
}

/** Checks every field and computes every key before anything is built. */
const plan = (vectorDim: number, input: EngramInput, now: number): Plan => {
  if (!isFiniteNumber(now)) invalid(`now must be finite, got ${String(now)}`)
  if (input === null || typeof input !== "object" || !Array.isArray(input.facts)) invalid("facts must be an array")
  if (input.tier !== undefined && input.tier !== "working" && input.tier !== "long-term") {
    invalid(`tier must be "working" or "long-term", got ${String(input.tier)}`)
  }
  let dim = vectorDim
  const checkEmbedding = (e: unknown, what: string): ReadonlyArray<number> | undefined => {
    if (e === undefined) return undefined
    if (!Array.isArray(e) || e.length === 0) return invalid(`${what}: embedding must be a non-empty array`)
    if (dim === 0) dim = e.length
    if (e.length !== dim) invalid(`${what}: embedding of length ${e.length}, the graph holds ${dim}`)
    for (const x of e) if (!isFiniteNumber(x)) invalid(`${what}: embedding has a non-finite entry ${String(x)}`)
    return e
  }
  const ep = input.episode
  if (ep !== undefined) {
    if (typeof ep.id !== "string" || ep.id.length === 0) invalid("episode id must be a non-empty string")
    if (typeof ep.text !== "string") invalid(`episode ${ep.id}: text must be a string`)
    if (ep.time !== null && !isFiniteNumber(ep.time)) invalid(`episode ${ep.id}: time must be finite or null`)
    if (ep.time !== null && !Fact.isWorldTime(ep.time)) invalid(`episode ${ep.id}: time ${ep.time} is more than 10,000 years from 1970`)
    checkEmbedding(ep.embedding, `episode ${ep.id}`)
    if (ep.follows !== undefined && (typeof ep.follows !== "string" || ep.follows.length === 0)) {
      invalid(`episode ${ep.id}: follows must be a non-empty string`)
    }
  }
  const labels: Array<LabelPlan> = []
  const byKey = new Map<string, LabelPlan>()
  const rawToKey = new Map<string, string>()
  const label = (raw: unknown, what: string): LabelPlan => {
    if (typeof raw !== "string") return invalid(`${what} must be a string`)
    let key = rawToKey.get(raw)
    if (key === undefined) {
      key = Key.node(raw)
      if (key.length === 0) invalid(`${what} ${JSON.stringify(raw)} has an empty key`)
      rawToKey.set(raw, key)
    }
    let p = byKey.get(key)
    if (p === undefined) {
      p = { key, label: raw, kind: undefined, embedding: undefined }
      byKey.set(key, p)
      labels.push(p)
    }
    return p
  }
  if (input.entities !== undefined && !Array.isArray(input.entities)) invalid("entities must be an array")
  for (const ent of input.entities ?? []) {
    const p = label(ent?.label, "entity label")
    if (ent.kind !== undefined && ent.kind !== "entity" && ent.kind !== "concept") {
      invalid(`entity ${ent.label}: kind must be "entity" or "concept"`)
    }
    const emb = checkEmbedding(ent.embedding, `entity ${ent.label}`)
    if (p.kind === undefined) p.kind = ent.kind
    if (p.embedding === undefined) p.embedding = emb
  }
  const facts: Array<FactPlan> = []
  for (const f of input.facts) {
    if (f === null || typeof f !== "object") invalid("fact must be an object")
    if (typeof f.relation !== "string") invalid("fact relation must be a string")
    if (typeof f.subject !== "string") invalid("fact subject must be a string")
    if (typeof f.object !== "string") invalid("fact object must be a string")
    const n = Relation.normalize(f)
    const relation = n.relation
    if (relation.length === 0 || Key.relation(relation) !== relation) {
      invalid(`fact relation ${JSON.stringify(f.relation)} has an empty key`)
    }
    const s = label(n.subject, "fact subject").key
    const o = label(n.object, "fact object").key
    if (f.negated !== undefined && typeof f.negated !== "boolean") invalid("fact negated must be a boolean")
    if (f.change !== undefined && typeof f.change !== "boolean") invalid("fact change must be a boolean")
    if (f.confidence !== undefined && (!isFiniteNumber(f.confidence) || f.confidence < 0 || f.confidence > 1)) {
      invalid(`fact confidence must be in [0, 1], got ${String(f.confidence)}`)
    }
    const validFrom = optionalTime(f.validFrom, "fact validFrom")
    const validUntil = optionalTime(f.validUntil, "fact validUntil")
    if (validFrom !== null && validUntil !== null && validUntil < validFrom) {
      invalid(`fact validUntil ${validUntil} precedes validFrom ${validFrom}`)
    }
    if (f.source !== undefined && typeof f.source !== "string") invalid("fact source must be a string")
    facts.push({
      subject: s,
      relation,
      object: o,
      negated: f.negated === true || n.negated,
      confidence: f.confidence,
      validFrom,
      validUntil,
      source: f.source === undefined || f.source.length === 0 ? undefined : f.source,
      phrase: n.phrase,
      change: f.change === true || n.change
    })
  }
  return { labels, rawToKey, facts }
}

// ── the transition ────────────────────────────────────────────────────────────

/** Semantic node ids are keys, which never contain `:`; episode ids start with `ep:`. */
const isSemanticId = (id: string): boolean => !id.startsWith("ep:")

/** An edge without its told phrase. */
const withoutPhrase = (e: Fact.Fact): Fact.Fact => {
  if (e.phrase === undefined) return e
  const { phrase: _dropped, ...rest } = e
  return rest
}

const clamp01 = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x)

/** `w` moved the fraction `rate` towards 1 (exactly 1 stays 1, never above). */
const towardsOne = (w: number, rate: number): number => clamp01(w + rate * (1 - w))

/** Change lists without duplicates, and no "strengthened" for an edge added by the same batch. */
class Tracker {
  readonly nodesAdded = new Set<string>()
  readonly nodesUpdated = new Set<string>()
  readonly edgesAdded = new Set<string>()
  readonly edgesStrengthened = new Set<string>()
  readonly nodesReactivated: Array<string> = []
  readonly edgesReactivated: Array<string> = []
  nodeAdded(id: string): void {
    this.nodesAdded.add(id)
  }
  nodeUpdated(id: string): void {
    if (!this.nodesAdded.has(id)) this.nodesUpdated.add(id)
  }
  edgeAdded(id: string): void {
    this.edgesAdded.add(id)
  }
  edgeStrengthened(id: string): void {
    if (!this.edgesAdded.has(id)) this.edgesStrengthened.add(id)
  }
  done(): Changes {
    return {
      nodesAdded: [...this.nodesAdded], nodesUpdated: [...this.nodesUpdated], nodesRemoved: [],
      edgesAdded: [...this.edgesAdded], edgesStrengthened: [...this.edgesStrengthened], edgesWeakened: [],
      edgesRemoved: [], edgesSolidified: [], superseded: [], merged: [], promoted: [], demoted: [],
      relationsLearned: [], factsCreated: [], summariesWritten: [],
      nodesArchived: [], edgesArchived: [], nodesReactivated: [...this.nodesReactivated],
      edgesReactivated: [...this.edgesReactivated], vectorsCompacted: [], nodesForgotten: [], edgesForgotten: [],
      edgesRedacted: [], episodesSkipped: []
    }
  }
}

/** Appends the entries of `extra` that `base` lacks (insertion order; `base` itself when none). */
const withProvenance = (base: ReadonlyArray<string>, extra: ReadonlyArray<string>): ReadonlyArray<string> => {
  let out: Array<string> | undefined
  for (const p of extra) {
    if (base.includes(p) || (out !== undefined && out.includes(p))) continue
    if (out === undefined) out = base.slice()
    out.push(p)
  }
  return out ?? base
}

/**
 * The version number of a fact id relative to its triple's first id: 1 for the first, `n` for
 * `first#n`, and after every numbered version for an id of another shape.
 */
const versionOf = (id: string, base: string): number => {
  if (id === base) return 1
  const n = id.startsWith(base + "#") ? Number(id.slice(base.length + 1)) : NaN
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER
}

/**
 * Calls `f` on at most `max` pairs of distinct ids, in diagonal order over the sorted ids: first
 * every pair of neighbours `(s[i], s[i+1])`, then `(s[i], s[i+2])`, and so on. Deterministic,
 * and a bound that cuts a large batch short still spreads the pairs over all of its nodes
 * (row order would wire the smallest id to everything and grow hubs batch after batch).
 *
 * **Laws**: calls `f(a, b)` with `a < b`, at most `min(max, n(n−1)/2)` times, never twice for a
 * pair; independent of the order of `ids`.
 * @complexity O(min(max, n²) + n log n)
 * @example
 * ```ts
 * hebbianPairs(["c", "a", "b"], 2, f) // f("a", "b"), f("b", "c")
 * ```
 */
export const hebbianPairs = (ids: ReadonlyArray<string>, max: number, f: (a: string, b: string) => void): void => {
  if (max <= 0 || ids.length < 2) return
  const sorted = ids.slice().sort()
  let pairs = 0
  for (let gap = 1; gap < sorted.length; gap++) {
    for (let i = 0; i + gap < sorted.length; i++) {
      if (pairs++ >= max) return
      f(sorted[i]!, sorted[i + gap]!)
    }
  }
}

/** What {@link engramInto} returns: what changed and where the batch landed (the graph is the draft's). */
export interface EngramStep {
  readonly changes: Changes
  readonly ids: EngramIds
}

/**
 * {@link engram} into an open draft: writes the batch's changes into `d` (which the caller
 * finishes, possibly after more transitions) instead of building a graph. This is what
 * `Replay` folds a chunk of events through: `engram(g, x, p, t)` is exactly
 * `{ ...engramInto(d, x, p, t), graph: d.finish() }` for `d = LiquidGraph.draft(g)`.
 *
 * Laws: the same as {@link engram}'s; on invalid input it throws `InvalidInput` before writing
 * anything into `d` (every check runs first), so the draft still holds exactly what it held.
 * @complexity that of {@link engram}, without the draft's finish
 */
export const engramInto = (d: LiquidGraph.Draft, input: EngramInput, params: Params, now: number): EngramStep => {
  const p = plan(d.vectors.dim, input, now)
  const episodeId = input.episode === undefined ? null : Node.episodeId(input.episode.id)
  if (episodeId !== null && d.isForgotten(episodeId)) {
    // a forgotten turn told again (a re-sync, a replayed import) is not learned again
    return { changes: { ...noChanges, episodesSkipped: [episodeId] }, ids: { facts: [], nodes: new Map(), episode: null } }
  }
  const t = new Tracker()
  /** An archived node or edge the batch names comes back into the active graph first. */
  const revive = (id: string): void => {
    if (d.reactivateNode(id, now)) t.nodesReactivated.push(id)
  }
  const reviveEdge = (id: string): void => {
    const a = d.archivedEdge(id)
    if (a !== undefined && d.hasNode(a.edge.subject) && d.hasNode(a.edge.object) && d.reactivateEdge(id)) t.edgesReactivated.push(id)
  }
  const tier = input.tier ?? "working"

  /** Strengthens (or creates at `w`) the association between two distinct nodes. */
  const associate = (a: string, b: string, w: number, provenance: ReadonlyArray<string>): void => {
    const id = Fact.associationId(a, b)
    const old = d.edge(id)
    if (old !== undefined) {
      d.putEdge({
        ...old,
        weight: towardsOne(old.weight, w),
        useCount: old.useCount + 1,
        lastReinforced: now,
        provenance: withProvenance(old.provenance, provenance)
      })
      t.edgeStrengthened(id)
      return
    }
    const [s, o] = a < b ? [a, b] : [b, a]
    d.putEdge({
      id, kind: "association", subject: s, relation: Fact.ASSOCIATED, object: o, negated: false,
      weight: clamp01(w), confidence: params.initialConfidence, validFrom: null, validUntil: null,
      learnedAt: now, provenance, useCount: 0, lastReinforced: now, solidified: false, supersededBy: null
    })
    t.edgeAdded(id)
  }

  const episodeProvenance: ReadonlyArray<string> = episodeId === null ? [] : [episodeId]

  /** GAT-like attention: softmax(sim / T) over the most similar semantic nodes. */
  const firstConnections = (id: string, hits: ReadonlyArray<Similarity.Hit>): void => {
    const neighbours = hits.filter((h) => h.score >= params.gatMinSimilarity).slice(0, params.gatNeighbors)
    if (neighbours.length === 0) return
    const top = neighbours[0]!.score
    const exps = neighbours.map((h) => Math.exp((h.score - top) / params.gatTemperature))
    let sum = 0
    for (const e of exps) sum += e
    neighbours.forEach((h, i) => associate(id, h.id, (exps[i]! / sum) * params.initialWeight, episodeProvenance))
  }

  // 1. labels: match by key, then by embedding, else create (neurogenesis) with first connections
  const keyToId = new Map<string, string>()
  const touched: Array<string> = []
  const touchedSet = new Set<string>()
  let created = 0
  const touchExisting = (n: Node.MemoryNode, embedding: ReadonlyArray<number> | undefined): void => {
    const id = n.id
    if (!touchedSet.has(id)) {
      d.putNode({ ...n, recency: now, accessCount: n.accessCount + 1 })
      t.nodeUpdated(id)
      touchedSet.add(id)
      touched.push(id)
    }
    // a known node that had no embedding yet gets the label's
    if (embedding !== undefined && !VectorStore.has(d.vectors, id)) d.setVector(id, embedding)
  }

  for (const l of p.labels) {
    const target = d.resolve(l.key)
    revive(target)
    const known = d.node(target)
    if (known !== undefined) {
      touchExisting(known, l.embedding)
      keyToId.set(l.key, target)
      continue
    }
    const hits = l.embedding !== undefined && d.vectors.size > 0
      ? Similarity.nearest(d.vectors, l.embedding, Math.max(1, params.gatNeighbors), (id) => isSemanticId(id) && d.hasNode(id))
      : []
    const best = hits[0]
    if (best !== undefined && best.score >= params.matchSimilarity) {
      d.putAlias(l.key, best.id)
      touchExisting(d.node(best.id)!, undefined)
      keyToId.set(l.key, best.id)
      continue
    }
    d.putNode(Node.semantic(target, l.label, now, {
      kind: l.kind ?? "entity", tier, confidence: params.initialConfidence,
      surprise: best === undefined ? 1 : clamp01(1 - best.score)
    }))
    t.nodeAdded(target)
    touchedSet.add(target)
    touched.push(target)
    keyToId.set(l.key, target)
    created++
    if (l.embedding !== undefined) {
      d.setVector(target, l.embedding)
      firstConnections(target, hits)
    }
  }

  // 2. facts: reinforce the matching version, or add a new edge (a new version if all have ended)
  const factIds: Array<string> = []
  const learned: Array<string> = []
  const single = Relation.singleValuedSet(params.singleValued)
  for (const f of p.facts) {
    if (f.change && !f.negated && Relation.isLearnable(f.relation) && !single.has(f.relation) && !d.isLearned(f.relation)) {
      d.learn(f.relation)
      learned.push(f.relation)
    }
    const s = keyToId.get(f.subject)!
    const o = keyToId.get(f.object)!
    const base = Fact.factId(s, f.relation, o, f.negated)
    reviveEdge(base)
    const provenance = f.source === undefined ? episodeProvenance : withProvenance(episodeProvenance, [f.source])
    const confidence = f.confidence ?? params.initialConfidence
    let match = d.edge(base)
    let versions = match !== undefined
    if (match !== undefined && (match.supersededBy !== null || match.validUntil !== f.validUntil)) {
      match = undefined
    }
    if (match === undefined) {
      // the first version may be gone (pruned) while later ones remain: ask the slot
      // the slot's edges whose object is `o` are exactly the slot ids in `inEdges(o)` (the
      // draft's indexes agree with the edges): `slotIdsTo` intersects the two, reading only
      // those edges. The choice below is the least (version, id), so the order does not matter.
      let bestVersion = Infinity
      for (const eid of d.slotIdsTo(s, f.relation, o)) {
        const e = d.edge(eid)!
        if (e.object !== o || e.negated !== f.negated) continue
        versions = true
        if (e.supersededBy !== null || e.validUntil !== f.validUntil) continue
        const v = versionOf(e.id, base)
        if (v < bestVersion || (v === bestVersion && match !== undefined && e.id < match.id)) {
          bestVersion = v
          match = e
        }
      }
    }
    if (match === undefined && f.validUntil !== null) {
      // "was true until t": a current, open-ended version of the same triple whose validity
      // overlaps [validFrom, validUntil) is the same fact, now known to have ended — close it
      // rather than add a second version beside it (which would leave the first one current).
      const until = f.validUntil
      for (const eid of d.slotIdsTo(s, f.relation, o)) {
        const e = d.edge(eid)!
        if (e.object !== o || e.negated !== f.negated || e.supersededBy !== null || e.validUntil !== null) continue
        if (e.validFrom !== null && e.validFrom >= until) continue
        if (match === undefined || e.id < match.id) match = e
      }
      if (match !== undefined) {
        const from = match.validFrom === null ? f.validFrom : f.validFrom === null ? match.validFrom : Math.min(match.validFrom, f.validFrom)
        match = { ...match, validFrom: from, validUntil: until }
      }
    }
    if (match !== undefined) {
      d.putEdge({
        // the latest telling's phrase reads the fact ("Mira lives in Vell" after "moved to Vell")
        ...withoutPhrase(match),
        ...(f.phrase === null ? {} : { phrase: f.phrase }),
        weight: towardsOne(match.weight, params.engramRate),
        useCount: match.useCount + 1,
        lastReinforced: now,
        provenance: withProvenance(match.provenance, provenance),
        confidence: Math.max(match.confidence, confidence),
        validFrom: match.validFrom ?? f.validFrom,
        ...(f.change && !f.negated ? { change: true } : {})
      })
      t.edgeStrengthened(match.id)
      factIds.push(match.id)
      continue
    }
    let id = base
    if (versions) {
      let n = 2
      while (d.hasEdge(base + "#" + n) || d.archivedEdge(base + "#" + n) !== undefined) n++
      id = base + "#" + n
    }
    d.putEdge({
      id, kind: "fact", subject: s, relation: f.relation, object: o, negated: f.negated,
      weight: params.initialWeight, confidence, validFrom: f.validFrom, validUntil: f.validUntil,
      learnedAt: now, provenance, useCount: 0, lastReinforced: now, solidified: false, supersededBy: null,
      ...(f.phrase === null ? {} : { phrase: f.phrase }),
      ...(f.change && !f.negated ? { change: true } : {})
    })
    t.edgeAdded(id)
    factIds.push(id)
  }

  // 3. the episode and its mentions
  if (input.episode !== undefined && episodeId !== null) {
    const ep = input.episode
    revive(episodeId)
    const old = d.node(episodeId)
    const label = ep.text.slice(0, 40)
    if (old !== undefined) {
      d.putNode({ ...old, label, text: ep.text, time: ep.time, recency: now, accessCount: old.accessCount + 1 })
      t.nodeUpdated(episodeId)
    } else {
      d.putNode(Node.episode(episodeId, ep.text, ep.time, now, { surprise: touched.length === 0 ? 0 : created / touched.length }))
      t.nodeAdded(episodeId)
    }
    if (ep.embedding !== undefined) d.setVector(episodeId, ep.embedding)
    for (const n of touched) {
      const id = Fact.mentionId(episodeId, n)
      reviveEdge(id)
      const m = d.edge(id)
      if (m !== undefined) {
        d.putEdge({ ...m, weight: towardsOne(m.weight, params.engramRate), useCount: m.useCount + 1, lastReinforced: now })
        t.edgeStrengthened(id)
      } else {
        d.putEdge({
          id, kind: "mention", subject: episodeId, relation: Fact.MENTIONS, object: n, negated: false,
          weight: params.initialWeight, confidence: 1, validFrom: null, validUntil: null, learnedAt: now,
          provenance: [], useCount: 0, lastReinforced: now, solidified: false, supersededBy: null
        })
        t.edgeAdded(id)
      }
    }
  }

  // 3b. the episode sequence: a link to the episode told just before, when it is in the graph
  if (input.episode?.follows !== undefined && episodeId !== null) {
    const before = Node.episodeId(input.episode.follows)
    if (before !== episodeId && d.node(before)?.kind === "episode") {
      const id = Fact.sequenceId(episodeId, before)
      const old = d.edge(id)
      if (old !== undefined) {
        d.putEdge({ ...old, weight: towardsOne(old.weight, params.engramRate), useCount: old.useCount + 1, lastReinforced: now })
        t.edgeStrengthened(id)
      } else {
        d.putEdge({
          id, kind: "association", subject: episodeId, relation: Fact.FOLLOWS, object: before, negated: false,
          weight: params.sequenceWeight, confidence: 1, validFrom: null, validUntil: null, learnedAt: now,
          provenance: [], useCount: 0, lastReinforced: now, solidified: false, supersededBy: null
        })
        t.edgeAdded(id)
      }
    }
  }

  // 4. Hebbian co-occurrence: the first `hebbianMaxPairs` pairs in diagonal order
  hebbianPairs(touched, params.hebbianMaxPairs, (a, b) => associate(a, b, params.hebbianRate, episodeProvenance))

  const nodes = new Map<string, string>()
  for (const [raw, key] of p.rawToKey) nodes.set(raw, keyToId.get(key)!)
  return { changes: { ...t.done(), relationsLearned: learned }, ids: { facts: factIds, nodes, episode: episodeId } }
}

const run = (g: LiquidGraph.LiquidGraph, input: EngramInput, params: Params, now: number): EngramResult => {
  const episodeId = input?.episode?.id
  if (typeof episodeId === "string" && LiquidGraph.isForgotten(g, Node.episodeId(episodeId))) {
    // nothing to build: the forgotten turn is skipped (checked first so the graph itself comes back)
    plan(g.vectors.dim, input, now)
    return { graph: g, changes: { ...noChanges, episodesSkipped: [Node.episodeId(episodeId)] }, ids: { facts: [], nodes: new Map(), episode: null } }
  }
  const d = LiquidGraph.draft(g)
  const step = engramInto(d, input, params, now)
  return { graph: d.finish(), changes: step.changes, ids: step.ids }
}

/**
 * Adds a batch of new information to the graph: matches or creates its labels' nodes (with
 * GAT-like first connections for new ones), adds or reinforces its facts, writes its episode with
 * mentions, and strengthens the associations of co-occurring nodes. Returns the new graph, what
 * changed, and where every fact and label landed.
 *
 * **Laws**
 * - no duplicates: `engram(engram(g, x), x)` has the nodes and edges of `engram(g, x)` (only
 *   weights, counts and times move) — for a batch that does not both assert a triple and end it
 *   (such a batch closes what it asserts, and told again asserts it anew: a new version);
 * - every input fact is, afterwards, an edge of its canonical relation (`Relation.normalize`)
 *   between its (possibly swapped) labels' resolved nodes that is not
 *   superseded and ends when the input says (a current edge when it says nothing) — for a batch
 *   that does not both assert a triple and end it (such a batch closes what it asserts);
 * - engram never supersedes a fact, never removes a node or an edge, and ends only an open
 *   version of a triple the input states with an end;
 * - a repeated fact's weight never decreases; weights stay in [0, 1];
 * - a new label whose embedding is at least `matchSimilarity` to a semantic node creates no node;
 * - deterministic; `g` is unchanged (persistence); invalid input throws `InvalidInput` and
 *   builds nothing.
 *
 * Details: a matched node gets `recency = now` and one more access (once per batch), and the
 * label's embedding if it had none; a label matched by embedding is recorded as an alias of its
 * node. A new episode's surprise is the share of its semantic nodes the batch created. Provenance
 * of facts and associations is the episode node id and the fact's `source`, deduplicated, in
 * insertion order.
 *
 * @throws InvalidInput when a label or relation has an empty key, an embedding has the wrong
 *   length or a non-finite entry, a confidence is outside [0, 1], a time is not finite or a world
 *   time is more than 10,000 years from 1970 (`Fact.WORLD_TIME_LIMIT_MS`), or a validity
 *   interval is reversed.
 * @complexity O(F · log m + L · log n + P) for F facts, L labels and P ≤ `hebbianMaxPairs` pairs
 *   when every label is known (no vector scan); plus one O(V · dim) scan per new label with an
 *   embedding (V vectors); plus O(min(k, d)) per fact whose first version is missing, ended or
 *   ends otherwise, and per fact stated with an end (k facts in its subject–relation slot, d edges
 *   into its object: `Draft.slotIdsTo`).
 * @example
 * ```ts
 * const { graph, ids } = Engram.engram(LiquidGraph.empty(), {
 *   episode: { id: "t1", text: "Alice said she moved to Paris", time: 0 },
 *   facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }]
 * }, Params.defaults, now)
 * ids.facts[0] // "f|alice|lives_in|paris"
 * ```
 * @since 0.1.0
 */
export const engram: {
  (input: EngramInput, params: Params, now: number): (g: LiquidGraph.LiquidGraph) => EngramResult
  (g: LiquidGraph.LiquidGraph, input: EngramInput, params: Params, now: number): EngramResult
} = dual(4, run)
