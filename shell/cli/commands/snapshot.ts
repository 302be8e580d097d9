/**
 * `mags snapshot` — writes a snapshot of the memory now (later opens start from it) and prints
 * its seq and content hash.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as Ops from "../../app/Ops.ts"
import * as Services from "../../app/Services.ts"
import * as Root from "../Root.ts"

/** The `snapshot` command. */
export const snapshot = Command.make("snapshot", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const written = yield* Services.withMemory(s, Ops.snapshot)
    yield* Console.log(`snapshot at seq ${written.seq}, hash ${written.hash}`)
  })).pipe(Command.withDescription("Write a snapshot of the memory now"))
