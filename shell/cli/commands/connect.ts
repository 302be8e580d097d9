/**
 * `mags connect A B` — how two things are connected in memory: the strongest path between them
 * (greatest product of edge weights over current facts and associations). Read only.
 *
 * @since 0.1.0
 */
import { Console, Effect, Result } from "effect"
import { Argument, Command } from "effect/cli"
import * as Queries from "../../app/Queries.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `connect` command. */
export const connect = Command.make("connect", {
  a: Argument.String("a").pipe(Argument.withDescription("A node label or id")),
  b: Argument.String("b").pipe(Argument.withDescription("Another node label or id"))
}, ({ a, b }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const state = yield* Services.withMemory(s, (memory) => memory.state)
    const lines = Queries.connectLines(state, a, b)
    if (Result.isFailure(lines)) return yield* lines.failure
    if (lines.success === undefined) yield* Console.log(Queries.whyNotConnected(state, a, b))
    else for (const line of lines.success) yield* Console.log(line)
  })).pipe(Command.withDescription("Show the strongest path between two things"))
