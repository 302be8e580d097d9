/**
 * `mags maintain` — runs the memory's housekeeping now, as three events at the clock's `now`:
 * **Decayed** with `dt` = the time since the last `Decayed` event (or since the first event,
 * when memory was never decayed; 0 for an empty memory), then **Pruned** (default threshold)
 * and **Consolidated** — committed in one transaction (`Ops.maintain`). Prints what changed.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import * as Ops from "../../app/Ops.ts"
import * as Render from "../../app/Render.ts"
import * as Services from "../../app/Services.ts"
import * as Root from "../Root.ts"

/** The `maintain` command. */
export const maintain = Command.make("maintain", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const [view, g] = yield* Services.withMemory(s, (memory) =>
      Effect.all([Ops.maintain(memory), Effect.map(memory.state, (state) => state.graph)]))
    yield* Console.log(`decayed over ${(view.dt / 1000).toFixed(0)}s; pruned and consolidated`)
    yield* Console.log(
      `edges: ${view.weakened} weakened, ${view.removed} removed, ${view.solidified} solidified; ` +
        `nodes: ${view.nodesRemoved} removed, ${view.merged.length} merged`
    )
    for (const { from, into } of view.merged) yield* Console.log(`merged ${from} into ${Render.label(g, into)}`)
    yield* Console.log(
      `memory: ${view.before.nodes} → ${view.after.nodes} nodes, ` +
        `${view.before.edges} → ${view.after.edges} edges active (seq ${view.seq}); ` +
        `archive: ${LiquidGraph.archivedNodeCount(g)} nodes, ${LiquidGraph.archivedEdgeCount(g)} edges (${view.archived} moved there now)`
    )
  })).pipe(Command.withDescription("Decay, prune and consolidate now"))
