/**
 * Archive — what the active graph let go of, kept whole, and how it comes back.
 *
 * The archive lives in the memory value itself (`LiquidGraph.archivedNodes`,
 * `LiquidGraph.archivedEdges`): `prune` moves there the nodes and the `fact` / `mention` edges it
 * takes out of the active graph, each record whole with the system time it left
 * (`archivedAt`). Archived nodes keep their postings in the lexical index and their embedding in
 * the vector store, so BM25 and vector search still reach them. Nothing leaves the archive except
 * by {@link reactivate} (back to the active graph) or by `Forget.forget` (deleted, tombstoned).
 *
 * **Bound.** The archive's bulk is its embeddings; `archiveVectors` bounds how many archived nodes
 * keep one. {@link compact} (run by every `prune`) drops the embeddings of the oldest archived
 * nodes beyond the bound and reports them in `changes.vectorsCompacted`; their text, postings and
 * provenance stay, so no told text is ever lost to the bound.
 *
 * **Reactivation** ({@link reactivate}, event `Reactivated`) moves archived items back: an archived
 * node with `recency = now`, with its archived edges whose other end is active (or reactivated in
 * the same call); an archived edge when both its ends are active (or reactivated in the same
 * call) — never an end it was not asked for, so that prune ∘ reactivate is idempotent (an end
 * that reactivation brought back unasked would stay active, while the edge it came with may be
 * pruned again, and the next reactivation would bring a further end). A reactivated edge is restored as if
 * told again: weight at least `initialWeight`, `lastReinforced = now` (a retrieved memory is
 * reconsolidated, so the next prune does not take it straight back out). Recall calls the same
 * helper ({@link reactivateInto}) on the archived items that reach its results, so its `Recalled`
 * event replays the reactivation.
 *
 * @since 0.3.0
 */
import { HashMap, Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import type { Fact } from "./Fact.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"
import * as VectorStore from "./VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link reactivate}: the ids (node or edge ids) to bring back. Ids that are active,
 * unknown or forgotten are ignored.
 * @since 0.3.0
 */
export const ReactivateInput = Schema.Struct({
  ids: Schema.Array(Schema.NonEmptyString)
})
export type ReactivateInput = typeof ReactivateInput.Type

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * The ids among `ids` that are archived (nodes or edges), sorted and without duplicates: what a
 * caller holding lexical or vector hits passes to {@link reactivateInto}.
 * Laws: `archivedAmong(g, ids) ⊆ ids`; every returned id has `LiquidGraph.isArchived(g, id)`.
 * @complexity O(k log k + k log n) for k ids
 * @example
 * ```ts
 * Archive.archivedAmong(g, ["ep:t1", "alice"]) // ["ep:t1"] when only the episode is archived
 * ```
 */
export const archivedAmong = (g: LiquidGraph.LiquidGraph, ids: Iterable<string>): Array<string> => {
  const out = new Set<string>()
  for (const id of ids) if (LiquidGraph.isArchived(g, id)) out.add(id)
  return Array.from(out).sort(cmp)
}

// ── transitions ───────────────────────────────────────────────────────────────

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A reactivated edge: restored as if told again (weight ≥ initialWeight, reinforced now). */
const restored = (params: Params, now: number) => (e: Fact): Fact =>
  e.weight >= params.initialWeight && e.lastReinforced === now
    ? e
    : { ...e, weight: Math.max(e.weight, params.initialWeight), lastReinforced: now }

/**
 * Reactivates, inside an open draft, the archived items among `ids` (see the module doc), and
 * records them in `changes.nodesReactivated` / `changes.edgesReactivated`. The helper recall
 * calls: pass the ids of archived hits that reach the results (e.g. from
 * {@link archivedAmong}) before touching them; afterwards they are active nodes of `d`.
 *
 * Contract: ids that are active, unknown or forgotten are skipped; order of `ids` does not
 * matter (processed sorted); the node ids come back first, then every archived edge named in
 * `ids` or at a reactivated node comes back when both of its ends are active (an edge whose end
 * is archived and not named stays archived: name the end too; an end merged away by
 * consolidation keeps it archived for good).
 * @complexity O(k log k + Σ archived degree of the reactivated nodes · log m)
 * @example
 * ```ts
 * const d = LiquidGraph.draft(g)
 * Archive.reactivateInto(d, ["ep:t1"], params, now, changes)
 * d.node("ep:t1") // active again, recency = now
 * ```
 */
export const reactivateInto = (
  d: LiquidGraph.Draft,
  ids: Iterable<string>,
  params: Params,
  now: number,
  changes: Collector
): void => {
  const sorted = Array.from(new Set(ids)).sort(cmp)
  const edges = new Set<string>()
  const bring = (id: string): void => {
    if (d.reactivateNode(id, now)) {
      changes.nodesReactivated.push(id)
      for (const e of d.archivedIncident(id)) edges.add(e)
    }
  }
  for (const id of sorted) {
    if (d.archivedNode(id) !== undefined) bring(id)
    else if (d.archivedEdge(id) !== undefined) edges.add(id)
  }
  const update = restored(params, now)
  for (const id of Array.from(edges).sort(cmp)) {
    const a = d.archivedEdge(id)
    if (a === undefined || !d.hasNode(a.edge.subject) || !d.hasNode(a.edge.object)) continue
    d.reactivateEdge(id, update)
    changes.edgesReactivated.push(id)
  }
}

const validate = (input: ReactivateInput, now: number): void => {
  if (input === null || typeof input !== "object" || !Array.isArray(input.ids)) {
    throw new InvalidInput({ transition: "reactivate", message: "ids must be an array" })
  }
  for (const id of input.ids) {
    if (typeof id !== "string" || id.length === 0) {
      throw new InvalidInput({ transition: "reactivate", message: `ids must be non-empty strings, got ${JSON.stringify(id)}` })
    }
  }
  if (!Number.isFinite(now)) throw new InvalidInput({ transition: "reactivate", message: `now must be finite, got ${now}` })
}

/**
 * Brings the archived items among `input.ids` back into the active graph (see the module doc and
 * {@link reactivateInto}).
 *
 * Laws:
 * - no-op on active, unknown and forgotten ids: `reactivate(g, { ids })` is `g` (same value, empty
 *   changes) when no id is archived;
 * - idempotent: `reactivate(reactivate(g, x), x) == reactivate(g, x)`;
 * - nothing is lost or created: the ids that are active or archived are the same before and after;
 *   only the reactivated nodes' `recency` and the reactivated edges' `weight` (raised to
 *   `initialWeight`) and `lastReinforced` change;
 * - with `f = prune ∘ reactivate` (same params and now), `f(f(g)) == f(g)` when the node budget
 *   does not bind (a reactivated node has `recency = now`, so prune never finds it idle; an edge it
 *   archives again is archived with the same record);
 * - invalid input throws `InvalidInput` and builds nothing.
 * @complexity that of {@link reactivateInto}
 * @example
 * ```ts
 * const { graph, changes } = Archive.reactivate(g, { ids: ["ep:t1"] }, Params.defaults, now)
 * changes.nodesReactivated // ["ep:t1"]
 * ```
 */
export const reactivate: {
  (input: ReactivateInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: ReactivateInput, params: Params, now: number): Step
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: ReactivateInput, params: Params, now: number): Step => {
  validate(input, now)
  const changes = new Collector()
  if (archivedAmong(graph, input.ids).length === 0) return { graph, changes: changes.done() }
  const d = LiquidGraph.draft(graph)
  reactivateInto(d, input.ids, params, now, changes)
  if (changes.nodesReactivated.length + changes.edgesReactivated.length === 0) return { graph, changes: changes.done() }
  return { graph: d.finish(), changes: changes.done() }
})

/**
 * The archive bound: when more than `archiveVectors` archived nodes hold an embedding, drops the
 * embeddings of the oldest of them (archivedAt, then id, ascending) down to the bound, and lists
 * them in `changes.vectorsCompacted`. Text, postings, records and provenance stay. `prune` runs it.
 *
 * Laws: afterwards at most `archiveVectors` archived nodes hold an embedding, and exactly that many
 * when more did before (the most recently archived); active nodes are untouched; idempotent;
 * `compact(g) == g` when within the bound.
 * @complexity O(1) when the archive holds at most `archiveVectors` nodes, else O(A log A) for A
 *   archived nodes
 * @example
 * ```ts
 * const { graph } = Archive.compact(g, Params.unsafeMake({ archiveVectors: 0 }), changes)
 * ```
 */
export const compact = (g: LiquidGraph.LiquidGraph, params: Params, changes: Collector): LiquidGraph.LiquidGraph => {
  if (HashMap.size(g.archivedNodes) <= params.archiveVectors) return g
  const held: Array<LiquidGraph.ArchivedNode> = []
  for (const a of HashMap.values(g.archivedNodes)) if (VectorStore.has(g.vectors, a.node.id)) held.push(a)
  const excess = held.length - params.archiveVectors
  if (excess <= 0) return g
  held.sort((x, y) => x.archivedAt - y.archivedAt || cmp(x.node.id, y.node.id))
  const d = LiquidGraph.draft(g)
  for (let i = 0; i < excess; i++) {
    const id = held[i]!.node.id
    d.removeVector(id)
    changes.vectorsCompacted.push(id)
  }
  return d.finish()
}

/** Whether `g` has an archive (any archived node or edge). @complexity O(1) */
export const isEmpty = (g: LiquidGraph.LiquidGraph): boolean =>
  HashMap.size(g.archivedNodes) + HashMap.size(g.archivedEdges) === 0

/** Ids of the archived nodes of `g`, sorted. @complexity O(A log A) */
export const archivedNodeIds = (g: LiquidGraph.LiquidGraph): Array<string> => Array.from(HashMap.keys(g.archivedNodes)).sort(cmp)

/** Ids of the archived edges of `g`, sorted. @complexity O(A log A) */
export const archivedEdgeIds = (g: LiquidGraph.LiquidGraph): Array<string> => Array.from(HashMap.keys(g.archivedEdges)).sort(cmp)

/** The tombstones of `g` (digests of forgotten ids, `LiquidGraph.tombstoneOf`), sorted. @complexity O(t log t) */
export const tombstones = (g: LiquidGraph.LiquidGraph): Array<string> => Array.from(g.tombstones).sort(cmp)
