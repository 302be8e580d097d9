/**
 * LiquidGraph — the persistent liquid knowledge graph, as an immutable value.
 *
 * Model: persistent hash maps (effect's `HashMap`, a HAMT) of nodes and edges, two indexes
 * derived from the edges (each node's {@link Adjacency} — its out-edges, in-edges and strength in
 * one record — and the "slot" index subject|relation → facts that `reconcile` reads), a lexical inverted index derived from the nodes' texts (term → nodes, with
 * what BM25 needs; see {@link LiquidGraph.postings}), an alias map for merged nodes, and a
 * {@link VectorStore} of embeddings. An
 * update copies O(log n) HAMT nodes and shares the rest, so every earlier version stays valid
 * and unchanged (persistence).
 *
 * The **archive** ({@link archivedNodes}, {@link archivedEdges}) is part of the same value: what
 * `prune` takes out of the active graph is kept there whole (the record and the system time it was
 * archived), and only `forget` deletes, leaving a tombstone ({@link isForgotten}). Archived nodes
 * stay in the lexical index and the vector store, so BM25 and vector search still find them: an
 * id from {@link forEachPosting} or a similarity scan may be archived, not active ({@link hasNode}
 * vs {@link isArchived}). Invariants: no id is both active and archived; an archived edge's ends
 * are nodes (active or archived) or merged ids (aliases); no tombstoned id is active or archived.
 *
 * The graph is a value: `Equal` and `Hash` are structural (content, not layout), it has `pipe`,
 * `toJSON` (Schema-encoded, sorted, stable), and a stable 64-bit {@link contentHash} that two
 * replays can compare.
 *
 * Transitions never touch the maps directly: they go through a {@link Draft}, the one place
 * that keeps the indexes and the derived `importance` score consistent. A draft may take several
 * transitions before it is finished (`Replay` folds a run of `Engrammed` events through one, with
 * `Engram.engramInto`): it is a transient (mutable, single-owner) pass frozen by `finish`. Its
 * representation details live in `internal/`: the write-back layers in front of each map
 * (`internal/Layer.ts`) and what the graph reads of effect's private HAMT layout to trim the
 * arrays inserts over-allocate (`internal/Hamt.ts`, with a probe that `laws/Hamt.test.ts`
 * requires to find nothing changed).
 *
 * @since 0.1.0
 */
import { Equal, Hash, HashMap, HashSet, Option, Result, Schema } from "effect"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { InvalidGraph } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import type { Fact } from "./Fact.ts"
import * as NodeM from "./Node.ts"
import type { MemoryNode } from "./Node.ts"
import { addTrimmed, rootOf, trimPath } from "./internal/Hamt.ts"
import { Fingerprint, hashString } from "./internal/hash.ts"
import { Layer, Through } from "./internal/Layer.ts"
import * as Text from "./Text.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

const TypeId = "~mags/LiquidGraph"

/** The persistent liquid knowledge graph. */
export interface LiquidGraph extends Equal.Equal, Pipeable {
  readonly [TypeId]: typeof TypeId
  readonly nodes: HashMap.HashMap<string, MemoryNode>
  readonly edges: HashMap.HashMap<string, Fact>
  /**
   * node id → its {@link Adjacency}: the ids of the edges whose subject it is, of those whose
   * object it is, and its strength; one entry per node with at least one active edge. Derived
   * from the edges (not part of equality, hash or JSON). Read it through {@link outEdges},
   * {@link inEdges}, {@link degree} and {@link strengthOf}.
   */
  readonly adjacency: HashMap.HashMap<string, Adjacency>
  /**
   * node id → ids of edges whose subject it is (non-empty sets only): a view of
   * {@link adjacency} built on each read, for inspection (the laws' invariant checker).
   * @complexity O(n)
   */
  readonly out: HashMap.HashMap<string, HashSet.HashSet<string>>
  /** node id → ids of edges whose object it is (non-empty sets only): a view built on each read, like `out`. @complexity O(n) */
  readonly inc: HashMap.HashMap<string, HashSet.HashSet<string>>
  /**
   * `subject|relation` → ids of `fact` edges in that slot (current and historical): the bare id
   * when the slot holds one fact, a set of ≥ 2 ids otherwise (see {@link SlotEntry}). Read it
   * through {@link slotIds}, {@link slotKeys} and {@link slot}, not directly.
   */
  readonly slots: HashMap.HashMap<string, SlotEntry>
  /** merged node id → the id it was merged into (possibly itself merged later) */
  readonly aliases: HashMap.HashMap<string, string>
  /**
   * node id → its non-zero strength ({@link Adjacency.strength}): a view of {@link adjacency}
   * built on each read, like `out`. @complexity O(n)
   */
  readonly strength: HashMap.HashMap<string, number>
  /**
   * The lexical inverted index: term (`Text.terms` of the node's {@link documentText}) → the
   * nodes whose text contains it: the bare node id when one node does, else a map node id →
   * {@link packPosting}(term frequency, document length) (never an empty or one-entry map).
   * Derived from the nodes (not part of equality, hash or JSON). Read it through
   * {@link documentFrequency} and {@link forEachPosting}.
   */
  readonly postings: HashMap.HashMap<string, PostingEntry>
  /** Σ over nodes, active and archived, of their document length in terms (BM25's average document length: divide by {@link documentCount}). */
  readonly lexicalLength: number
  readonly vectors: VectorStore.VectorStore
  /**
   * Canonical relations memory has learned are single-valued (a new object told with a change
   * cue: "Kim's favourite band is now Muse"), beside the `Params.singleValued` lexicon. Part of
   * equality, hash and JSON; written only by `engram`, so replay reproduces it.
   */
  readonly learned: HashSet.HashSet<string>
  /** Archived node id → its whole record and when it was archived. Part of equality, hash and JSON. */
  readonly archivedNodes: HashMap.HashMap<string, ArchivedNode>
  /** Archived edge id → its whole record and when it was archived. Part of equality, hash and JSON. */
  readonly archivedEdges: HashMap.HashMap<string, ArchivedEdge>
  /**
   * Node id → ids of the archived edges that have it as an end (derived from `archivedEdges`, not
   * part of equality, hash or JSON): what reactivation and forget read instead of a scan.
   */
  readonly archivedIncident: HashMap.HashMap<string, HashSet.HashSet<string>>
  /**
   * The {@link tombstoneOf} digests of the ids `forget` deleted (nodes and facts) that were not
   * told again since. Digests, never ids: an id is made of told words (`f|alice|lives_in|paris`),
   * and a forgotten word must not survive in the memory's JSON. Part of equality, hash and JSON.
   */
  readonly tombstones: HashSet.HashSet<string>
  toJSON(): GraphJson
}

/** A node in the archive: its record as it left the active graph (importance 0) and when. */
export interface ArchivedNode {
  readonly node: MemoryNode
  /** System time it was archived. */
  readonly archivedAt: number
}

/** An edge in the archive: its record as it left the active graph and when. */
export interface ArchivedEdge {
  readonly edge: Fact
  /** System time it was archived. */
  readonly archivedAt: number
}

/**
 * One entry of the lexical index: the id of the only node containing the term (its counts are
 * derived from its text on demand), or a map node id → {@link packPosting}(tf, length) when two
 * or more nodes contain it. A bare id costs nothing beyond the key, where a one-entry map costs
 * ~120 bytes.
 */
export type PostingEntry = string | HashMap.HashMap<string, number>

/**
 * One entry of the slot index: the id of the slot's only fact, or the set of its ids when it
 * holds two or more (never an empty or one-element set). Most slots hold one fact, and a bare id
 * costs nothing beyond the edge's own id string, where a one-element `HashSet` costs ~120 bytes.
 */
export type SlotEntry = string | HashSet.HashSet<string>

/**
 * What a node's incident active edges make of it, in one record (one map entry per node rather
 * than one in each of three maps: a new edge writes two entries, not six).
 */
export interface Adjacency {
  /** Ids of the edges whose subject the node is. */
  readonly out: HashSet.HashSet<string>
  /** Ids of the edges whose object the node is. */
  readonly inc: HashSet.HashSet<string>
  /**
   * Σ of its incident edges' weights in fixed point ({@link quantise}): an exact integer, so the
   * sum does not depend on the order edges were added or removed; it makes `importance` O(1) to
   * maintain. A self-loop counts twice (once per end).
   */
  readonly strength: number
}

class GraphImpl implements LiquidGraph {
  readonly [TypeId] = TypeId
  private hashCache: string | undefined
  readonly nodes: HashMap.HashMap<string, MemoryNode>
  readonly edges: HashMap.HashMap<string, Fact>
  readonly adjacency: HashMap.HashMap<string, Adjacency>
  readonly slots: HashMap.HashMap<string, SlotEntry>
  readonly aliases: HashMap.HashMap<string, string>
  readonly postings: HashMap.HashMap<string, PostingEntry>
  readonly lexicalLength: number
  readonly vectors: VectorStore.VectorStore
  readonly learned: HashSet.HashSet<string>
  readonly archivedNodes: HashMap.HashMap<string, ArchivedNode>
  readonly archivedEdges: HashMap.HashMap<string, ArchivedEdge>
  readonly archivedIncident: HashMap.HashMap<string, HashSet.HashSet<string>>
  readonly tombstones: HashSet.HashSet<string>
  constructor(f: GraphFields) {
    this.nodes = f.nodes
    this.edges = f.edges
    this.adjacency = f.adjacency
    this.slots = f.slots
    this.aliases = f.aliases
    this.postings = f.postings
    this.lexicalLength = f.lexicalLength
    this.vectors = f.vectors
    this.learned = f.learned
    this.archivedNodes = f.archivedNodes
    this.archivedEdges = f.archivedEdges
    this.archivedIncident = f.archivedIncident
    this.tombstones = f.tombstones
  }
  get out(): HashMap.HashMap<string, HashSet.HashSet<string>> {
    return view(this.adjacency, (a) => (HashSet.size(a.out) === 0 ? undefined : a.out))
  }
  get inc(): HashMap.HashMap<string, HashSet.HashSet<string>> {
    return view(this.adjacency, (a) => (HashSet.size(a.inc) === 0 ? undefined : a.inc))
  }
  get strength(): HashMap.HashMap<string, number> {
    return view(this.adjacency, (a) => (a.strength === 0 ? undefined : a.strength))
  }
  pipe() {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
  [Equal.symbol](that: unknown): boolean {
    return isLiquidGraph(that) && equals(this, that)
  }
  [Hash.symbol](): number {
    return Hash.string(contentHash(this))
  }
  toJSON(): GraphJson {
    return toJSON(this)
  }
  toString(): string {
    const archived = HashMap.size(this.archivedNodes) + HashMap.size(this.archivedEdges)
    return `LiquidGraph(${HashMap.size(this.nodes)} nodes, ${HashMap.size(this.edges)} edges, ${this.vectors.size} vectors${archived === 0 ? "" : `, ${HashMap.size(this.archivedNodes)} archived nodes, ${HashMap.size(this.archivedEdges)} archived edges`})`
  }
  /** @internal */
  cachedHash(compute: () => string): string {
    if (this.hashCache === undefined) this.hashCache = compute()
    return this.hashCache
  }
}

/** The entries of `m` that `f` maps to a value, as a new map. */
const view = <A, B>(m: HashMap.HashMap<string, A>, f: (a: A) => B | undefined): HashMap.HashMap<string, B> =>
  HashMap.mutate(HashMap.empty<string, B>(), (out) => {
    for (const [k, a] of m) {
      const b = f(a)
      if (b !== undefined) HashMap.set(out, k, b)
    }
  })

/** The fields of a graph value, as {@link assemble} takes them (the stored ones; `out`, `inc` and `strength` are views). */
export type GraphFields = Pick<
  LiquidGraph,
  | "nodes"
  | "edges"
  | "adjacency"
  | "slots"
  | "aliases"
  | "postings"
  | "lexicalLength"
  | "vectors"
  | "learned"
  | "archivedNodes"
  | "archivedEdges"
  | "archivedIncident"
  | "tombstones"
>

/**
 * A graph value made of the given maps, as they are: no index is derived and nothing is checked.
 * For bulk decoders that build every index themselves (`internal/Parts.ts`, whose laws check
 * the result against the invariant checker); every other caller goes through a {@link Draft}.
 * @internal
 * @complexity O(1)
 */
export const assemble = (f: GraphFields): LiquidGraph =>
  new GraphImpl(f)

/** Whether `u` is a LiquidGraph. */
export const isLiquidGraph = (u: unknown): u is LiquidGraph => typeof u === "object" && u !== null && TypeId in u

// ── constructors ──────────────────────────────────────────────────────────────

/**
 * The empty graph. `dim` fixes the embedding length (0: set by the first embedding).
 * @complexity O(1)
 * @example
 * ```ts
 * const g = LiquidGraph.empty()
 * LiquidGraph.nodeCount(g) // 0
 * ```
 */
export const empty = (dim = 0): LiquidGraph =>
  new GraphImpl({
    nodes: HashMap.empty(),
    edges: HashMap.empty(),
    adjacency: HashMap.empty(),
    slots: HashMap.empty(),
    aliases: HashMap.empty(),
    postings: HashMap.empty(),
    lexicalLength: 0,
    vectors: VectorStore.empty(dim),
    learned: HashSet.empty(),
    archivedNodes: HashMap.empty(),
    archivedEdges: HashMap.empty(),
    archivedIncident: HashMap.empty(),
    tombstones: HashSet.empty()
  })

// ── getters ───────────────────────────────────────────────────────────────────

/** The node with id `id` (no alias resolution). @complexity O(log n) */
export const node = (g: LiquidGraph, id: string): MemoryNode | undefined => Option.getOrUndefined(HashMap.get(g.nodes, id))

/** The edge with id `id`. @complexity O(log m) */
export const edge = (g: LiquidGraph, id: string): Fact | undefined => Option.getOrUndefined(HashMap.get(g.edges, id))

/** Whether the graph has a node `id`. @complexity O(log n) */
export const hasNode = (g: LiquidGraph, id: string): boolean => HashMap.has(g.nodes, id)

/** Whether the graph has an edge `id`. @complexity O(log m) */
export const hasEdge = (g: LiquidGraph, id: string): boolean => HashMap.has(g.edges, id)

/** Number of nodes. @complexity O(1) */
export const nodeCount = (g: LiquidGraph): number => HashMap.size(g.nodes)

/** Number of edges (all kinds, current and historical). @complexity O(1) */
export const edgeCount = (g: LiquidGraph): number => HashMap.size(g.edges)

/**
 * Follows aliases of merged nodes to the surviving id (the id itself when not merged).
 * Laws: `resolve(g, resolve(g, id)) == resolve(g, id)`.
 * @complexity O(chain · log n); chains are flattened by consolidate, so O(log n) in practice.
 */
export const resolve = (g: LiquidGraph, id: string): string => {
  let cur = id
  for (let i = 0; i < 64; i++) {
    const next = HashMap.get(g.aliases, cur)
    if (Option.isNone(next)) return cur
    cur = next.value
  }
  return cur
}

const EMPTY_SET: HashSet.HashSet<string> = HashSet.empty()

/** Ids of edges whose subject is `id`. @complexity O(log n) */
export const outEdges = (g: LiquidGraph, id: string): HashSet.HashSet<string> =>
  Option.getOrUndefined(HashMap.get(g.adjacency, id))?.out ?? EMPTY_SET

/** Ids of edges whose object is `id`. @complexity O(log n) */
export const inEdges = (g: LiquidGraph, id: string): HashSet.HashSet<string> =>
  Option.getOrUndefined(HashMap.get(g.adjacency, id))?.inc ?? EMPTY_SET

/** Edges incident to `id`, out-edges first. @complexity O(degree · log m) */
export const incident = (g: LiquidGraph, id: string): Array<Fact> => {
  const out: Array<Fact> = []
  for (const e of outEdges(g, id)) out.push(HashMap.getUnsafe(g.edges, e))
  for (const e of inEdges(g, id)) out.push(HashMap.getUnsafe(g.edges, e))
  return out
}

/** Number of incident edges. @complexity O(log n) */
export const degree = (g: LiquidGraph, id: string): number => {
  const a = Option.getOrUndefined(HashMap.get(g.adjacency, id))
  return a === undefined ? 0 : HashSet.size(a.out) + HashSet.size(a.inc)
}

/** The ids of a slot entry, as a fresh array (`[]` for none). */
const entryIds = (entry: SlotEntry | undefined): Array<string> =>
  entry === undefined ? [] : typeof entry === "string" ? [entry] : Array.from(entry)

/** The `fact` edges of a subject and relation (current and historical). @complexity O(k · log m) */
export const slot = (g: LiquidGraph, subject: string, relation: string): Array<Fact> => {
  const ids = Option.getOrUndefined(HashMap.get(g.slots, FactM.slotKey(subject, relation)))
  if (ids === undefined) return []
  if (typeof ids === "string") return [HashMap.getUnsafe(g.edges, ids)]
  const out: Array<Fact> = []
  for (const e of ids) out.push(HashMap.getUnsafe(g.edges, e))
  return out
}

/**
 * Ids of the `fact` edges of a subject and relation (current and historical), as a fresh array
 * (empty when none).
 * Laws: `slotIds(g, s, r)` and `slot(g, s, r).map((f) => f.id)` hold the same ids in the same order.
 * @complexity O(log n + k)
 * @example
 * ```ts
 * LiquidGraph.slotIds(g, "alice", "lives_in") // ["f|alice|lives_in|paris", ...]
 * ```
 */
export const slotIds = (g: LiquidGraph, subject: string, relation: string): ReadonlyArray<string> =>
  slotIdsAt(g, FactM.slotKey(subject, relation))

/**
 * Ids of the `fact` edges in the slot of key `key` (as made by `Fact.slotKey`), as a fresh array
 * (empty when none). For walking the index with {@link slotKeys}.
 * Laws: `slotIdsAt(g, Fact.slotKey(s, r))` == `slotIds(g, s, r)`.
 * @complexity O(log n + k)
 * @example
 * ```ts
 * for (const key of LiquidGraph.slotKeys(g)) LiquidGraph.slotIdsAt(g, key).length // ≥ 1
 * ```
 */
export const slotIdsAt = (g: LiquidGraph, key: string): ReadonlyArray<string> =>
  entryIds(Option.getOrUndefined(HashMap.get(g.slots, key)))

/**
 * The keys (`Fact.slotKey(subject, relation)`) of the non-empty slots, in map order.
 * Laws: every key names a slot with `slotIdsAt(g, key).length ≥ 1`; every `fact` edge's slot
 * key is among them.
 * @complexity O(1) to start, O(s) to walk the s slots
 * @example
 * ```ts
 * Array.from(LiquidGraph.slotKeys(g)).sort()
 * ```
 */
export const slotKeys = (g: LiquidGraph): IterableIterator<string> => HashMap.keys(g.slots)

/** Every node, in map order. @complexity O(n) */
export const nodes = (g: LiquidGraph): Array<MemoryNode> => Array.from(HashMap.values(g.nodes))

/** Every edge, in map order. @complexity O(m) */
export const edges = (g: LiquidGraph): Array<Fact> => Array.from(HashMap.values(g.edges))

/** Fixed-point scale of edge weights in strength sums: 2^32 (weights are exact to ~2.3e-10). */
export const STRENGTH_SCALE = 4_294_967_296

/**
 * A weight in fixed point: an integer, so sums of up to 2^21 of them are exact in a double and
 * independent of their order.
 * @complexity O(1)
 */
export const quantise = (weight: number): number => Math.round(weight * STRENGTH_SCALE)

/**
 * Importance from a fixed-point strength ({@link quantise}d sum of incident weights) and an
 * out-degree: `strength / STRENGTH_SCALE × max(1, outDegree)` (what {@link computeImportance}
 * and every draft compute).
 * @complexity O(1)
 */
export const importanceOf = (strength: number, outDegree: number): number => (strength / STRENGTH_SCALE) * Math.max(1, outDegree)

/**
 * The importance a node should have: Σ weights of its incident edges × max(1, out-degree), the
 * sum taken in fixed point ({@link quantise}) so that it is exact and order-independent.
 * Computed from scratch (the invariant checker compares it with the stored score).
 * @complexity O(degree · log m)
 */
export const computeImportance = (g: LiquidGraph, id: string): number => {
  let sum = 0
  for (const e of outEdges(g, id)) sum += quantise(HashMap.getUnsafe(g.edges, e).weight)
  for (const e of inEdges(g, id)) sum += quantise(HashMap.getUnsafe(g.edges, e).weight)
  return importanceOf(sum, HashSet.size(outEdges(g, id)))
}

/** The stored fixed-point strength of a node (0 when it has no edges). @complexity O(log n) */
export const strengthOf = (g: LiquidGraph, id: string): number => Option.getOrUndefined(HashMap.get(g.adjacency, id))?.strength ?? 0

// ── archive ───────────────────────────────────────────────────────────────────

/**
 * Whether `id` names an archived node or an archived edge.
 * Laws: `isArchived(g, id) ⇒ ¬hasNode(g, id) ∧ ¬hasEdge(g, id)` (no id is both).
 * @complexity O(log n)
 * @example
 * ```ts
 * LiquidGraph.isArchived(g, "ep:t1") // true once prune archived the episode
 * ```
 */
export const isArchived = (g: LiquidGraph, id: string): boolean => HashMap.has(g.archivedNodes, id) || HashMap.has(g.archivedEdges, id)

/** The archived node `id` (its record as archived), or `undefined`. @complexity O(log n) */
export const archivedNode = (g: LiquidGraph, id: string): ArchivedNode | undefined =>
  Option.getOrUndefined(HashMap.get(g.archivedNodes, id))

/** The archived edge `id` (its record as archived), or `undefined`. @complexity O(log m) */
export const archivedEdge = (g: LiquidGraph, id: string): ArchivedEdge | undefined =>
  Option.getOrUndefined(HashMap.get(g.archivedEdges, id))

/** Number of archived nodes. @complexity O(1) */
export const archivedNodeCount = (g: LiquidGraph): number => HashMap.size(g.archivedNodes)

/** Number of archived edges. @complexity O(1) */
export const archivedEdgeCount = (g: LiquidGraph): number => HashMap.size(g.archivedEdges)

/** Ids of the archived edges with `id` as an end. @complexity O(log n) */
export const archivedIncident = (g: LiquidGraph, id: string): HashSet.HashSet<string> =>
  Option.getOrElse(HashMap.get(g.archivedIncident, id), () => EMPTY_SET)

/**
 * The node record of `id`, active or archived (`undefined` when neither): the text a lexical
 * or vector hit names.
 * @complexity O(log n)
 */
export const anyNode = (g: LiquidGraph, id: string): MemoryNode | undefined =>
  Option.getOrUndefined(HashMap.get(g.nodes, id)) ?? archivedNode(g, id)?.node

/**
 * The number of documents the lexical index covers: active plus archived nodes (every node is a
 * document, its {@link documentText}; an archived node keeps its postings). BM25's N.
 * Laws: `documentCount(g) == nodeCount(g) + archivedNodeCount(g)`; `documentFrequency(g, t) ≤ documentCount(g)`.
 * @complexity O(1)
 */
export const documentCount = (g: LiquidGraph): number => HashMap.size(g.nodes) + HashMap.size(g.archivedNodes)

/**
 * The tombstone of an id: a stable 64-bit digest (16 hex digits) of it. A tombstone can confirm a
 * guessed id but does not spell one (a 2^-64 chance per pair that two ids share one).
 * @complexity O(|id|)
 * @example
 * ```ts
 * LiquidGraph.tombstoneOf("ep:t1") // "5f0c…" (16 hex digits)
 * ```
 */
export const tombstoneOf = (id: string): string =>
  hashString(id, 0x2545f491).toString(16).padStart(8, "0") + hashString(id, 0x68e31da4).toString(16).padStart(8, "0")

/**
 * Whether `id` (a node or edge id) was deleted by `forget` and not told again since.
 * Laws: `isForgotten(g, id) ⇒ ¬hasNode(g, id) ∧ ¬hasEdge(g, id) ∧ ¬isArchived(g, id)`.
 * @complexity O(|id| + log t) for t tombstones
 */
export const isForgotten = (g: LiquidGraph, id: string): boolean =>
  HashSet.size(g.tombstones) > 0 && HashSet.has(g.tombstones, tombstoneOf(id))

/** Sizes of the archive and an estimate of its bytes (see {@link archiveStats}). */
export interface ArchiveStats {
  readonly nodes: number
  readonly episodes: number
  readonly edges: number
  readonly facts: number
  /** Archived nodes that still hold an embedding (compaction drops the oldest ones'). */
  readonly vectors: number
  readonly tombstones: number
  /**
   * Estimated bytes: 2 per character of text and label, 160 per node and 200 per edge record
   * (fields, map entry, index entries), 4 per embedding component. An estimate of the heap, for
   * reports; not a measurement.
   */
  readonly bytes: number
}

/**
 * The archive's sizes and an estimate of its bytes (see {@link ArchiveStats}).
 * @complexity O(archived nodes · log V + archived edges)
 * @example
 * ```ts
 * LiquidGraph.archiveStats(g) // { nodes: 418, episodes: 410, edges: 903, facts: 120, vectors: 418, tombstones: 0, bytes: 512000 }
 * ```
 */
export const archiveStats = (g: LiquidGraph): ArchiveStats => {
  let episodes = 0
  let vectors = 0
  let bytes = 0
  for (const { node: n } of HashMap.values(g.archivedNodes)) {
    if (n.kind === "episode") episodes++
    bytes += 160 + 2 * (n.label.length + (n.text?.length ?? 0))
    if (VectorStore.has(g.vectors, n.id)) {
      vectors++
      bytes += 4 * g.vectors.dim
    }
  }
  let facts = 0
  for (const { edge } of HashMap.values(g.archivedEdges)) if (edge.kind === "fact") facts++
  bytes += 200 * HashMap.size(g.archivedEdges)
  return {
    nodes: HashMap.size(g.archivedNodes), episodes, edges: HashMap.size(g.archivedEdges), facts, vectors,
    tombstones: HashSet.size(g.tombstones), bytes
  }
}

// ── lexical index ─────────────────────────────────────────────────────────────

/**
 * The text of a node that the lexical index holds: an episode's `text` (its `label` when it has
 * none), a semantic node's `label` followed by its summary (`text`, written by `consolidate`)
 * when it has one.
 * @complexity O(|label| + |text|)
 * @example
 * ```ts
 * LiquidGraph.documentText(episode) // "Alice moved to Paris last week"
 * LiquidGraph.documentText(alice)   // "Alice Alice lives in Paris. Alice works at Acme."
 * ```
 */
export const documentText = (n: MemoryNode): string =>
  n.kind === "episode" ? (n.text ?? n.label) : n.text === null ? n.label : n.label + " " + n.text

/** Largest term frequency a posting stores (larger ones are stored as this; BM25 saturates long before). */
export const POSTING_MAX_TF = 1023

/** Largest document length (in terms) a posting stores (longer documents are stored as this). */
export const POSTING_MAX_LENGTH = 1_048_575

/**
 * A posting's term frequency and document length packed in one small integer (a V8 Smi, so a
 * posting map entry costs no number box): `min(tf, 1023) · 2^20 + min(length, 2^20 − 1)`.
 * Laws: `unpackPosting(packPosting(tf, l)) == [min(tf, POSTING_MAX_TF), min(l, POSTING_MAX_LENGTH)]`.
 * @complexity O(1)
 * @example
 * ```ts
 * LiquidGraph.unpackPosting(LiquidGraph.packPosting(2, 7)) // [2, 7]
 * ```
 */
export const packPosting = (tf: number, length: number): number =>
  Math.min(tf, POSTING_MAX_TF) * (POSTING_MAX_LENGTH + 1) + Math.min(length, POSTING_MAX_LENGTH)

/** The term frequency and document length of a packed posting ({@link packPosting}). @complexity O(1) */
export const unpackPosting = (packed: number): readonly [tf: number, length: number] => [
  Math.floor(packed / (POSTING_MAX_LENGTH + 1)),
  packed % (POSTING_MAX_LENGTH + 1)
]

/** The packed posting of `term` in node `n` (computed from its text). */
const postingOf = (n: MemoryNode, term: string): number => {
  const { counts, length } = Text.termCounts(documentText(n))
  return packPosting(counts.get(term) ?? 0, length)
}

/**
 * The number of nodes (active or archived) whose {@link documentText} contains `term` (0 when none).
 * Archived nodes count (they stay in the index).
 * Laws: `documentFrequency(g, t) == |{ n ∈ nodes(g) ∪ archived nodes : t ∈ Text.terms(documentText(n)) }|`.
 * @complexity O(log T) (T distinct terms)
 * @example
 * ```ts
 * LiquidGraph.documentFrequency(g, "paris") // 3
 * ```
 */
export const documentFrequency = (g: LiquidGraph, term: string): number => {
  const entry = Option.getOrUndefined(HashMap.get(g.postings, term))
  return entry === undefined ? 0 : typeof entry === "string" ? 1 : HashMap.size(entry)
}

/**
 * Calls `f(id, tf, length)` for every node, active or archived, containing `term`: its id, the term's frequency in its
 * {@link documentText} and that text's length in terms (both capped as in {@link packPosting}),
 * in the index's iteration order (a function of content; callers that decide must not depend on
 * it). A term held by one node has its counts computed from that node's text.
 * Laws: the ids are exactly the nodes counted by {@link documentFrequency}, each once.
 * @complexity O(log T + postings) (+ O(|text|) for a term of one node)
 * @example
 * ```ts
 * LiquidGraph.forEachPosting(g, "paris", (id, tf, length) => console.log(id, tf, length))
 * ```
 */
export const forEachPosting = (g: LiquidGraph, term: string, f: (id: string, tf: number, length: number) => void): void => {
  const entry = Option.getOrUndefined(HashMap.get(g.postings, term))
  if (entry === undefined) return
  if (typeof entry === "string") {
    const [tf, length] = unpackPosting(postingOf(anyNode(g, entry)!, term))
    f(entry, tf, length)
    return
  }
  const scale = POSTING_MAX_LENGTH + 1
  for (const [id, packed] of entry) f(id, Math.floor(packed / scale), packed % scale)
}

/**
 * The distinct terms of the lexical index, in map order.
 * Laws: every term has `documentFrequency(g, t) ≥ 1`.
 * @complexity O(1) to start, O(T) to walk
 * @example
 * ```ts
 * Array.from(LiquidGraph.terms(g)).sort()
 * ```
 */
export const terms = (g: LiquidGraph): IterableIterator<string> => HashMap.keys(g.postings)

// ── the draft: the one place that mutates ─────────────────────────────────────

/**
 * A transient, single-owner builder over a graph. Transitions make one with {@link draft}, apply
 * their changes, and call {@link Draft.finish}. The source graph is never modified.
 *
 * Invariants the draft keeps: every edge's endpoints exist; `out`/`inc`/`slots` agree with the
 * edges; the lexical index (`postings`, `lexicalLength`) agrees with the nodes' texts (a
 * `putNode` whose {@link documentText} changed moves the node's postings); a removed node takes its incident edges and its vector with it; the `importance` of
 * every node whose incident edges changed is recomputed on `finish`.
 *
 * Cost model: every map but the edges sits behind a write-back cache (`internal/Layer.ts`), so
 * within one draft each key costs at most one HAMT lookup and one HAMT write however often it is
 * read and written (the writes happen on `finish`); the edge map is written through, its reads
 * cached. The maps are opened with `HashMap.beginMutation`, so the trie paths one draft copies are
 * copied once however many of its writes cross them: a draft over many transitions (a replay
 * chunk) pays the path copies of the keys it wrote, not of each transition's.
 *
 * Laws: the transitions a draft takes, then `finish`, give the graph that taking them one draft
 * each would give (equal, same `contentHash`: `laws/Replay.test.ts`, `laws/Engram.test.ts`); the
 * source graph is never modified.
 */
export class Draft {
  private readonly nodesL: Layer<MemoryNode>
  private readonly edgesL: Through<Fact>
  private readonly adjL: Layer<Adjacency>
  private readonly slotsL: Layer<SlotEntry>
  private readonly postingsL: Layer<PostingEntry>
  private lexicalLength: number
  private aliasesM: HashMap.HashMap<string, string>
  private learnedS: HashSet.HashSet<string>
  private readonly archivedNodesL: Layer<ArchivedNode>
  private readonly archivedEdgesL: Layer<ArchivedEdge>
  private readonly archivedIncidentL: Layer<HashSet.HashSet<string>>
  private tombstonesS: HashSet.HashSet<string>
  /** The draft's vector store; transitions may read it directly. */
  vectors: VectorStore.VectorStore
  private readonly touched = new Set<string>()
  private readonly relations = new Map<string, string>()
  private readonly provenances = new Map<string, ReadonlyArray<string>>()
  private finished = false

  readonly source: LiquidGraph
  constructor(source: LiquidGraph) {
    this.source = source
    this.nodesL = new Layer(source.nodes)
    this.edgesL = new Through(source.edges)
    this.adjL = new Layer(source.adjacency)
    this.slotsL = new Layer(source.slots)
    this.aliasesM = HashMap.beginMutation(source.aliases)
    this.learnedS = source.learned
    this.postingsL = new Layer(source.postings)
    this.lexicalLength = source.lexicalLength
    this.vectors = source.vectors
    this.archivedNodesL = new Layer(source.archivedNodes)
    this.archivedEdgesL = new Layer(source.archivedEdges)
    this.archivedIncidentL = new Layer(source.archivedIncident)
    this.tombstonesS = source.tombstones
  }

  // reads
  node(id: string): MemoryNode | undefined {
    return this.nodesL.get(id)
  }
  edge(id: string): Fact | undefined {
    return this.edgesL.get(id)
  }
  hasNode(id: string): boolean {
    return this.nodesL.get(id) !== undefined
  }
  hasEdge(id: string): boolean {
    return this.edgesL.peek(id) !== undefined
  }
  outEdges(id: string): HashSet.HashSet<string> {
    return this.adjL.get(id)?.out ?? EMPTY_SET
  }
  inEdges(id: string): HashSet.HashSet<string> {
    return this.adjL.get(id)?.inc ?? EMPTY_SET
  }
  /** An edge the indexes name (present by the draft's invariants). */
  private indexed(id: string): Fact {
    const e = this.edgesL.peek(id)
    if (e === undefined) throw new Error(`Draft: indexed edge ${id} missing`)
    return e
  }
  /** Edges incident to `id` (a snapshot array, safe to mutate the draft while iterating it). */
  incident(id: string): Array<Fact> {
    const out: Array<Fact> = []
    for (const e of this.outEdges(id)) out.push(this.indexed(e))
    for (const e of this.inEdges(id)) out.push(this.indexed(e))
    return out
  }
  slot(subject: string, relation: string): Array<Fact> {
    const ids = this.slotsL.get(FactM.slotKey(subject, relation))
    if (ids === undefined) return []
    if (typeof ids === "string") return [this.indexed(ids)]
    const out: Array<Fact> = []
    for (const e of ids) out.push(this.indexed(e))
    return out
  }
  /** Ids of the `fact` edges of a subject and relation (a fresh array; empty when none). */
  slotIds(subject: string, relation: string): ReadonlyArray<string> {
    return entryIds(this.slotsL.get(FactM.slotKey(subject, relation)))
  }
  /**
   * Ids of the `fact` edges of a subject and relation whose object is `object`: the slot ∩
   * `inEdges(object)`, testing membership in the larger of the two, so O(min(k, in-degree)).
   * Order: that of the smaller set (callers that decide must not depend on it). Allocates only
   * when the answer is not empty.
   */
  slotIdsTo(subject: string, relation: string, object: string): ReadonlyArray<string> {
    const ids = this.slotsL.get(FactM.slotKey(subject, relation))
    if (ids === undefined) return NO_IDS
    const into = this.inEdges(object)
    if (typeof ids === "string") return HashSet.has(into, ids) ? [ids] : NO_IDS
    let out: Array<string> | undefined
    if (HashSet.size(ids) <= HashSet.size(into)) {
      for (const e of ids) if (HashSet.has(into, e)) (out ??= []).push(e)
    } else {
      for (const e of into) if (HashSet.has(ids, e)) (out ??= []).push(e)
    }
    return out ?? NO_IDS
  }
  resolve(id: string): string {
    let cur = id
    for (let i = 0; i < 64; i++) {
      const next = HashMap.get(this.aliasesM, cur)
      if (Option.isNone(next)) return cur
      cur = next.value
    }
    return cur
  }
  nodeCount(): number {
    return this.nodesL.size
  }
  edgeCount(): number {
    return this.edgesL.size
  }

  // writes
  /** Inserts or replaces a node (a replacement whose {@link documentText} changed moves its postings). */
  putNode(n: MemoryNode): void {
    this.assertOpen()
    const old = this.nodesL.get(n.id)
    const text = documentText(n)
    if (old === undefined) {
      // an archived node written again leaves the archive (its postings and vector stay indexed)
      const archived = this.archivedNodesL.size > 0 ? this.archivedNodesL.get(n.id) : undefined
      if (HashSet.size(this.tombstonesS) > 0) this.tombstonesS = HashSet.remove(this.tombstonesS, tombstoneOf(n.id))
      if (archived !== undefined) {
        this.archivedNodesL.remove(n.id)
        if (documentText(archived.node) !== text) {
          this.removePostings(archived.node)
          this.nodesL.set(n.id, n)
          this.addPostings(n, text)
        } else this.nodesL.set(n.id, n)
      } else {
        this.nodesL.set(n.id, n)
        this.addPostings(n, text)
      }
    } else if (documentText(old) !== text) {
      this.removePostings(old)
      this.nodesL.set(n.id, n)
      this.addPostings(n, text)
    } else this.nodesL.set(n.id, n)
    this.touched.add(n.id)
  }

  /** Adds node `n`'s postings (its text `text`) to the lexical index; `n` must not be indexed. */
  private addPostings(n: MemoryNode, text: string): void {
    const { counts, length } = Text.termCounts(text)
    if (length === 0) return
    this.lexicalLength += length
    const id = n.id
    for (const [term, tf] of counts) {
      const cur = this.postingsL.get(term)
      if (cur === undefined) {
        // the key shares the node's id string when they are equal (a one-word label)
        this.postingsL.set(term === id ? id : term, id)
      } else if (typeof cur === "string") {
        const other = this.nodesL.get(cur) ?? this.archivedNode(cur)?.node
        if (other === undefined) throw new Error(`Draft: posting ${cur} of ${term} missing`)
        let m = HashMap.set(HashMap.empty<string, number>(), cur, postingOf(other, term))
        trimPath(rootOf(m), Hash.string(cur))
        m = HashMap.set(m, id, packPosting(tf, length))
        trimPath(rootOf(m), Hash.string(id))
        this.postingsL.set(term, m)
      } else {
        const m = HashMap.set(cur, id, packPosting(tf, length))
        trimPath(rootOf(m), Hash.string(id))
        this.postingsL.set(term, m)
      }
    }
  }

  /** Removes node `n`'s postings (as indexed: `n` is its current version) from the lexical index. */
  private removePostings(n: MemoryNode): void {
    const { counts, length } = Text.termCounts(documentText(n))
    if (length === 0) return
    this.lexicalLength -= length
    const id = n.id
    for (const term of counts.keys()) {
      const cur = this.postingsL.get(term)
      if (cur === undefined) continue
      if (typeof cur === "string") {
        if (cur === id) this.postingsL.remove(term)
        continue
      }
      const next = HashMap.remove(cur, id)
      if (next === cur) continue
      if (HashMap.size(next) === 1) this.postingsL.set(term, HashMap.keys(next).next().value as string)
      else this.postingsL.set(term, next)
    }
  }

  /** Removes a node with its incident edges and its vector. No-op when absent. */
  removeNode(id: string): void {
    this.assertOpen()
    const n = this.nodesL.get(id)
    if (n === undefined) return
    for (const e of this.incident(id)) this.removeEdge(e.id)
    this.removePostings(n)
    this.nodesL.remove(id)
    this.adjL.remove(id)
    this.vectors = VectorStore.remove(this.vectors, id)
    this.touched.delete(id)
  }

  /**
   * Inserts or replaces an edge. Endpoints must exist, and a replacement must keep the edge's
   * kind, subject, relation and object (identity fields): anything else is a bug in the caller.
   */
  putEdge(e: Fact): void {
    this.assertOpen()
    const sn = this.nodesL.get(e.subject)
    const on = this.nodesL.get(e.object)
    if (sn === undefined || on === undefined) throw new Error(`Draft.putEdge: endpoint of ${e.id} missing`)
    const old = this.edgesL.peek(e.id)
    if (old !== undefined) {
      if (old.subject !== e.subject || old.object !== e.object || old.relation !== e.relation || old.kind !== e.kind) {
        throw new Error(`Draft.putEdge: identity of ${e.id} changed`)
      }
      e = this.share(e, old.id, old.subject, old.relation, old.object, old.provenance)
      this.edgesL.set(e.id, e)
      const delta = quantise(e.weight) - quantise(old.weight)
      if (delta !== 0) {
        this.addStrength(e.subject, delta)
        this.addStrength(e.object, delta)
      }
      return
    }
    // an archived edge written again leaves the archive; a forgotten one told again is no longer forgotten
    if (this.archivedEdgesL.size > 0) this.deleteArchivedEdge(e.id)
    if (HashSet.size(this.tombstonesS) > 0) this.tombstonesS = HashSet.remove(this.tombstonesS, tombstoneOf(e.id))
    // the node's own id strings (equal to the ends), so that edges share them instead of holding copies
    e = this.share(e, e.id, sn.id, this.relation(e.relation), on.id, undefined)
    this.edgesL.set(e.id, e)
    const h = Hash.string(e.id)
    const q = quantise(e.weight)
    const sa = this.adjL.get(e.subject) ?? NO_ADJACENCY
    const outBefore = sa.out
    const out = addTrimmed(outBefore, e.id, h)
    this.adjL.set(e.subject, { out, inc: sa.inc, strength: sa.strength + q })
    // read again: a self-loop's object is the subject just written
    const oa = this.adjL.get(e.object) ?? NO_ADJACENCY
    this.adjL.set(e.object, { out: oa.out, inc: addTrimmed(oa.inc, e.id, h), strength: oa.strength + q })
    this.touched.add(e.subject)
    this.touched.add(e.object)
    if (e.kind === "fact") {
      const k = FactM.slotKey(e.subject, e.relation)
      const slotBefore = this.slotsL.get(k)
      if (slotBefore === undefined) this.slotsL.set(k, e.id)
      else if (typeof slotBefore === "string") {
        // a slot holding exactly the subject's out-edges shares the out-set (an equal immutable value)
        const shares = HashSet.size(outBefore) === 1 && HashSet.has(outBefore, slotBefore)
        this.slotsL.set(k, shares ? out : addTrimmed(addTrimmed(EMPTY_SET, slotBefore, Hash.string(slotBefore)), e.id, h))
      } else this.slotsL.set(k, slotBefore === outBefore ? out : addTrimmed(slotBefore, e.id, h))
    }
  }

  /** One string object per distinct relation in this draft. */
  private relation(r: string): string {
    const shared = this.relations.get(r)
    if (shared !== undefined) return shared
    this.relations.set(r, r)
    return r
  }

  /**
   * A provenance array equal to `p`, shared: `previous` (the edge's former provenance) when
   * equal, else one frozen array per distinct list in this draft (the empty list is global).
   */
  private provenance(p: ReadonlyArray<string>, previous: ReadonlyArray<string> | undefined): ReadonlyArray<string> {
    if (p.length === 0) return EMPTY_PROVENANCE
    if (previous !== undefined && sameStrings(p, previous)) return previous
    const key = p.length === 1 ? p[0]! : p.join("\u0000")
    const shared = this.provenances.get(key)
    if (shared !== undefined && sameStrings(p, shared)) return shared
    const frozen = Object.freeze(p.slice())
    if (shared === undefined) this.provenances.set(key, frozen)
    return frozen
  }

  /**
   * The edge to store for `e`: the same fields, with its strings and provenance replaced by
   * equal shared ones (node ids, interned relation, shared provenance) and `lastReinforced`
   * sharing `learnedAt`'s number when equal. Equal to `e` field by field (same JSON, hash and
   * equality); it only stops every edge from carrying its own copies.
   */
  private share(
    e: Fact,
    id: string,
    subject: string,
    relation: string,
    object: string,
    previous: ReadonlyArray<string> | undefined
  ): Fact {
    const learnedAt = e.learnedAt
    const shared: Fact = {
      id,
      kind: e.kind,
      subject,
      relation,
      object,
      negated: e.negated,
      weight: e.weight,
      confidence: e.confidence,
      validFrom: e.validFrom,
      validUntil: e.validUntil,
      learnedAt,
      provenance: this.provenance(e.provenance, previous),
      useCount: e.useCount,
      lastReinforced: e.lastReinforced === learnedAt ? learnedAt : e.lastReinforced,
      solidified: e.solidified,
      supersededBy: e.supersededBy
    }
    if (e.phrase === undefined && e.change === undefined) return shared
    return { ...shared, ...(e.phrase === undefined ? {} : { phrase: e.phrase }), ...(e.change === undefined ? {} : { change: e.change }) }
  }

  /**
   * Replaces edge `old` by `next`, which keeps its id and identity fields, without the lookups
   * {@link Draft.putEdge} makes: for passes that rewrite many edges they already hold.
   * `old` MUST be the draft's current version of the edge (read from this draft, or from its
   * source when the draft has not written that edge): the strength index is moved by the
   * difference of their weights.
   * @complexity O(log m)
   */
  replaceEdge(old: Fact, next: Fact): void {
    this.assertOpen()
    if (old.id !== next.id || old.subject !== next.subject || old.object !== next.object || old.relation !== next.relation || old.kind !== next.kind) {
      throw new Error(`Draft.replaceEdge: identity of ${old.id} changed`)
    }
    this.edgesL.set(next.id, next)
    const delta = quantise(next.weight) - quantise(old.weight)
    if (delta !== 0) {
      this.addStrength(next.subject, delta)
      this.addStrength(next.object, delta)
    }
  }

  /** Removes an edge and its index entries. No-op when absent. */
  removeEdge(id: string): void {
    this.assertOpen()
    const e = this.edgesL.peek(id)
    if (e === undefined) return
    this.edgesL.remove(id)
    const q = quantise(e.weight)
    const sa = this.adjL.get(e.subject)!
    this.putAdjacency(e.subject, HashSet.remove(sa.out, id), sa.inc, sa.strength - q)
    const oa = this.adjL.get(e.object)!
    this.putAdjacency(e.object, oa.out, HashSet.remove(oa.inc, id), oa.strength - q)
    if (e.kind === "fact") shrinkSlot(this.slotsL, FactM.slotKey(e.subject, e.relation), id)
  }

  /** Adds a fixed-point delta to a node's strength and marks its importance for refresh. */
  private addStrength(id: string, delta: number): void {
    const a = this.adjL.get(id)!
    this.adjL.set(id, { out: a.out, inc: a.inc, strength: a.strength + delta })
    this.touched.add(id)
  }

  /** Writes a node's adjacency (dropping it when it has no edge left) and marks its importance for refresh. */
  private putAdjacency(id: string, out: HashSet.HashSet<string>, inc: HashSet.HashSet<string>, strength: number): void {
    if (HashSet.size(out) === 0 && HashSet.size(inc) === 0) this.adjL.remove(id)
    else this.adjL.set(id, { out, inc, strength })
    this.touched.add(id)
  }

  /** Records that `from` was merged into `into`. */
  putAlias(from: string, into: string): void {
    this.assertOpen()
    this.aliasesM = HashMap.set(this.aliasesM, from, into)
  }

  /** Whether relation `relation` has been learned single-valued. */
  isLearned(relation: string): boolean {
    return HashSet.has(this.learnedS, relation)
  }

  /** Records that canonical relation `relation` is single-valued (learned from a change cue). */
  learn(relation: string): void {
    this.assertOpen()
    this.learnedS = HashSet.add(this.learnedS, relation)
  }

  /** Sets the embedding of node `id` (must exist). */
  setVector(id: string, v: ArrayLike<number>): void {
    this.assertOpen()
    this.vectors = VectorStore.set(this.vectors, id, v)
  }

  // archive
  /** The archived node `id`, or `undefined`. */
  archivedNode(id: string): ArchivedNode | undefined {
    return this.archivedNodesL.size === 0 ? undefined : this.archivedNodesL.get(id)
  }
  /** The archived edge `id`, or `undefined`. */
  archivedEdge(id: string): ArchivedEdge | undefined {
    return this.archivedEdgesL.size === 0 ? undefined : this.archivedEdgesL.get(id)
  }
  /** Ids of the archived edges with `id` as an end. */
  archivedIncident(id: string): HashSet.HashSet<string> {
    return this.archivedIncidentL.size === 0 ? EMPTY_SET : this.archivedIncidentL.get(id) ?? EMPTY_SET
  }
  archivedNodeCount(): number {
    return this.archivedNodesL.size
  }
  archivedEdgeCount(): number {
    return this.archivedEdgesL.size
  }
  /** Whether `id` is tombstoned (forgotten). */
  isForgotten(id: string): boolean {
    return HashSet.size(this.tombstonesS) > 0 && HashSet.has(this.tombstonesS, tombstoneOf(id))
  }

  /**
   * Moves active edge `id` to the archive (archived at `at`), whole. No-op when it is not active.
   * @complexity O(log m)
   */
  archiveEdge(id: string, at: number): void {
    this.assertOpen()
    const e = this.edgesL.peek(id)
    if (e === undefined) return
    this.removeEdge(id)
    this.archivedEdgesL.set(id, { edge: e, archivedAt: at })
    this.addArchivedIncident(e.subject, id)
    if (e.object !== e.subject) this.addArchivedIncident(e.object, id)
  }

  /**
   * Moves active node `id` to the archive (archived at `at`, importance 0). It must have no
   * active incident edge (archive or remove them first). Its postings and vector stay.
   * @complexity O(log n)
   */
  archiveNode(id: string, at: number): void {
    this.assertOpen()
    const n = this.nodesL.get(id)
    if (n === undefined) return
    if (HashSet.size(this.outEdges(id)) + HashSet.size(this.inEdges(id)) > 0) throw new Error(`Draft.archiveNode: ${id} still has edges`)
    this.nodesL.remove(id)
    this.adjL.remove(id)
    this.touched.delete(id)
    this.archivedNodesL.set(id, { node: n.importance === 0 ? n : { ...n, importance: 0 }, archivedAt: at })
  }

  /**
   * Moves archived node `id` back into the active graph with `recency = now` (its postings and
   * vector were kept). Returns whether it was archived.
   * @complexity O(log n)
   */
  reactivateNode(id: string, now: number): boolean {
    this.assertOpen()
    const a = this.archivedNode(id)
    if (a === undefined) return false
    this.archivedNodesL.remove(id)
    this.nodesL.set(id, a.node.recency === now ? a.node : { ...a.node, recency: now })
    this.touched.add(id)
    return true
  }

  /**
   * Moves archived edge `id` back into the active graph as `update(record)` (the record itself by
   * default; identity fields must stay). Both ends must be active. Returns whether it was archived.
   * @complexity O(log m)
   */
  reactivateEdge(id: string, update: (e: Fact) => Fact = (e) => e): boolean {
    this.assertOpen()
    const a = this.archivedEdge(id)
    if (a === undefined) return false
    this.deleteArchivedEdge(id)
    this.putEdge(update(a.edge))
    return true
  }

  /** Deletes archived edge `id` (record and index entries). No-op when it is not archived. */
  deleteArchivedEdge(id: string): void {
    this.assertOpen()
    const a = this.archivedEdge(id)
    if (a === undefined) return
    this.archivedEdgesL.remove(id)
    shrink(this.archivedIncidentL, a.edge.subject, id)
    if (a.edge.object !== a.edge.subject) shrink(this.archivedIncidentL, a.edge.object, id)
  }

  /**
   * Deletes archived node `id`: its record, postings and vector (its archived edges are the
   * caller's: delete them first). No-op when it is not archived.
   */
  deleteArchivedNode(id: string): void {
    this.assertOpen()
    const a = this.archivedNode(id)
    if (a === undefined) return
    this.removePostings(a.node)
    this.archivedNodesL.remove(id)
    this.vectors = VectorStore.remove(this.vectors, id)
  }

  /** Records that `id` was forgotten (see {@link isForgotten}). */
  tombstone(id: string): void {
    this.assertOpen()
    this.tombstonesS = HashSet.add(this.tombstonesS, tombstoneOf(id))
  }

  /** Adds tombstone digests as they are (for decoding, and for carrying tombstones into a new graph). */
  putTombstones(digests: Iterable<string>): void {
    this.assertOpen()
    for (const t of digests) this.tombstonesS = HashSet.add(this.tombstonesS, t)
  }

  /** Drops the alias of merged id `from`. */
  removeAlias(from: string): void {
    this.assertOpen()
    this.aliasesM = HashMap.remove(this.aliasesM, from)
  }

  /** Drops the vector of `id` (kept text, postings and records: archive compaction). */
  removeVector(id: string): void {
    this.assertOpen()
    this.vectors = VectorStore.remove(this.vectors, id)
  }

  /** Puts an archived record as it was stored (for decoding): `id` must be neither active nor archived. */
  putArchivedNode(a: ArchivedNode): void {
    this.assertOpen()
    this.archivedNodesL.set(a.node.id, a)
    this.addPostings(a.node, documentText(a.node))
  }

  /** Puts an archived edge record as it was stored (for decoding). */
  putArchivedEdge(a: ArchivedEdge): void {
    this.assertOpen()
    this.archivedEdgesL.set(a.edge.id, a)
    this.addArchivedIncident(a.edge.subject, a.edge.id)
    if (a.edge.object !== a.edge.subject) this.addArchivedIncident(a.edge.object, a.edge.id)
  }

  private addArchivedIncident(node: string, id: string): void {
    this.archivedIncidentL.set(node, HashSet.add(this.archivedIncidentL.get(node) ?? EMPTY_SET, id))
  }

  /**
   * Builds the new graph. The draft cannot be used afterwards. The importance of every node
   * whose incident edges changed is refreshed from its strength and out-degree.
   * @complexity O(touched · log n + written keys · log n)
   */
  finish(): LiquidGraph {
    this.assertOpen()
    this.finished = true
    for (const id of this.touched) {
      const n = this.nodesL.get(id)
      if (n === undefined) continue
      const a = this.adjL.get(id)
      const importance = a === undefined ? 0 : importanceOf(a.strength, HashSet.size(a.out))
      if (importance !== n.importance) this.nodesL.set(id, { ...n, importance })
    }
    return new GraphImpl({
      nodes: this.nodesL.flush(),
      edges: this.edgesL.flush(),
      adjacency: this.adjL.flush(),
      slots: this.slotsL.flush(),
      aliases: HashMap.endMutation(this.aliasesM),
      postings: this.postingsL.flush(),
      lexicalLength: this.lexicalLength,
      vectors: this.vectors,
      learned: this.learnedS,
      archivedNodes: this.archivedNodesL.flush(),
      archivedEdges: this.archivedEdgesL.flush(),
      archivedIncident: this.archivedIncidentL.flush(),
      tombstones: this.tombstonesS
    })
  }

  /** Builds the graph keeping every stored score as it is (for decoding stored graphs). */
  finishKeepingScores(): LiquidGraph {
    this.touched.clear()
    return this.finish()
  }

  private assertOpen(): void {
    if (this.finished) throw new Error("Draft used after finish")
  }
}

/** The provenance of edges that have none (one frozen array shared by all). */
const EMPTY_PROVENANCE: ReadonlyArray<string> = Object.freeze([])

const sameStrings = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Removes `id` from the set at `key`, dropping the key when the set becomes empty. */
const shrink = (layer: Layer<HashSet.HashSet<string>>, key: string, id: string): void => {
  const cur = layer.get(key)
  if (cur === undefined) return
  const next = HashSet.remove(cur, id)
  if (HashSet.size(next) === 0) layer.remove(key)
  else if (next !== cur) layer.set(key, next)
}

/**
 * Removes `id` from the slot at `key`: a set of two becomes the bare remaining id, a bare id
 * equal to `id` drops the key.
 */
const shrinkSlot = (layer: Layer<SlotEntry>, key: string, id: string): void => {
  const cur = layer.get(key)
  if (cur === undefined) return
  if (typeof cur === "string") {
    if (cur === id) layer.remove(key)
    return
  }
  const next = HashSet.remove(cur, id)
  if (next === cur) return
  const size = HashSet.size(next)
  if (size === 0) layer.remove(key)
  else if (size === 1) layer.set(key, next[Symbol.iterator]().next().value as string)
  else layer.set(key, next)
}

/** The adjacency of a node without edges. */
const NO_ADJACENCY: Adjacency = { out: EMPTY_SET, inc: EMPTY_SET, strength: 0 }

/** The empty answer of the id getters (frozen, shared). */
const NO_IDS: ReadonlyArray<string> = Object.freeze([])

/**
 * Opens a {@link Draft} over `g`.
 * @complexity O(1)
 */
export const draft = (g: LiquidGraph): Draft => new Draft(g)

// ── equality and hashing ──────────────────────────────────────────────────────

/**
 * Structural equality: same nodes, edges, aliases, archive and tombstones (field by field) and
 * vectors (bit by bit).
 * Laws: reflexive, symmetric, transitive; `equals(a, b) ⇒ contentHash(a) == contentHash(b)`.
 * @complexity O(n + m + vectors · dim)
 */
export const equals = (a: LiquidGraph, b: LiquidGraph): boolean =>
  a === b ||
  (HashMap.size(a.nodes) === HashMap.size(b.nodes) &&
    HashMap.size(a.edges) === HashMap.size(b.edges) &&
    Equal.equals(a.nodes, b.nodes) &&
    Equal.equals(a.edges, b.edges) &&
    Equal.equals(a.aliases, b.aliases) &&
    Equal.equals(a.learned, b.learned) &&
    HashMap.size(a.archivedNodes) === HashMap.size(b.archivedNodes) &&
    HashMap.size(a.archivedEdges) === HashMap.size(b.archivedEdges) &&
    Equal.equals(a.archivedNodes, b.archivedNodes) &&
    Equal.equals(a.archivedEdges, b.archivedEdges) &&
    Equal.equals(a.tombstones, b.tombstones) &&
    VectorStore.equals(a.vectors, b.vectors))

/**
 * A stable 64-bit content hash (16 hex digits): the same for structurally equal graphs, on any
 * platform and run, independent of construction order. Cached per graph value.
 * @complexity O(n + m + vectors · dim) the first time, O(1) after.
 */
export const contentHash = (g: LiquidGraph): string =>
  (g as GraphImpl).cachedHash(() => {
    const fp = new Fingerprint()
    for (const n of HashMap.values(g.nodes)) fp.add(NodeM.canonical(n))
    for (const e of HashMap.values(g.edges)) fp.add(FactM.canonical(e))
    for (const [from, to] of g.aliases) fp.add(JSON.stringify(["a", from, to]))
    for (const r of g.learned) fp.add(JSON.stringify(["l", r]))
    // the archive adds nothing when empty, so a graph without one keeps its former hash
    for (const a of HashMap.values(g.archivedNodes)) fp.add("an|" + a.archivedAt + "|" + NodeM.canonical(a.node))
    for (const a of HashMap.values(g.archivedEdges)) fp.add("ae|" + a.archivedAt + "|" + FactM.canonical(a.edge))
    for (const id of g.tombstones) fp.add(JSON.stringify(["t", id]))
    fp.add("dim|" + (g.vectors.size === 0 ? 0 : g.vectors.dim))
    // each live vector as VectorStore.fingerprint adds it ("v|id|" + base64 of its float32
    // bytes), hashed straight from the floats without building the base64 text
    const dim = g.vectors.dim
    VectorStore.forEachPage(g.vectors, (data, rows, dead, ids) => {
      for (let r = 0; r < rows; r++) {
        if (dead !== undefined && dead[r] !== 0) continue
        fp.addVector("v|" + ids[r]! + "|", data.subarray(r * dim, (r + 1) * dim))
      }
    })
    return fp.digest()
  })

// ── JSON ──────────────────────────────────────────────────────────────────────

/**
 * The Schema of the JSON form of a graph.
 * @since 0.1.0
 */
export const GraphJson = Schema.Struct({
  format: Schema.Literal("mags-lkg/1"),
  nodes: Schema.Array(NodeM.MemoryNode),
  edges: Schema.Array(FactM.Fact),
  aliases: Schema.Array(Schema.Tuple([Schema.String, Schema.String])),
  learned: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  /** The archive (absent when empty, and in snapshots written before it existed). */
  archive: Schema.optionalKey(Schema.Struct({
    nodes: Schema.Array(Schema.Struct({ archivedAt: Schema.Finite, node: NodeM.MemoryNode })),
    edges: Schema.Array(Schema.Struct({ archivedAt: Schema.Finite, edge: FactM.Fact }))
  })),
  /** Digests ({@link tombstoneOf}) of the ids deleted by `forget` (absent when none). */
  tombstones: Schema.optionalKey(Schema.Array(Schema.String.check(Schema.isPattern(/^[0-9a-f]{16}$/)))),
  vectors: Schema.Struct({
    dim: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
    entries: Schema.Array(Schema.Tuple([Schema.String, Schema.String]))
  })
})
export type GraphJson = typeof GraphJson.Type

const byId = (x: { readonly id: string }, y: { readonly id: string }): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)

/**
 * The JSON form: entities sorted by id, vectors as base64 float32, so equal graphs encode to
 * identical text.
 * Laws: `fromJSON(toJSON(g)) == Result.succeed(g)` (round trip).
 * @complexity O((n + m) log (n + m) + vectors · dim)
 */
export const toJSON = (g: LiquidGraph): GraphJson => ({
  format: "mags-lkg/1",
  nodes: nodes(g).sort(byId),
  edges: edges(g).sort(byId),
  aliases: Array.from(g.aliases).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
  ...(HashSet.size(g.learned) === 0 ? {} : { learned: Array.from(g.learned).sort() }),
  ...(HashMap.size(g.archivedNodes) + HashMap.size(g.archivedEdges) === 0 ? {} : {
    archive: {
      nodes: Array.from(HashMap.values(g.archivedNodes)).sort((x, y) => byId(x.node, y.node)).map((a) => ({ archivedAt: a.archivedAt, node: a.node })),
      edges: Array.from(HashMap.values(g.archivedEdges)).sort((x, y) => byId(x.edge, y.edge)).map((a) => ({ archivedAt: a.archivedAt, edge: a.edge }))
    }
  }),
  ...(HashSet.size(g.tombstones) === 0 ? {} : { tombstones: Array.from(g.tombstones).sort() }),
  vectors: VectorStore.encode(g.vectors)
})

const decodeGraphJson = Schema.decodeUnknownResult(GraphJson)

/**
 * Decodes and validates the JSON form: the Schema, unique ids (an id is never both active and
 * archived), every active edge's ends active nodes, every archived edge's ends nodes (active or
 * archived) or merged ids, every vector belonging to a node (active or archived).
 * @complexity O((n + m) log (n + m) + vectors · dim)
 */
export const fromJSON = (input: unknown): Result.Result<LiquidGraph, InvalidGraph> => {
  const decoded = decodeGraphJson(input)
  if (Result.isFailure(decoded)) return Result.fail(new InvalidGraph({ message: String(decoded.failure) }))
  const json = decoded.success
  const vectors = VectorStore.decode(json.vectors)
  if (typeof vectors === "string") return Result.fail(new InvalidGraph({ message: vectors }))
  const d = draft(empty(json.vectors.dim))
  for (const n of json.nodes) {
    if (d.hasNode(n.id)) return Result.fail(new InvalidGraph({ message: `node ${n.id} appears twice` }))
    d.putNode(n)
  }
  for (const e of json.edges) {
    if (d.hasEdge(e.id)) return Result.fail(new InvalidGraph({ message: `edge ${e.id} appears twice` }))
    if (!d.hasNode(e.subject) || !d.hasNode(e.object)) {
      return Result.fail(new InvalidGraph({ message: `edge ${e.id} has an endpoint that is not a node` }))
    }
    d.putEdge(e)
  }
  for (const a of json.archive?.nodes ?? []) {
    if (d.hasNode(a.node.id) || d.archivedNode(a.node.id) !== undefined) {
      return Result.fail(new InvalidGraph({ message: `node ${a.node.id} appears twice` }))
    }
    d.putArchivedNode(a)
  }
  const merged = new Set(json.aliases.map(([from]) => from))
  const isEnd = (id: string): boolean => d.hasNode(id) || d.archivedNode(id) !== undefined || merged.has(id)
  for (const a of json.archive?.edges ?? []) {
    if (d.hasEdge(a.edge.id) || d.archivedEdge(a.edge.id) !== undefined) {
      return Result.fail(new InvalidGraph({ message: `edge ${a.edge.id} appears twice` }))
    }
    if (!isEnd(a.edge.subject) || !isEnd(a.edge.object)) {
      return Result.fail(new InvalidGraph({ message: `archived edge ${a.edge.id} has an end that is not a node` }))
    }
    d.putArchivedEdge(a)
  }
  d.putTombstones(json.tombstones ?? [])
  for (const [from, to] of json.aliases) d.putAlias(from, to)
  for (const r of json.learned ?? []) d.learn(r)
  for (const [id] of json.vectors.entries) {
    if (!d.hasNode(id) && d.archivedNode(id) === undefined) return Result.fail(new InvalidGraph({ message: `vector ${id} belongs to no node` }))
  }
  d.vectors = vectors
  const g = d.finishKeepingScores()
  return Result.succeed(g)
}
