/**
 * Forget — deletion on request, with a tombstone (the one transition that destroys told content).
 *
 * Decay and prune only move things between the active graph and the archive; `forget` deletes,
 * from both, with everything derived from what it deletes: vectors, lexical postings, incident
 * edges, aliases naming a deleted node. The deleted node ids and `fact` edge ids are tombstoned
 * (`LiquidGraph.isForgotten`; a tombstone is a digest of the id, so no forgotten word stays in
 * the memory's JSON), and `engram` skips a batch whose episode is tombstoned, so
 * re-ingesting a forgotten turn does not bring it back; the `Forgotten` event makes replay
 * delete it again at the same point of history.
 *
 * Targets (a tagged {@link ForgetInput}):
 * - `subject` — a semantic node by key (a label is normalised with `Key.node`, aliases followed):
 *   the node and every edge at it, active or archived; with `withEpisodes`, also every episode
 *   that mentions it (as for `episode`).
 * - `fact` — one edge by id (any kind), active or archived.
 * - `episode` — an episode by its id as told to `engram` (without `ep:`): its node, its mentions
 *   and sequence links; and, in every other edge, the episode is taken out of the provenance: an
 *   edge whose every episode source was forgotten is deleted too (no telling of it is left), one
 *   told by another episode too stays without the forgotten one (`changes.edgesRedacted`). The
 *   other provenance entries (a fact's `source`: a file, a tool) say where a telling came from,
 *   not a telling of their own: they keep nothing alive. An edge with no episode in its provenance
 *   is never touched by an episode's forgetting.
 * - `all` — the whole memory (a tenant): the empty graph, with every former node and fact id
 *   tombstoned.
 *
 * Then, for every target: a semantic node that had edges and has none left (active or archived)
 * is deleted too (an orphan holds nothing but a label told with what was forgotten), and a fact
 * superseded by a deleted fact keeps its history but no longer names it (`supersededBy: null`,
 * its `validUntil` stays; `changes.edgesRedacted`).
 *
 * What stays: a fact or episode told again later is learned again (new information; its tombstone
 * is cleared) — except a batch whose episode id is tombstoned. Forgetting a fact leaves the
 * episodes that told it (forget the episode to forget the telling).
 *
 * @since 0.3.0
 */
import { HashMap, Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import type { Fact } from "./Fact.ts"
import * as Key from "./Key.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Node from "./Node.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * Forget a semantic node (by key or label) and every edge at it; `withEpisodes`: also the episodes
 * that mention it.
 * @since 0.3.0
 */
export const ForgetSubject = Schema.TaggedStruct("subject", {
  key: Schema.NonEmptyString,
  withEpisodes: Schema.optionalKey(Schema.Boolean)
})

/** Forget one edge (a fact, by its id). @since 0.3.0 */
export const ForgetFact = Schema.TaggedStruct("fact", { id: Schema.NonEmptyString })

/** Forget an episode, by the id it was told with (without `ep:`). @since 0.3.0 */
export const ForgetEpisode = Schema.TaggedStruct("episode", { id: Schema.NonEmptyString })

/** Forget the whole memory. @since 0.3.0 */
export const ForgetAll = Schema.TaggedStruct("all", {})

/**
 * The input of {@link forget}: one tagged target.
 * @since 0.3.0
 */
export const ForgetInput = Schema.Union([ForgetSubject, ForgetFact, ForgetEpisode, ForgetAll])
export type ForgetInput = typeof ForgetInput.Type

// ── validation ────────────────────────────────────────────────────────────────

const invalid = (message: string): never => {
  throw new InvalidInput({ transition: "forget", message })
}

const validate = (input: ForgetInput, now: number): void => {
  if (!Number.isFinite(now)) invalid(`now must be finite, got ${String(now)}`)
  if (input === null || typeof input !== "object") return invalid("input must be a tagged target")
  const text = (x: unknown, what: string): void => {
    if (typeof x !== "string" || x.length === 0) invalid(`${what} must be a non-empty string, got ${JSON.stringify(x)}`)
  }
  switch (input._tag) {
    case "subject":
      text(input.key, "subject key")
      if (Key.node(input.key).length === 0) invalid(`subject ${JSON.stringify(input.key)} has an empty key`)
      if (input.withEpisodes !== undefined && typeof input.withEpisodes !== "boolean") invalid("withEpisodes must be a boolean")
      return
    case "fact":
      return text(input.id, "fact id")
    case "episode":
      return text(input.id, "episode id")
    case "all":
      return
    default:
      return invalid(`unknown target ${JSON.stringify((input as { _tag?: unknown })._tag)}`)
  }
}

// ── getters ───────────────────────────────────────────────────────────────────

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Whether a provenance entry names an episode node (`Node.episodeId`). */
const isEpisodeId = (p: string): boolean => p.startsWith("ep:")

/** An edge record, active or archived. */
const anyEdge = (g: LiquidGraph.LiquidGraph, id: string): Fact | undefined =>
  LiquidGraph.edge(g, id) ?? LiquidGraph.archivedEdge(g, id)?.edge

/** The ids of every edge at `id`, active and archived. */
const edgesAt = (g: LiquidGraph.LiquidGraph, id: string): Array<string> => [
  ...LiquidGraph.outEdges(g, id),
  ...LiquidGraph.inEdges(g, id),
  ...LiquidGraph.archivedIncident(g, id)
]

/**
 * The node id a subject target names (its key through the aliases), when it is a semantic node,
 * active or archived; else `undefined`.
 * @complexity O(|key| + log n)
 * @example
 * ```ts
 * Forget.subjectId(g, "Alice") // "alice"
 * ```
 */
export const subjectId = (g: LiquidGraph.LiquidGraph, key: string): string | undefined => {
  const id = LiquidGraph.resolve(g, Key.node(key))
  const n = LiquidGraph.anyNode(g, id)
  return n === undefined || n.kind === "episode" ? undefined : id
}

/**
 * The node id an episode target names, when that episode is in memory (active or archived).
 * @complexity O(log n)
 */
export const episodeNodeId = (g: LiquidGraph.LiquidGraph, id: string): string | undefined => {
  const nid = Node.episodeId(id)
  return LiquidGraph.anyNode(g, nid)?.kind === "episode" ? nid : undefined
}

// ── the transition ────────────────────────────────────────────────────────────

/** Forgets everything: the empty graph (same vector dimension) with every node and fact tombstoned. */
const forgetAll = (g: LiquidGraph.LiquidGraph, changes: Collector): Step => {
  if (LiquidGraph.documentCount(g) + LiquidGraph.edgeCount(g) + LiquidGraph.archivedEdgeCount(g) === 0) {
    return { graph: g, changes: changes.done() }
  }
  const d = LiquidGraph.draft(LiquidGraph.empty(g.vectors.dim))
  d.putTombstones(g.tombstones)
  const nodes = [...HashMap.keys(g.nodes), ...HashMap.keys(g.archivedNodes)].sort(cmp)
  const edges = [...HashMap.values(g.edges), ...Array.from(HashMap.values(g.archivedEdges), (a) => a.edge)].sort((a, b) => cmp(a.id, b.id))
  for (const id of nodes) d.tombstone(id)
  for (const e of edges) if (e.kind === "fact") d.tombstone(e.id)
  changes.nodesRemoved.push(...Array.from(HashMap.keys(g.nodes)).sort(cmp))
  changes.edgesRemoved.push(...Array.from(HashMap.keys(g.edges)).sort(cmp))
  changes.nodesForgotten.push(...nodes)
  changes.edgesForgotten.push(...edges.map((e) => e.id))
  return { graph: d.finish(), changes: changes.done() }
}

const run = (g: LiquidGraph.LiquidGraph, input: ForgetInput, _params: Params, _now: number): Step => {
  validate(input, _now)
  const changes = new Collector()
  if (input._tag === "all") return forgetAll(g, changes)

  // 1. what goes: nodes, edges, episodes
  const nodes = new Set<string>()
  const edges = new Set<string>()
  const episodes = new Set<string>()
  if (input._tag === "subject") {
    const id = subjectId(g, input.key)
    if (id !== undefined) {
      nodes.add(id)
      for (const e of edgesAt(g, id)) {
        edges.add(e)
        const f = anyEdge(g, e)!
        if (input.withEpisodes === true && f.kind === "mention") episodes.add(f.subject)
      }
    }
  } else if (input._tag === "fact") {
    if (anyEdge(g, input.id) !== undefined) edges.add(input.id)
  } else {
    const id = episodeNodeId(g, input.id)
    if (id !== undefined) episodes.add(id)
  }
  for (const ep of episodes) {
    nodes.add(ep)
    for (const e of edgesAt(g, ep)) edges.add(e)
  }
  if (nodes.size + edges.size === 0) return { graph: g, changes: changes.done() }

  const d = LiquidGraph.draft(g)
  // 2. provenance: an edge sourced only by forgotten episodes goes; others lose those sources
  const redacted = new Map<string, Fact>()
  if (episodes.size > 0) {
    const visit = (e: Fact): void => {
      if (edges.has(e.id) || !e.provenance.some((p) => episodes.has(p))) return
      const kept = e.provenance.filter((p) => !episodes.has(p))
      if (!kept.some(isEpisodeId)) edges.add(e.id)
      else redacted.set(e.id, { ...e, provenance: kept })
    }
    for (const e of HashMap.values(g.edges)) visit(e)
    for (const a of HashMap.values(g.archivedEdges)) visit(a.edge)
  }
  // 3. orphans: semantic nodes that had edges and have none left
  const ends = new Set<string>()
  for (const id of edges) {
    const e = anyEdge(g, id)!
    ends.add(e.subject)
    ends.add(e.object)
  }
  for (const n of Array.from(ends).sort(cmp)) {
    if (nodes.has(n) || n.startsWith("ep:")) continue
    const node = LiquidGraph.anyNode(g, n)
    if (node === undefined || node.kind === "episode") continue
    if (edgesAt(g, n).every((e) => edges.has(e))) nodes.add(n)
  }
  // 4. facts superseded by a deleted fact no longer name it
  if (Array.from(edges).some((id) => anyEdge(g, id)!.kind === "fact")) {
    for (const e of [...HashMap.values(g.edges), ...Array.from(HashMap.values(g.archivedEdges), (a) => a.edge)]) {
      if (e.supersededBy === null || !edges.has(e.supersededBy) || edges.has(e.id)) continue
      const base = redacted.get(e.id) ?? e
      redacted.set(e.id, { ...base, supersededBy: null })
    }
  }

  // 5. apply, in id order
  for (const id of Array.from(edges).sort(cmp)) {
    const active = LiquidGraph.edge(g, id)
    const e = active ?? LiquidGraph.archivedEdge(g, id)!.edge
    if (active !== undefined) {
      d.removeEdge(id)
      changes.edgesRemoved.push(id)
    } else d.deleteArchivedEdge(id)
    changes.edgesForgotten.push(id)
    if (e.kind === "fact") d.tombstone(id)
  }
  for (const [id, e] of Array.from(redacted).sort((a, b) => cmp(a[0], b[0]))) {
    const active = LiquidGraph.edge(g, id)
    if (active !== undefined) d.replaceEdge(active, e)
    else {
      const a = LiquidGraph.archivedEdge(g, id)!
      d.deleteArchivedEdge(id)
      d.putArchivedEdge({ edge: e, archivedAt: a.archivedAt })
    }
    changes.edgesRedacted.push(id)
  }
  for (const id of Array.from(nodes).sort(cmp)) {
    if (LiquidGraph.hasNode(g, id)) {
      d.removeNode(id)
      changes.nodesRemoved.push(id)
    } else d.deleteArchivedNode(id)
    changes.nodesForgotten.push(id)
    d.tombstone(id)
  }
  for (const [from, to] of g.aliases) if (nodes.has(LiquidGraph.resolve(g, to)) || nodes.has(from)) d.removeAlias(from)
  return { graph: d.finish(), changes: changes.done() }
}

/**
 * Deletes a target from memory, active graph and archive alike, with everything derived from it,
 * and tombstones it (see the module doc).
 *
 * Laws:
 * - gone: afterwards no forgotten id is a node or edge, active or archived; it has no vector and no
 *   posting; `LiquidGraph.isForgotten(g', id)` holds for every forgotten node and fact;
 * - nothing else is lost: every node and edge of `g` not listed in `changes.nodesForgotten` /
 *   `changes.edgesForgotten` is still where it was (active or archived), changed only as
 *   `changes.edgesRedacted` says;
 * - idempotent: `forget(forget(g, x), x) == forget(g, x)`; a target that names nothing is a no-op;
 * - replay honours it: an `Engrammed` event with a forgotten episode id changes nothing;
 * - invalid input throws `InvalidInput` and builds nothing.
 * @complexity subject / fact: O(k log m) for the k edges at the target, plus O(n + m + A) (a scan of
 *   active and archived edges) when a fact is deleted (supersession links) or an episode is
 *   (provenance); all: O((n + m + A) log (n + m + A)).
 * @example
 * ```ts
 * const { graph, changes } = Forget.forget(g, { _tag: "episode", id: "t1" }, Params.defaults, now)
 * changes.nodesForgotten // ["ep:t1"]
 * ```
 */
export const forget: {
  (input: ForgetInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: ForgetInput, params: Params, now: number): Step
} = dual(4, run)
