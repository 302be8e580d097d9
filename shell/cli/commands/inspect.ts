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
import type * as Replay from "../../../core/Replay.ts"
import * as Render from "../../app/Render.ts"
import * as Ops from "../../app/Ops.ts"
import type * as Views from "../../app/Views.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

const counts = (m: Readonly<Record<string, number>>): string =>
  Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(", ") || "none"

const total = (m: Readonly<Record<string, number>>): number => Object.values(m).reduce((a, b) => a + b, 0)

/**
 * The archive in one line: what prune moved out of the active graph (kept whole, still
 * searchable), and how many items `forget` deleted.
 * @complexity O(1)
 */
export const archiveLine = (a: Views.InspectView["archive"]): string =>
  `archive: ${a.nodes} nodes (${a.episodes} episodes), ${a.edges} edges (${a.facts} facts), ${a.vectors} vectors, ~${Math.ceil(a.bytes / 1024)} KiB; ${a.tombstones} forgotten`

/**
 * The inspection report as lines (see the module header): `Ops.inspect`'s view as text.
 * @complexity O((n + m) log (n + m))
 */
export const report = (state: Replay.State, top: number): Array<string> => {
  const g = state.graph
  const v = Ops.inspect(state, top)
  const lines = [
    `memory at seq ${v.seq}, hash ${v.hash}`,
    `nodes: ${total(v.nodes)} (${counts(v.nodes)}; ${counts(v.tiers)})`,
    `edges: ${total(v.edges)} (${counts(v.edges)})`,
    `facts: ${v.facts.current} current, ${v.facts.ended} superseded or ended; ${v.vectors} vectors`,
    archiveLine(v.archive)
  ]
  lines.push("", `top ${top} nodes by importance:`)
  for (const n of v.top) lines.push(`  ${n.importance.toFixed(3).padStart(8)}  ${n.label} (${n.kind}, ${n.tier}, ${n.accessCount} accesses)`)
  lines.push("", `clusters: ${v.clusterCount}`)
  for (const ids of v.clusters) {
    const labels = ids.map((id) => Render.label(g, id))
    lines.push(`  ${labels.length} nodes: ${labels.slice(0, 8).join(", ")}${labels.length > 8 ? ", …" : ""}`)
  }
  lines.push("", `recent conflicts: ${v.conflictCount}`)
  for (const c of v.conflicts) lines.push(`  ${c.fact.text}  superseded by  ${c.supersededBy === null ? c.fact.supersededBy : c.supersededBy.text}`)
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
