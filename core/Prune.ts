/**
 * Prune — synaptic pruning, solidification and the memory budget.
 *
 * One pass (MISSION feature 8), with `θ = input.threshold ?? pruneWeight`:
 * 1. **solidify**: every non-solidified edge with `weight ≥ solidifyWeight` and
 *    `useCount ≥ solidifyUses` becomes solidified. Solidified edges are never decayed nor removed
 *    (so a node with a solidified edge is never removed either: it is *protected*).
 * 2. **weak edges**: every non-solidified edge with `weight < θ` is removed.
 * 3. **isolated nodes**: a node is removed when it is isolated AND long inactive. An episode is
 *    isolated when its only links are (non-solidified) records of the telling — its mentions and
 *    sequence links (`Fact.isRecord`), which never decay and go to the archive with it, after
 *    which the nodes they named are checked in turn; any other node when it has no edge
 *    (`recency < now − inactiveAfter`). An isolated node that was accessed recently is kept: it
 *    was just learned or recalled, and an edge may still come; a connected node is kept however
 *    old, since its edges decide (steps 2 and 4). This rule applies throughout the pass: a node
 *    that steps 4–5 leave isolated and inactive goes too.
 * 4. **edge budget**: while `edges > maxEdges` or `edges > maxDensity · nodes`, the weakest
 *    non-solidified edge is removed (weight ascending, then id ascending).
 * 5. **node budget**: while `nodes > maxNodes`, the least important unprotected node is removed
 *    with its edges (importance, then recency, then id, ascending; importance as it stands after
 *    step 4). Removing nodes can raise the density, so step 4 then runs again.
 *
 * 6. **archive bound**: when more than `archiveVectors` archived nodes hold an embedding, the
 *    oldest of them (archivedAt, then id, ascending) lose it (`changes.vectorsCompacted`); their
 *    text, postings and provenance stay.
 *
 * **Nothing told is lost.** What leaves the active graph goes to the archive
 * (`LiquidGraph.archivedNodes` / `archivedEdges`, stamped `archivedAt = now`), whole: `fact` and
 * `mention` edges, episode sequence links (the order things were told in) and nodes
 * (`changes.edgesArchived`, `changes.nodesArchived`). Other association edges are derived
 * (attention and co-occurrence), not told: they are dropped. `changes.nodesRemoved` and
 * `changes.edgesRemoved` keep meaning "left the active graph" (archived or dropped). Archived
 * nodes stay in the lexical index and the vector store, so recall still finds them
 * (`Archive.reactivate` brings them back).
 *
 * Everything is decided by sorted keys, never by map order.
 *
 * Why the order matters for the laws: non-solidified edges kept by steps 2 and 4 always form a
 * *prefix* of one fixed order (weight descending, id descending), and step 4 stops at the
 * longest prefix that fits the budget. Hence a second pass with a higher threshold lands where a
 * single pass with that threshold does, as long as the node budget (step 5) never binds.
 *
 * @since 0.1.0
 */
import { HashSet, Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import { type Fact, isRecord, isSequence } from "./Fact.ts"
import * as Archive from "./Archive.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { MemoryNode } from "./Node.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link prune}: an optional weight threshold θ ∈ [0, 1] (default `pruneWeight`).
 * @since 0.1.0
 */
export const PruneInput = Schema.Struct({
  threshold: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})
export type PruneInput = typeof PruneInput.Type

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * Whether `e` qualifies for solidification (strong and often used).
 * Laws: `shouldSolidify(e) ⇒ e.weight ≥ solidifyWeight ∧ e.useCount ≥ solidifyUses`.
 * @complexity O(1)
 * @example
 * ```ts
 * Prune.shouldSolidify({ ...edge, weight: 0.95, useCount: 9 }, Params.defaults) // true
 * ```
 */
export const shouldSolidify = (e: Fact, params: Params): boolean =>
  !e.solidified && e.weight >= params.solidifyWeight && e.useCount >= params.solidifyUses

/**
 * Whether node `n` counts as long inactive at `now`.
 * Laws: monotone in `now`.
 * @complexity O(1)
 * @example
 * ```ts
 * Prune.isInactive(node, Params.defaults, node.recency + 61 * DAY) // true
 * ```
 */
export const isInactive = (n: MemoryNode, params: Params, now: number): boolean => n.recency < now - params.inactiveAfter

/**
 * Whether the budget admits `edges` edges over `nodes` nodes (node budget aside).
 * @complexity O(1)
 * @example
 * ```ts
 * Prune.edgesFit(100, 10, Params.defaults) // true (density 10 ≤ 64)
 * ```
 */
export const edgesFit = (edges: number, nodes: number, params: Params): boolean =>
  edges <= params.maxEdges && edges <= params.maxDensity * nodes

// ── transitions ───────────────────────────────────────────────────────────────

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const validate = (input: PruneInput, now: number): void => {
  const t = input?.threshold
  if (t !== undefined && (typeof t !== "number" || !Number.isFinite(t) || t < 0 || t > 1)) {
    throw new InvalidInput({ transition: "prune", message: `threshold must be a number in [0, 1], got ${String(t)}` })
  }
  if (!Number.isFinite(now)) throw new InvalidInput({ transition: "prune", message: `now must be finite, got ${now}` })
}

/** The pass state: a draft and the bookkeeping that keeps its decisions deterministic. */
class Pass {
  readonly d: LiquidGraph.Draft
  readonly changes = new Collector()
  readonly params: Params
  readonly now: number
  /** The source's edges and nodes, sorted by id: a pass only removes, so the draft's are among them. */
  readonly edges: ReadonlyArray<Fact>
  readonly nodes: ReadonlyArray<MemoryNode>
  constructor(graph: LiquidGraph.LiquidGraph, params: Params, now: number) {
    this.d = LiquidGraph.draft(graph)
    this.params = params
    this.now = now
    this.edges = LiquidGraph.edges(graph).sort((a, b) => cmp(a.id, b.id))
    this.nodes = LiquidGraph.nodes(graph).sort((a, b) => cmp(a.id, b.id))
  }
  degree(id: string): number {
    return HashSet.size(this.d.outEdges(id)) + HashSet.size(this.d.inEdges(id))
  }
  /**
   * The links of episode `id` that keep it active (any edge but a record of the telling), and its
   * records (`Fact.isRecord`: mentions and sequence links, sorted by id). A solidified record keeps
   * it active too (a solidified edge is never removed).
   */
  links(id: string): { readonly others: number; readonly records: ReadonlyArray<Fact> } {
    let others = 0
    const records: Array<Fact> = []
    for (const e of this.d.incident(id)) {
      if (isRecord(e) && !e.solidified) records.push(e)
      else others++
    }
    return { others, records: records.sort((a, b) => cmp(a.id, b.id)) }
  }
  /**
   * Archives `id` when it is isolated and long inactive. An episode counts as isolated when its
   * only links are records of the telling: they go to the archive with it, and the nodes they
   * named are then checked in turn (id order). Any other node is isolated at degree 0.
   */
  dropIfIdle(id: string): void {
    const n = this.d.node(id)
    if (n === undefined || !isInactive(n, this.params, this.now)) return
    if (n.kind !== "episode") {
      if (this.degree(id) === 0) this.archiveNode(id)
      return
    }
    const { others, records } = this.links(id)
    if (others > 0) return
    for (const e of records) this.takeOut(e)
    this.archiveNode(id)
    const ends = new Set<string>()
    for (const e of records) ends.add(e.subject === id ? e.object : e.subject)
    for (const m of Array.from(ends).sort(cmp)) if (m !== id) this.dropIfIdle(m)
  }
  /** Archives an isolated node. */
  archiveNode(id: string): void {
    this.d.archiveNode(id, this.now)
    this.changes.nodesRemoved.push(id)
    this.changes.nodesArchived.push(id)
  }
  /** Takes edge `id` out of the active graph: to the archive, or dropped when it is an association other than a sequence link. */
  takeOut(e: Fact): void {
    if (!this.d.hasEdge(e.id)) return // already gone: with an idle episode (its sequence links)
    if (e.kind === "association" && !isSequence(e)) this.d.removeEdge(e.id)
    else {
      this.d.archiveEdge(e.id, this.now)
      this.changes.edgesArchived.push(e.id)
    }
    this.changes.edgesRemoved.push(e.id)
  }
  removeEdge(e: Fact): void {
    this.takeOut(e)
    this.dropIfIdle(e.subject)
    if (e.object !== e.subject) this.dropIfIdle(e.object)
  }
  /** Step 4: removes the weakest non-solidified edges until the edge budget holds. */
  edgeBudget(): void {
    if (edgesFit(this.d.edgeCount(), this.d.nodeCount(), this.params)) return
    const removable: Array<Fact> = []
    for (const e of this.edges) {
      const cur = this.d.edge(e.id)
      if (cur !== undefined && !cur.solidified) removable.push(cur)
    }
    removable.sort((a, b) => a.weight - b.weight || cmp(a.id, b.id))
    for (const e of removable) {
      if (edgesFit(this.d.edgeCount(), this.d.nodeCount(), this.params)) return
      this.removeEdge(e)
    }
  }
  /** Step 5: removes the least important unprotected nodes until the node budget holds. */
  nodeBudget(): boolean {
    if (this.d.nodeCount() <= this.params.maxNodes) return false
    const candidates: Array<{ n: MemoryNode; importance: number }> = []
    for (const n of this.nodes) {
      if (!this.d.hasNode(n.id)) continue
      const incident = this.d.incident(n.id)
      if (incident.some((e) => e.solidified)) continue
      // summed in sorted order so that the float result does not depend on set iteration order
      let sum = 0
      for (const w of incident.map((e) => e.weight).sort((a, b) => a - b)) sum += w
      candidates.push({ n, importance: sum * Math.max(1, HashSet.size(this.d.outEdges(n.id))) })
    }
    candidates.sort((a, b) => a.importance - b.importance || a.n.recency - b.n.recency || cmp(a.n.id, b.n.id))
    let removed = false
    for (const { n } of candidates) {
      if (this.d.nodeCount() <= this.params.maxNodes) break
      if (!this.d.hasNode(n.id)) continue // already dropped as idle
      const neighbours = new Set<string>()
      for (const e of this.d.incident(n.id).sort((a, b) => cmp(a.id, b.id))) {
        if (this.d.edge(e.id) === undefined) continue // a self-loop, listed twice
        this.takeOut(e)
        neighbours.add(e.subject === n.id ? e.object : e.subject)
      }
      this.archiveNode(n.id)
      removed = true
      for (const m of Array.from(neighbours).sort(cmp)) if (m !== n.id) this.dropIfIdle(m)
    }
    return removed
  }
}

/**
 * Prunes `graph` at threshold `θ = input.threshold ?? params.pruneWeight` (see the module doc).
 *
 * Laws:
 * - `prune(prune(g, θ), θ) == prune(g, θ)` (idempotent), budgets binding or not;
 * - `prune(prune(g, θ1), θ2) == prune(g, max(θ1, θ2))` whenever `nodeCount(g) ≤ maxNodes` (the
 *   node budget never binds; the edge and density budgets may);
 * - no solidified edge is ever removed; every edge kept that is not solidified has `weight ≥ θ`;
 * - no kept node is both isolated (an episode: records aside) and long inactive;
 * - after a pass `edges ≤ maxEdges` and `edges ≤ maxDensity · nodes` unless every remaining edge
 *   is solidified, and `nodes ≤ maxNodes` unless every remaining node is protected;
 * - `changes` list solidified edges (by id), then removals in the order they were made;
 * - nothing told is lost: every node and every `fact` or `mention` edge of `g` is, afterwards,
 *   active or archived (`LiquidGraph.isArchived`), its record unchanged except solidification and
 *   an archived node's importance (0); only association edges other than sequence links are dropped;
 * - at most `archiveVectors` archived nodes hold an embedding afterwards (when more did before
 *   the pass, exactly that many: the most recently archived).
 *
 * @complexity O(m log m) for steps 1–3 and the sort of the budget candidates (which only runs
 * when a budget binds), plus O(degree) per removal.
 * @example
 * ```ts
 * const { graph, changes } = Prune.prune(g, {}, Params.defaults, now)
 * changes.edgesRemoved // edges below pruneWeight, then budget victims
 * ```
 */
export const prune: {
  (input: PruneInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: PruneInput, params: Params, now: number): Step
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: PruneInput, params: Params, now: number): Step => {
  validate(input, now)
  const theta = input.threshold ?? params.pruneWeight
  const pass = new Pass(graph, params, now)
  const { d, changes } = pass
  const all = pass.edges
  // 1. solidify
  for (const e of all) {
    if (shouldSolidify(e, params)) {
      d.replaceEdge(e, { ...e, solidified: true }) // `e` is the source's version, written once
      changes.edgesSolidified.push(e.id)
    }
  }
  // 2. weak edges (a solidified edge is never weak: step 1 ran first)
  for (const e of all) if (!e.solidified && !shouldSolidify(e, params) && e.weight < theta) pass.removeEdge(e)
  // 3. isolated, long-inactive nodes (those step 2 isolated are already gone)
  for (const n of pass.nodes) pass.dropIfIdle(n.id)
  // 4–5. budgets
  pass.edgeBudget()
  if (pass.nodeBudget()) pass.edgeBudget()
  const moved = changes.edgesSolidified.length + changes.edgesRemoved.length + changes.nodesRemoved.length > 0
  // 6. archive bound
  const out = Archive.compact(moved ? d.finish() : graph, params, changes)
  return { graph: out, changes: changes.done() }
})
