/**
 * `mags rollback <seq>` — takes the memory back to its state after `seq` events. Nothing is
 * deleted: the events after `seq` are kept as an abandoned branch of the history (see the
 * store), and later events continue from `seq + 1`. `mags history` and `mags replay` show the
 * seqs.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fail, fromStoreError } from "../../app/Failure.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `rollback` command. */
export const rollback = Command.make("rollback", {
  seq: Argument.Int("seq").pipe(Argument.withDescription("Events to keep (0: empty memory)"))
}, ({ seq }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    if (seq < 0) return yield* fail("Usage", `seq must be ≥ 0, got ${seq}`)
    const [before, after] = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const before = yield* memory.state
        if (seq > before.seq) return yield* fail("Usage", `seq ${seq} is past the end (memory is at seq ${before.seq})`)
        const after = yield* memory.rollback(seq).pipe(Effect.mapError(fromStoreError))
        return [before, after] as const
      }))
    yield* Console.log(
      `rolled back from seq ${before.seq} to ${after.seq} (${before.seq - after.seq} events kept as an abandoned branch); ` +
        `${LiquidGraph.nodeCount(after.graph)} nodes, ${LiquidGraph.edgeCount(after.graph)} edges, hash ${LiquidGraph.contentHash(after.graph)}`
    )
  })).pipe(Command.withDescription("Go back to the state after <seq> events (the rest is kept as a branch)"))
