/**
 * `mags recall "…"` — the facts memory recalls for a query, each with the path that justifies
 * it (see `Queries.ts`). The recall is recorded as a `Recalled` event (recall strengthens what
 * it touches); `--no-record` only reads.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { parseIsoDate as parseDate } from "../../extract/Dates.ts"
import { fail } from "../Errors.ts"
import * as Queries from "../Queries.ts"
import * as Root from "../Root.ts"
import * as Services from "../Services.ts"

/** The `recall` command. */
export const recall = Command.make("recall", {
  query: Argument.String("query").pipe(Argument.withDescription("What to recall"), Argument.variadic({ min: 1 })),
  k: Flag.Int("k").pipe(Flag.withDescription("Anchors to start from"), Flag.optional),
  max: Flag.Int("max").pipe(Flag.withDescription("Most facts and episodes returned"), Flag.optional),
  at: Flag.String("at").pipe(Flag.withDescription("World time YYYY[-MM[-DD]]: facts valid then, history included"), Flag.optional),
  record: Flag.Boolean("record").pipe(Flag.withDescription("Record the recall as an event (--no-record: read only)"), Flag.withDefault(true))
}, ({ at, k, max, query, record }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const atMs = Option.isSome(at) ? parseDate(at.value) : undefined
    if (Option.isSome(at) && atMs === undefined) return yield* fail("Usage", `--at must be YYYY, YYYY-MM or YYYY-MM-DD, got "${at.value}"`)
    const found = yield* Services.withMemory(s, (memory) =>
      Queries.recall(memory, query.join(" "), {
        k: Option.getOrUndefined(k),
        maxResults: Option.getOrUndefined(max),
        at: atMs,
        record
      })).pipe(Effect.provide(Services.embedderLayer(s)))
    for (const line of Queries.recallLines(found)) yield* Console.log(line)
  })).pipe(Command.withDescription("Recall facts for a query, with the paths that justify them"))
