/**
 * WhatIf — maintenance re-run on a copy of the memory under other parameters, and the difference.
 *
 * The page holds the memory as a core value (`Replay.State`); a value is never changed in place,
 * so "a copy" costs nothing: {@link compare} runs decay → prune → consolidate (the `maintain`
 * pass) on the same graph twice, once under the memory's own parameters and once under the
 * edited ones, at the same time, and reports what differs. Nothing reaches the server.
 */
import * as Changes from "../core/Changes.ts"
import { consolidate } from "../core/Consolidate.ts"
import { decay } from "../core/Decay.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import { prune } from "../core/Prune.ts"
import type * as Replay from "../core/Replay.ts"

/** The graph after one maintenance pass, and what the pass did. */
export interface Maintained {
  readonly graph: LiquidGraph.LiquidGraph
  readonly changes: Changes.Changes
}

/**
 * One maintenance pass, as `mags maintain` runs it: decay over `dt` ms, then prune, then
 * consolidate, all at system time `now`.
 * @complexity that of the three transitions (O(E log E) for decay and prune, consolidate's k-core)
 */
export const maintain = (graph: LiquidGraph.LiquidGraph, params: Params.Params, now: number, dt: number): Maintained => {
  const decayed = decay(graph, { dt }, params, now)
  const pruned = prune(decayed.graph, {}, params, now)
  const consolidated = consolidate(pruned.graph, {}, params, now)
  return {
    graph: consolidated.graph,
    changes: Changes.combine(Changes.combine(decayed.changes, pruned.changes), consolidated.changes)
  }
}

/** Sizes of one graph. */
export interface Size {
  readonly nodes: number
  readonly edges: number
  readonly facts: number
}

/** What the edited parameters change against the memory's own, after one maintenance pass. */
export interface Difference {
  /** The parameters that differ: name, the memory's value, the edited value. */
  readonly changed: ReadonlyArray<{ readonly name: string; readonly from: unknown; readonly to: unknown }>
  readonly before: Size
  readonly current: Size
  readonly edited: Size
  /** Edges the current parameters keep and the edited ones remove (pruned, merged away). */
  readonly lostEdges: ReadonlyArray<string>
  /** Edges the edited parameters keep (or create) and the current ones do not. */
  readonly gainedEdges: ReadonlyArray<string>
  readonly lostNodes: ReadonlyArray<string>
  readonly gainedNodes: ReadonlyArray<string>
  /** Edges present under both whose weight differs, largest difference first (at most 50). */
  readonly reweighted: ReadonlyArray<{ readonly id: string; readonly current: number; readonly edited: number }>
  /** The two passes' changes. */
  readonly currentChanges: Changes.Changes
  readonly editedChanges: Changes.Changes
  /** The graphs after the two passes. */
  readonly currentGraph: LiquidGraph.LiquidGraph
  readonly editedGraph: LiquidGraph.LiquidGraph
}

/** The sizes of a graph. @complexity O(E) */
export const sizeOf = (g: LiquidGraph.LiquidGraph): Size => {
  let facts = 0
  for (const e of LiquidGraph.edges(g)) if (e.kind === "fact") facts++
  return { nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g), facts }
}

const keysMissing = (a: LiquidGraph.LiquidGraph, b: LiquidGraph.LiquidGraph, kind: "nodes" | "edges"): Array<string> => {
  const out: Array<string> = []
  const has = kind === "nodes" ? LiquidGraph.hasNode : LiquidGraph.hasEdge
  const all = kind === "nodes" ? LiquidGraph.nodes(a).map((n) => n.id) : LiquidGraph.edges(a).map((e) => e.id)
  for (const id of all) if (!has(b, id)) out.push(id)
  return out.sort()
}

/**
 * Runs {@link maintain} on `state`'s graph under `state.params` and under `edited`, both at
 * `now` over `dt`, and compares the results. `state` is not changed (it is a value).
 *
 * Laws: `compare(s, s.params, dt, now)` has no lost, gained or reweighted item and equal sizes;
 * swapping the two parameter sets swaps lost and gained.
 * @complexity two maintenance passes + O(V + E) for the comparison
 */
export const compare = (state: Replay.State, edited: Params.Params, dt: number, now: number): Difference => {
  const current = maintain(state.graph, state.params, now, dt)
  const other = maintain(state.graph, edited, now, dt)
  const changed: Array<{ name: string; from: unknown; to: unknown }> = []
  for (const name of Object.keys(Params.spec) as Array<Params.ParamName>) {
    if (state.params[name] !== edited[name]) changed.push({ name, from: state.params[name], to: edited[name] })
  }
  if (JSON.stringify(state.params.singleValued) !== JSON.stringify(edited.singleValued)) {
    changed.push({ name: "singleValued", from: state.params.singleValued, to: edited.singleValued })
  }
  const reweighted: Array<{ id: string; current: number; edited: number }> = []
  for (const e of LiquidGraph.edges(current.graph)) {
    const o = LiquidGraph.edge(other.graph, e.id)
    if (o !== undefined && o.weight !== e.weight) reweighted.push({ id: e.id, current: e.weight, edited: o.weight })
  }
  reweighted.sort((a, b) => Math.abs(b.current - b.edited) - Math.abs(a.current - a.edited) || (a.id < b.id ? -1 : 1))
  return {
    changed,
    before: sizeOf(state.graph),
    current: sizeOf(current.graph),
    edited: sizeOf(other.graph),
    lostEdges: keysMissing(current.graph, other.graph, "edges"),
    gainedEdges: keysMissing(other.graph, current.graph, "edges"),
    lostNodes: keysMissing(current.graph, other.graph, "nodes"),
    gainedNodes: keysMissing(other.graph, current.graph, "nodes"),
    reweighted: reweighted.slice(0, 50),
    currentChanges: current.changes,
    editedChanges: other.changes,
    currentGraph: current.graph,
    editedGraph: other.graph
  }
}
