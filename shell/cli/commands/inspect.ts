/**
 * `mags inspect` — what the memory holds: counts (nodes by kind and tier, edges by kind, current
 * and superseded facts; the archive beside the active graph, `LiquidGraph.archiveStats`), the top nodes by importance, the thematic clusters (connected groups
 * over strong current edges, `Consolidate.clusters`), and the most recent conflicts (facts that
 * reconciliation superseded, newest first, with the fact that replaced them). Read only: the
 * database is opened read only, so it works on a read-only database and home. `--json` prints
 * one `InspectView` line (counts, top nodes, clusters, conflicts, the parameters that differ
 * from the defaults).
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Consolidate from "../../../core/Consolidate.ts"
import type { Fact } from "../../../core/Fact.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import type * as Replay from "../../../core/Replay.ts"
import * as Render from "../../app/Render.ts"
import * as Ops from "../../app/Ops.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

const count = <A>(xs: ReadonlyArray<A>, key: (a: A) => string): string => {
  const m = new Map<string, number>()
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1)
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(", ") || "none"
}

/**
 * The archive in one line: what prune moved out of the active graph (kept whole, still
 * searchable), and how many items `forget` deleted.
 * @complexity O(archive)
 */
export const archiveLine = (g: LiquidGraph.LiquidGraph): string => {
  const a = LiquidGraph.archiveStats(g)
  return `archive: ${a.nodes} nodes (${a.episodes} episodes), ${a.edges} edges (${a.facts} facts), ${a.vectors} vectors, ~${Math.ceil(a.bytes / 1024)} KiB; ${a.tombstones} forgotten`
}

/**
 * The inspection report as lines (see the module header).
 * @complexity O((n + m) log (n + m))
 */
export const report = (state: Replay.State, top: number): Array<string> => {
  const g = state.graph
  const nodes = LiquidGraph.nodes(g)
  const edges = LiquidGraph.edges(g)
  const facts = edges.filter((e) => e.kind === "fact")
  const ended = facts.filter((f) => f.supersededBy !== null || f.validUntil !== null)
  const lines = [
    `memory at seq ${state.seq}, hash ${LiquidGraph.contentHash(g)}`,
    `nodes: ${nodes.length} (${count(nodes, (n) => n.kind)}; ${count(nodes, (n) => n.tier)})`,
    `edges: ${edges.length} (${count(edges, (e) => e.kind)})`,
    `facts: ${facts.length - ended.length} current, ${ended.length} superseded or ended; ${g.vectors.size} vectors`,
    archiveLine(g)
  ]
  lines.push("", `top ${top} nodes by importance:`)
  const ranked = nodes.filter((n) => n.kind !== "episode").sort((a, b) => b.importance - a.importance || (a.id < b.id ? -1 : 1))
  for (const n of ranked.slice(0, top)) {
    lines.push(`  ${n.importance.toFixed(3).padStart(8)}  ${n.label} (${n.kind}, ${n.tier}, ${n.accessCount} accesses)`)
  }
  const clusters = new Map<number, Array<string>>()
  for (const [id, c] of Consolidate.clusters(g, state.params)) {
    if (c === null || LiquidGraph.node(g, id)?.kind === "episode") continue
    const list = clusters.get(c) ?? []
    list.push(Render.label(g, id))
    clusters.set(c, list)
  }
  const groups = [...clusters.values()].filter((l) => l.length > 1).sort((a, b) => b.length - a.length)
  lines.push("", `clusters: ${groups.length}`)
  for (const l of groups.slice(0, top)) lines.push(`  ${l.length} nodes: ${l.slice(0, 8).join(", ")}${l.length > 8 ? ", …" : ""}`)
  const conflicts = ended
    .filter((f) => f.supersededBy !== null)
    .sort((a, b) => (b.validUntil ?? 0) - (a.validUntil ?? 0) || (a.id < b.id ? -1 : 1))
  lines.push("", `recent conflicts: ${conflicts.length}`)
  for (const f of conflicts.slice(0, top)) {
    const winner: Fact | undefined = f.supersededBy === null ? undefined : LiquidGraph.edge(g, f.supersededBy)
    lines.push(`  ${Render.fact(g, f)}  superseded by  ${winner === undefined ? f.supersededBy : Render.fact(g, winner)}`)
  }
  return lines
}

/** The `inspect` command. */
export const inspect = Command.make("inspect", {
  top: Flag.Int("top").pipe(Flag.withDescription("How many nodes, clusters and conflicts to list"), Flag.withDefault(10)),
  json: Json.flag
}, ({ json, top }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const state = yield* Services.withMemory(s, (memory) => memory.state, { readOnly: true })
    if (json) return yield* Json.print(Ops.inspect(state, top))
    for (const line of report(state, top)) yield* Console.log(line)
  })).pipe(Command.withDescription("Counts, top nodes, clusters and recent conflicts"))
