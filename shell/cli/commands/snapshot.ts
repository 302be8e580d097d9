/**
 * `mags snapshot` — writes a snapshot of the memory now (later opens start from it) and prints
 * its seq and content hash.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fromStoreError } from "../../app/Failure.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `snapshot` command. */
export const snapshot = Command.make("snapshot", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const [seq, state] = yield* Services.withMemory(s, (memory) =>
      Effect.all([memory.snapshot.pipe(Effect.mapError(fromStoreError)), memory.state]))
    yield* Console.log(`snapshot at seq ${seq}, hash ${LiquidGraph.contentHash(state.graph)}`)
  })).pipe(Command.withDescription("Write a snapshot of the memory now"))
