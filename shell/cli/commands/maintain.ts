/**
 * `mags maintain` — runs the memory's housekeeping now, as three events at the clock's `now`:
 * **Decayed** with `dt` = the time since the last `Decayed` event (or since the first event,
 * when memory was never decayed; 0 for an empty memory), then **Pruned** (default threshold)
 * and **Consolidated** — committed in one transaction. Prints what changed.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as Changes from "../../../core/Changes.ts"
import * as Event from "../../../core/Event.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fromStoreError } from "../../app/Failure.ts"
import * as Render from "../../app/Render.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `maintain` command. */
export const maintain = Command.make("maintain", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const { before, committed, dt } = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const before = yield* memory.state
        const history = yield* memory.history().pipe(Effect.mapError(fromStoreError))
        const now = yield* Clock.currentTimeMillis
        let since: number | undefined = history[0]?.event.now
        for (const e of history) if (e.event._tag === "Decayed") since = e.event.now
        const dt = since === undefined ? 0 : Math.max(0, now - since)
        const committed = yield* memory.commit([
          new Event.Decayed({ now, input: { dt } }),
          new Event.Pruned({ now, input: {} }),
          new Event.Consolidated({ now, input: {} })
        ]).pipe(Effect.mapError(fromStoreError))
        return { before, committed, dt }
      }))
    const all = committed.changes.reduce(Changes.combine, Changes.none)
    const g = committed.state.graph
    yield* Console.log(`decayed over ${(dt / 1000).toFixed(0)}s; pruned and consolidated`)
    yield* Console.log(
      `edges: ${all.edgesWeakened.length} weakened, ${all.edgesRemoved.length} removed, ${all.edgesSolidified.length} solidified; ` +
        `nodes: ${all.nodesRemoved.length} removed, ${all.merged.length} merged`
    )
    for (const [from, into] of all.merged) yield* Console.log(`merged ${from} into ${Render.label(g, into)}`)
    yield* Console.log(
      `memory: ${LiquidGraph.nodeCount(before.graph)} → ${LiquidGraph.nodeCount(g)} nodes, ` +
        `${LiquidGraph.edgeCount(before.graph)} → ${LiquidGraph.edgeCount(g)} edges active (seq ${committed.state.seq}); ` +
        `archive: ${LiquidGraph.archivedNodeCount(g)} nodes, ${LiquidGraph.archivedEdgeCount(g)} edges (${all.nodesArchived.length + all.edgesArchived.length} moved there now)`
    )
  })).pipe(Command.withDescription("Decay, prune and consolidate now"))
