/**
 * LiquidGraph — the persistent liquid knowledge graph, as an immutable value.
 *
 * Model: persistent hash maps (effect's `HashMap`, a HAMT) of nodes and edges, three indexes
 * derived from the edges (out-edges, in-edges, and the "slot" index subject|relation → facts that
 * `reconcile` reads), an alias map for merged nodes, and a {@link VectorStore} of embeddings. An
 * update copies O(log n) HAMT nodes and shares the rest, so every earlier version stays valid
 * and unchanged (persistence).
 *
 * The graph is a value: `Equal` and `Hash` are structural (content, not layout), it has `pipe`,
 * `toJSON` (Schema-encoded, sorted, stable), and a stable 64-bit {@link contentHash} that two
 * replays can compare.
 *
 * Transitions never touch the maps directly: they go through a {@link Draft}, the one place
 * that keeps the indexes and the derived `importance` score consistent.
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
import { Fingerprint } from "./internal/hash.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

const TypeId = "~mags/LiquidGraph"

/** The persistent liquid knowledge graph. */
export interface LiquidGraph extends Equal.Equal, Pipeable {
  readonly [TypeId]: typeof TypeId
  readonly nodes: HashMap.HashMap<string, MemoryNode>
  readonly edges: HashMap.HashMap<string, Fact>
  /** node id → ids of edges whose subject it is */
  readonly out: HashMap.HashMap<string, HashSet.HashSet<string>>
  /** node id → ids of edges whose object it is */
  readonly inc: HashMap.HashMap<string, HashSet.HashSet<string>>
  /** `subject|relation` → ids of `fact` edges in that slot (current and historical) */
  readonly slots: HashMap.HashMap<string, HashSet.HashSet<string>>
  /** merged node id → the id it was merged into (possibly itself merged later) */
  readonly aliases: HashMap.HashMap<string, string>
  /**
   * node id → Σ of its incident edges' weights in fixed point ({@link quantise}): an exact
   * integer, so the sum does not depend on the order edges were added or removed. Derived from
   * the edges (not part of equality, hash or JSON); it makes `importance` O(1) to maintain.
   */
  readonly strength: HashMap.HashMap<string, number>
  readonly vectors: VectorStore.VectorStore
  toJSON(): GraphJson
}

class GraphImpl implements LiquidGraph {
  readonly [TypeId] = TypeId
  private hashCache: string | undefined
  readonly nodes: HashMap.HashMap<string, MemoryNode>
  readonly edges: HashMap.HashMap<string, Fact>
  readonly out: HashMap.HashMap<string, HashSet.HashSet<string>>
  readonly inc: HashMap.HashMap<string, HashSet.HashSet<string>>
  readonly slots: HashMap.HashMap<string, HashSet.HashSet<string>>
  readonly aliases: HashMap.HashMap<string, string>
  readonly strength: HashMap.HashMap<string, number>
  readonly vectors: VectorStore.VectorStore
  constructor(
    nodes: HashMap.HashMap<string, MemoryNode>,
    edges: HashMap.HashMap<string, Fact>,
    out: HashMap.HashMap<string, HashSet.HashSet<string>>,
    inc: HashMap.HashMap<string, HashSet.HashSet<string>>,
    slots: HashMap.HashMap<string, HashSet.HashSet<string>>,
    aliases: HashMap.HashMap<string, string>,
    strength: HashMap.HashMap<string, number>,
    vectors: VectorStore.VectorStore
  ) {
    this.nodes = nodes
    this.edges = edges
    this.out = out
    this.inc = inc
    this.slots = slots
    this.aliases = aliases
    this.strength = strength
    this.vectors = vectors
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
    return `LiquidGraph(${HashMap.size(this.nodes)} nodes, ${HashMap.size(this.edges)} edges, ${this.vectors.size} vectors)`
  }
  /** @internal */
  cachedHash(compute: () => string): string {
    if (this.hashCache === undefined) this.hashCache = compute()
    return this.hashCache
  }
}

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
  new GraphImpl(
    HashMap.empty(),
    HashMap.empty(),
    HashMap.empty(),
    HashMap.empty(),
    HashMap.empty(),
    HashMap.empty(),
    HashMap.empty(),
    VectorStore.empty(dim)
  )

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
  Option.getOrElse(HashMap.get(g.out, id), () => EMPTY_SET)

/** Ids of edges whose object is `id`. @complexity O(log n) */
export const inEdges = (g: LiquidGraph, id: string): HashSet.HashSet<string> =>
  Option.getOrElse(HashMap.get(g.inc, id), () => EMPTY_SET)

/** Edges incident to `id`, out-edges first. @complexity O(degree · log m) */
export const incident = (g: LiquidGraph, id: string): Array<Fact> => {
  const out: Array<Fact> = []
  for (const e of outEdges(g, id)) out.push(HashMap.getUnsafe(g.edges, e))
  for (const e of inEdges(g, id)) out.push(HashMap.getUnsafe(g.edges, e))
  return out
}

/** Number of incident edges. @complexity O(log n) */
export const degree = (g: LiquidGraph, id: string): number => HashSet.size(outEdges(g, id)) + HashSet.size(inEdges(g, id))

/** The `fact` edges of a subject and relation (current and historical). @complexity O(k · log m) */
export const slot = (g: LiquidGraph, subject: string, relation: string): Array<Fact> => {
  const ids = HashMap.get(g.slots, FactM.slotKey(subject, relation))
  if (Option.isNone(ids)) return []
  const out: Array<Fact> = []
  for (const e of ids.value) out.push(HashMap.getUnsafe(g.edges, e))
  return out
}

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

/** Importance from a fixed-point strength and an out-degree. */
const importanceOf = (strength: number, outDegree: number): number => (strength / STRENGTH_SCALE) * Math.max(1, outDegree)

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
export const strengthOf = (g: LiquidGraph, id: string): number => Option.getOrElse(HashMap.get(g.strength, id), () => 0)

// ── the draft: the one place that mutates ─────────────────────────────────────

/**
 * A transient, single-owner builder over a graph. Transitions make one with {@link draft}, apply
 * their changes, and call {@link Draft.finish}. The source graph is never modified.
 *
 * Invariants the draft keeps: every edge's endpoints exist; `out`/`inc`/`slots` agree with the
 * edges; a removed node takes its incident edges and its vector with it; the `importance` of
 * every node whose incident edges changed is recomputed on `finish`.
 */
export class Draft {
  private nodesM: HashMap.HashMap<string, MemoryNode>
  private edgesM: HashMap.HashMap<string, Fact>
  private outM: HashMap.HashMap<string, HashSet.HashSet<string>>
  private incM: HashMap.HashMap<string, HashSet.HashSet<string>>
  private slotsM: HashMap.HashMap<string, HashSet.HashSet<string>>
  private aliasesM: HashMap.HashMap<string, string>
  private strengthM: HashMap.HashMap<string, number>
  /** The draft's vector store; transitions may read it directly. */
  vectors: VectorStore.VectorStore
  private readonly touched = new Set<string>()
  private finished = false

  readonly source: LiquidGraph
  constructor(source: LiquidGraph) {
    this.source = source
    this.nodesM = HashMap.beginMutation(source.nodes)
    this.edgesM = HashMap.beginMutation(source.edges)
    this.outM = HashMap.beginMutation(source.out)
    this.incM = HashMap.beginMutation(source.inc)
    this.slotsM = HashMap.beginMutation(source.slots)
    this.aliasesM = HashMap.beginMutation(source.aliases)
    this.strengthM = HashMap.beginMutation(source.strength)
    this.vectors = source.vectors
  }

  // reads
  node(id: string): MemoryNode | undefined {
    return Option.getOrUndefined(HashMap.get(this.nodesM, id))
  }
  edge(id: string): Fact | undefined {
    return Option.getOrUndefined(HashMap.get(this.edgesM, id))
  }
  hasNode(id: string): boolean {
    return HashMap.has(this.nodesM, id)
  }
  hasEdge(id: string): boolean {
    return HashMap.has(this.edgesM, id)
  }
  outEdges(id: string): HashSet.HashSet<string> {
    return Option.getOrElse(HashMap.get(this.outM, id), () => EMPTY_SET)
  }
  inEdges(id: string): HashSet.HashSet<string> {
    return Option.getOrElse(HashMap.get(this.incM, id), () => EMPTY_SET)
  }
  /** Edges incident to `id` (a snapshot array, safe to mutate the draft while iterating it). */
  incident(id: string): Array<Fact> {
    const out: Array<Fact> = []
    for (const e of this.outEdges(id)) out.push(HashMap.getUnsafe(this.edgesM, e))
    for (const e of this.inEdges(id)) out.push(HashMap.getUnsafe(this.edgesM, e))
    return out
  }
  slot(subject: string, relation: string): Array<Fact> {
    const ids = HashMap.get(this.slotsM, FactM.slotKey(subject, relation))
    if (Option.isNone(ids)) return []
    const out: Array<Fact> = []
    for (const e of ids.value) out.push(HashMap.getUnsafe(this.edgesM, e))
    return out
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
    return HashMap.size(this.nodesM)
  }
  edgeCount(): number {
    return HashMap.size(this.edgesM)
  }

  // writes
  /** Inserts or replaces a node. */
  putNode(n: MemoryNode): void {
    this.assertOpen()
    this.nodesM = HashMap.set(this.nodesM, n.id, n)
    this.touched.add(n.id)
  }

  /** Removes a node with its incident edges and its vector. No-op when absent. */
  removeNode(id: string): void {
    this.assertOpen()
    if (!HashMap.has(this.nodesM, id)) return
    for (const e of this.incident(id)) this.removeEdge(e.id)
    this.nodesM = HashMap.remove(this.nodesM, id)
    this.outM = HashMap.remove(this.outM, id)
    this.incM = HashMap.remove(this.incM, id)
    this.strengthM = HashMap.remove(this.strengthM, id)
    this.vectors = VectorStore.remove(this.vectors, id)
    this.touched.delete(id)
  }

  /**
   * Inserts or replaces an edge. Endpoints must exist, and a replacement must keep the edge's
   * kind, subject, relation and object (identity fields): anything else is a bug in the caller.
   */
  putEdge(e: Fact): void {
    this.assertOpen()
    if (!HashMap.has(this.nodesM, e.subject) || !HashMap.has(this.nodesM, e.object)) {
      throw new Error(`Draft.putEdge: endpoint of ${e.id} missing`)
    }
    const old = Option.getOrUndefined(HashMap.get(this.edgesM, e.id))
    if (old !== undefined) {
      if (old.subject !== e.subject || old.object !== e.object || old.relation !== e.relation || old.kind !== e.kind) {
        throw new Error(`Draft.putEdge: identity of ${e.id} changed`)
      }
      this.edgesM = HashMap.set(this.edgesM, e.id, e)
      const delta = quantise(e.weight) - quantise(old.weight)
      if (delta !== 0) {
        this.addStrength(e.subject, delta)
        this.addStrength(e.object, delta)
      }
      return
    }
    this.edgesM = HashMap.set(this.edgesM, e.id, e)
    this.outM = HashMap.set(this.outM, e.subject, HashSet.add(this.outEdges(e.subject), e.id))
    this.incM = HashMap.set(this.incM, e.object, HashSet.add(this.inEdges(e.object), e.id))
    if (e.kind === "fact") {
      const k = FactM.slotKey(e.subject, e.relation)
      const cur = Option.getOrElse(HashMap.get(this.slotsM, k), () => EMPTY_SET)
      this.slotsM = HashMap.set(this.slotsM, k, HashSet.add(cur, e.id))
    }
    const q = quantise(e.weight)
    this.addStrength(e.subject, q)
    this.addStrength(e.object, q)
  }

  /** Removes an edge and its index entries. No-op when absent. */
  removeEdge(id: string): void {
    this.assertOpen()
    const e = Option.getOrUndefined(HashMap.get(this.edgesM, id))
    if (e === undefined) return
    this.edgesM = HashMap.remove(this.edgesM, id)
    this.outM = shrink(this.outM, e.subject, id)
    this.incM = shrink(this.incM, e.object, id)
    if (e.kind === "fact") this.slotsM = shrink(this.slotsM, FactM.slotKey(e.subject, e.relation), id)
    const q = quantise(e.weight)
    this.addStrength(e.subject, -q)
    this.addStrength(e.object, -q)
  }

  /** Adds a fixed-point delta to a node's strength and marks its importance for refresh. */
  private addStrength(id: string, delta: number): void {
    const next = Option.getOrElse(HashMap.get(this.strengthM, id), () => 0) + delta
    this.strengthM = next === 0 ? HashMap.remove(this.strengthM, id) : HashMap.set(this.strengthM, id, next)
    this.touched.add(id)
  }

  /** Records that `from` was merged into `into`. */
  putAlias(from: string, into: string): void {
    this.assertOpen()
    this.aliasesM = HashMap.set(this.aliasesM, from, into)
  }

  /** Sets the embedding of node `id` (must exist). */
  setVector(id: string, v: ArrayLike<number>): void {
    this.assertOpen()
    this.vectors = VectorStore.set(this.vectors, id, v)
  }

  /**
   * Builds the new graph. The draft cannot be used afterwards. The importance of every node
   * whose incident edges changed is refreshed from its strength and out-degree.
   * @complexity O(touched · log n)
   */
  finish(): LiquidGraph {
    this.assertOpen()
    this.finished = true
    for (const id of this.touched) {
      const n = Option.getOrUndefined(HashMap.get(this.nodesM, id))
      if (n === undefined) continue
      const importance = importanceOf(
        Option.getOrElse(HashMap.get(this.strengthM, id), () => 0),
        HashSet.size(this.outEdges(id))
      )
      if (importance !== n.importance) this.nodesM = HashMap.set(this.nodesM, id, { ...n, importance })
    }
    return new GraphImpl(
      HashMap.endMutation(this.nodesM),
      HashMap.endMutation(this.edgesM),
      HashMap.endMutation(this.outM),
      HashMap.endMutation(this.incM),
      HashMap.endMutation(this.slotsM),
      HashMap.endMutation(this.aliasesM),
      HashMap.endMutation(this.strengthM),
      this.vectors
    )
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

const shrink = (
  m: HashMap.HashMap<string, HashSet.HashSet<string>>,
  key: string,
  id: string
): HashMap.HashMap<string, HashSet.HashSet<string>> => {
  const cur = HashMap.get(m, key)
  if (Option.isNone(cur)) return m
  const next = HashSet.remove(cur.value, id)
  return HashSet.size(next) === 0 ? HashMap.remove(m, key) : HashMap.set(m, key, next)
}

/**
 * Opens a {@link Draft} over `g`.
 * @complexity O(1)
 */
export const draft = (g: LiquidGraph): Draft => new Draft(g)

// ── equality and hashing ──────────────────────────────────────────────────────

/**
 * Structural equality: same nodes, edges, aliases (field by field) and vectors (bit by bit).
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
    fp.add("dim|" + (g.vectors.size === 0 ? 0 : g.vectors.dim))
    VectorStore.fingerprint(g.vectors, fp)
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
  vectors: VectorStore.encode(g.vectors)
})

const decodeGraphJson = Schema.decodeUnknownResult(GraphJson)

/**
 * Decodes and validates the JSON form: the Schema, unique ids, every edge endpoint present,
 * every vector belonging to a node.
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
  for (const [from, to] of json.aliases) d.putAlias(from, to)
  for (const [id] of json.vectors.entries) {
    if (!d.hasNode(id)) return Result.fail(new InvalidGraph({ message: `vector ${id} belongs to no node` }))
  }
  d.vectors = vectors
  const g = d.finishKeepingScores()
  return Result.succeed(g)
}
