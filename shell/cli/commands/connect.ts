/**
 * `mags connect A B` — how two things are connected in memory: the strongest path between them
 * (greatest product of edge weights over current facts and associations). Read only (the
 * database is opened read only). A label or id memory does not know fails with `NotFound`
 * (exit 12, as `history` does); two known things with no path between them print why (exit 0).
 * `--json` prints one `ConnectView` line.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import * as Ops from "../../app/Ops.ts"
import * as Queries from "../../app/Queries.ts"
import * as Services from "../../app/Services.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"

/** The `connect` command. */
export const connect = Command.make("connect", {
  a: Argument.String("a").pipe(Argument.withDescription("A node label or id")),
  b: Argument.String("b").pipe(Argument.withDescription("Another node label or id")),
  json: Json.flag
}, ({ a, b, json }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const state = yield* Services.withMemory(s, (memory) => memory.state, { readOnly: true })
    const view = yield* Ops.connect(state, a, b)
    if (json) return yield* Json.print(view)
    for (const line of Queries.connectLines(view)) yield* Console.log(line)
  })).pipe(Command.withDescription("Show the strongest path between two things"))
