/**
 * Connect — "how are A and B connected?": the strongest path between two nodes.
 *
 * The strength of a path is the product of its edges' weights (a chain is as strong as the
 * product of its links, the same measure recall's walk thresholds on). The strongest path is
 * found by bidirectional Dijkstra on the cost `−log w`, run directly on products: every weight
 * is in [0, 1], so extending a path never raises its product, which is the monotonicity
 * Dijkstra needs. The two searches stop by the standard rule (the strongest unsettled labels of
 * the two sides multiply to no more than the best meeting found), so the answer stays exact.
 *
 * The view is the *current, undirected* graph: every edge kind (`fact`, `association`,
 * `mention`) is followed in both directions; superseded or ended facts (history) are ignored;
 * an edge of weight 0 connects nothing (its path would have strength 0).
 *
 * `connect` only reads: it returns no graph and changes nothing.
 *
 * @since 0.1.0
 */
import { HashMap, Option } from "effect"
import { dual } from "effect/Function"
import { InvalidInput } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import type { Fact } from "./Fact.ts"
import * as Key from "./Key.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * A path through the graph: `nodes[i]` and `nodes[i + 1]` are the endpoints (in either
 * direction) of edge `edges[i]`; `weight` is the product of the edges' weights (1 for the empty
 * path, `edges.length == 0`).
 */
export interface Path {
  readonly nodes: ReadonlyArray<string>
  readonly edges: ReadonlyArray<string>
  readonly weight: number
}

/**
 * A binary heap ordered by `before` (the element that must come out first).
 * @internal shared with `Recall`'s best-first walk.
 */
export class Heap<A> {
  private readonly items: Array<A> = []
  private readonly before: (x: A, y: A) => boolean
  constructor(before: (x: A, y: A) => boolean) {
    this.before = before
  }
  get size(): number {
    return this.items.length
  }
  push(x: A): void {
    const h = this.items
    h.push(x)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(h[i]!, h[p]!)) break
      ;[h[p], h[i]] = [h[i]!, h[p]!]
      i = p
    }
  }
  /** The element `pop` would return, left in place. */
  peek(): A | undefined {
    return this.items[0]
  }
  pop(): A | undefined {
    const h = this.items
    if (h.length === 0) return undefined
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i]!, h[m]!]
        i = m
      }
    }
    return top
  }
}

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * The weight of a path with these edge weights: their product, taken in ascending order so that
 * a path and its reverse have bit-identical weights.
 *
 * Laws: `pathWeight(ws) == pathWeight(reverse(ws))`; `pathWeight([]) == 1`; in [0, 1].
 * @complexity O(k log k)
 * @example
 * ```ts
 * Connect.pathWeight([0.5, 0.8]) // 0.4
 * ```
 */
export const pathWeight = (weights: ReadonlyArray<number>): number => {
  const sorted = weights.slice().sort((x, y) => x - y)
  let w = 1
  for (const x of sorted) w *= x
  return w
}

/**
 * The node a label or id stands for: the id itself when it is a node, else the node of its
 * normalised key (`Key.node`), following the aliases of merged nodes; `undefined` when none.
 *
 * Laws: `resolveNode(g, id) == id` for every node id of `g`.
 * @complexity O(|label| + log n)
 * @example
 * ```ts
 * Connect.resolveNode(g, "The Eiffel-Tower") // "eiffel tower" when that node exists
 * ```
 */
export const resolveNode = (g: LiquidGraph.LiquidGraph, labelOrId: string): string | undefined => {
  const direct = LiquidGraph.resolve(g, labelOrId)
  if (LiquidGraph.hasNode(g, direct)) return direct
  const key = LiquidGraph.resolve(g, Key.node(labelOrId))
  return LiquidGraph.hasNode(g, key) ? key : undefined
}

// ── the query ─────────────────────────────────────────────────────────────────

interface Entry {
  readonly node: string
  readonly weight: number
}

const strongerFirst = (x: Entry, y: Entry): boolean => x.weight > y.weight || (x.weight === y.weight && x.node < y.node)

/** One direction of the bidirectional search: labels, predecessors, settled nodes, frontier. */
interface Side {
  readonly best: Map<string, number>
  readonly via: Map<string, { readonly from: string; readonly edge: Fact }>
  readonly settled: Set<string>
  readonly heap: Heap<Entry>
  /** Incident edges examined so far (the side with less work expands next). */
  work: number
}

const side = (root: string): Side => {
  const heap = new Heap<Entry>(strongerFirst)
  heap.push({ node: root, weight: 1 })
  return { best: new Map([[root, 1]]), via: new Map(), settled: new Set(), heap, work: 0 }
}

/** The strongest unsettled frontier entry of a side (dropping stale ones), or `undefined`. */
const frontier = (s: Side): Entry | undefined => {
  for (let top = s.heap.peek(); top !== undefined; top = s.heap.peek()) {
    if (!s.settled.has(top.node)) return top
    s.heap.pop()
  }
  return undefined
}

/**
 * Bidirectional Dijkstra on products (cost `−log w`): a forward search from `source` and a
 * backward one from `target`, the side that has examined fewer edges expanding next. `mu` is the
 * best `best_f(x) · best_b(x)` over nodes labelled by both (ties: smaller node id), i.e. the
 * strongest source–target path found so far. Standard stopping rule: once
 * `top_f · top_b ≤ mu` (the strongest unsettled labels of each side), no path stronger than `mu`
 * remains, because such a path has a node unsettled by both sides, or an edge from a forward- to
 * a backward-settled node that was scanned. A relaxation weaker than `mu` is dropped (weights
 * are ≤ 1, so it cannot lead past `mu`).
 *
 * Determinism: nodes settle in (weight desc, id asc) order; within one node's scan, a tie for a
 * label keeps the smaller edge id, so the result does not depend on edge-set iteration order.
 */
const strongest = (g: LiquidGraph.LiquidGraph, source: string, target: string): Path | undefined => {
  const fwd = side(source)
  const bwd = side(target)
  let mu = 0
  let meet: string | undefined = undefined
  const edges = g.edges
  for (;;) {
    const tf = frontier(fwd)
    const tb = frontier(bwd)
    if (tf === undefined || tb === undefined || tf.weight * tb.weight <= mu) break
    const [s, o, top] = fwd.work <= bwd.work ? [fwd, bwd, tf] : [bwd, fwd, tb]
    s.heap.pop()
    const u = top.node
    s.settled.add(u)
    for (let k = 0; k < 2; k++) {
      for (const eid of k === 0 ? LiquidGraph.outEdges(g, u) : LiquidGraph.inEdges(g, u)) {
        s.work++
        const e = HashMap.getUnsafe(edges, eid)
        if (e.weight <= 0 || !FactM.isCurrent(e)) continue
        const v = e.subject === u ? e.object : e.subject
        if (s.settled.has(v)) continue
        const w = top.weight * e.weight
        if (w === 0 || w < mu) continue // underflow connects nothing; weaker than mu leads nowhere better
        const old = s.best.get(v)
        if (old === undefined || w > old) {
          s.best.set(v, w)
          s.via.set(v, { from: u, edge: e })
          s.heap.push({ node: v, weight: w })
        } else if (w === old) {
          const prev = s.via.get(v)!
          if (prev.from === u && eid < prev.edge.id) s.via.set(v, { from: u, edge: e })
          continue
        } else continue
        const other = o.best.get(v)
        if (other !== undefined) {
          const cand = w * other
          if (cand > mu || (cand === mu && cand > 0 && meet !== undefined && v < meet)) {
            mu = cand
            meet = v
          }
        }
      }
    }
  }
  if (meet === undefined || mu === 0) return undefined
  const nodes: Array<string> = [meet]
  const path: Array<Fact> = []
  for (let cur = meet; cur !== source;) {
    const step = fwd.via.get(cur)!
    path.push(step.edge)
    nodes.push(step.from)
    cur = step.from
  }
  nodes.reverse()
  path.reverse()
  for (let cur = meet; cur !== target;) {
    const step = bwd.via.get(cur)!
    path.push(step.edge)
    nodes.push(step.from)
    cur = step.from
  }
  // The two halves can share a node only through a cycle of weight-1 edges (or rounding): cut
  // such cycles out, which never weakens the path, so it stays the strongest and is simple.
  const first = new Map<string, number>()
  const simpleNodes: Array<string> = []
  const simpleEdges: Array<Fact> = []
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!
    const j = first.get(n)
    if (j !== undefined) {
      for (let k = j + 1; k < simpleNodes.length; k++) first.delete(simpleNodes[k]!)
      simpleNodes.length = j + 1
      simpleEdges.length = j
    } else {
      if (i > 0) simpleEdges.push(path[i - 1]!)
      first.set(n, simpleNodes.length)
      simpleNodes.push(n)
    }
  }
  return { nodes: simpleNodes, edges: simpleEdges.map((e) => e.id), weight: pathWeight(simpleEdges.map((e) => e.weight)) }
}

/**
 * The strongest path between `a` and `b` (labels or ids, see {@link resolveNode}) over the
 * current undirected view: the path maximising the product of edge weights, from `a` to `b`.
 * `Option.none()` when either end is not a node or no path of positive strength joins them.
 *
 * Determinism and symmetry: the search always runs from the smaller of the two node ids, with
 * ties broken by node and edge id, and the answer for the other direction is the same path
 * reversed; the weight is {@link pathWeight} (order-independent), so the two directions report
 * bit-identical weights.
 *
 * Laws:
 * - `connect(g, a, a) == some({ nodes: [a], edges: [], weight: 1 })` for a node `a`;
 * - `weight(connect(g, a, b)) == weight(connect(g, b, a))`, and the paths are reverses;
 * - `weight(p) == pathWeight(weights of p.edges)`; consecutive edges join consecutive nodes;
 * - no simple path between `a` and `b` in the current view is stronger (exhaustive check).
 *
 * `params` is taken for uniformity with the transitions (and replay); no parameter bounds the
 * search, so the answer is exact.
 *
 * @throws InvalidInput when `a` or `b` is blank.
 * @complexity O((V + E) log V) over the two balls explored before the stopping rule holds
 * (bidirectional Dijkstra with binary heaps, one edge lookup per examined edge); read-only.
 * Measured: p50 ≈ 7–10 ms between random entities at 10^5 facts (was ≈ 260 ms one-directional).
 * @example
 * ```ts
 * Connect.connect(g, "Alice", "Paris", params) // Option.some({ nodes: ["alice", "bob", "paris"], ... })
 * g.pipe(Connect.connect("alice", "paris", params))
 * ```
 */
export const connect: {
  (a: string, b: string, params: Params): (graph: LiquidGraph.LiquidGraph) => Option.Option<Path>
  (graph: LiquidGraph.LiquidGraph, a: string, b: string, params: Params): Option.Option<Path>
} = dual(
  4,
  (graph: LiquidGraph.LiquidGraph, a: string, b: string, _params: Params): Option.Option<Path> => {
    for (const [name, label] of [["a", a], ["b", b]] as const) {
      if (typeof label !== "string" || label.trim().length === 0) {
        throw new InvalidInput({ transition: "connect", message: `${name} must be a non-blank label or id` })
      }
    }
    const from = resolveNode(graph, a)
    const to = resolveNode(graph, b)
    if (from === undefined || to === undefined) return Option.none()
    if (from === to) return Option.some({ nodes: [from], edges: [], weight: 1 })
    const forward = from < to
    const p = forward ? strongest(graph, from, to) : strongest(graph, to, from)
    if (p === undefined) return Option.none()
    return Option.some(forward ? p : { nodes: p.nodes.slice().reverse(), edges: p.edges.slice().reverse(), weight: p.weight })
  }
)
