/**
 * `mags recall "…"` — the facts memory recalls for a query, each with the path that justifies
 * it (see `Queries.ts`). The recall is recorded as a `Recalled` event (recall strengthens what
 * it touches); `--no-record` only reads (the database is opened read only, so it works on a
 * read-only home). `--sources lexical,vector,…` keeps only the listed
 * candidate sources of recall's fusion (`RecallInput.sources`: lexical, vector, key, walk, time),
 * to see what each contributes. `--json` prints the recall as one `RecallView` line
 * (`shell/app/Views.ts`).
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Recall from "../../../core/Recall.ts"
import { parseIsoDate as parseDate } from "../../extract/Dates.ts"
import { fail } from "../../app/Failure.ts"
import * as Queries from "../../app/Queries.ts"
import * as Views from "../../app/Views.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/**
 * `--sources`: a comma-separated list of recall's sources, each once → the list, or why not.
 * Laws: `parseSources(Recall.SOURCES.join(","))` is `Recall.SOURCES`; an unknown or repeated name
 * is refused.
 * @complexity O(|text|)
 */
export const parseSources = (text: string): Array<Recall.Source> | { readonly error: string } => {
  const checked = Queries.checkSources(text.split(",").map((x) => x.trim()).filter((x) => x.length > 0))
  return Array.isArray(checked) ? checked : { error: `--sources: ${checked.error}` }
}

/** The `recall` command. */
export const recall = Command.make("recall", {
  query: Argument.String("query").pipe(Argument.withDescription("What to recall"), Argument.variadic({ min: 1 })),
  k: Flag.Int("k").pipe(Flag.withDescription("Anchors to start from"), Flag.optional),
  max: Flag.Int("max").pipe(Flag.withDescription("Most facts and episodes returned"), Flag.optional),
  at: Flag.String("at").pipe(Flag.withDescription("World time YYYY[-MM[-DD]]: facts valid then, history included"), Flag.optional),
  record: Flag.Boolean("record").pipe(Flag.withDescription("Record the recall as an event (--no-record: read only)"), Flag.withDefault(true)),
  sources: Flag.String("sources").pipe(
    Flag.withDescription(`Recall's candidate sources to use, comma-separated (default all: ${Recall.SOURCES.join(",")})`),
    Flag.optional
  ),
  json: Json.flag
}, ({ at, json, k, max, query, record, sources }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const atMs = Option.isSome(at) ? parseDate(at.value) : undefined
    if (Option.isSome(at) && atMs === undefined) return yield* fail("Usage", `--at must be YYYY, YYYY-MM or YYYY-MM-DD, got "${at.value}"`)
    const chosen = Option.isSome(sources) ? parseSources(sources.value) : undefined
    if (chosen !== undefined && !Array.isArray(chosen)) return yield* fail("Usage", chosen.error)
    const text = query.join(" ")
    const found = yield* Services.withMemory(s, (memory) =>
      Queries.recall(memory, text, {
        k: Option.getOrUndefined(k),
        maxResults: Option.getOrUndefined(max),
        at: atMs,
        record,
        sources: chosen
      }), { readOnly: !record }).pipe(Effect.provide(Services.embedderLayer(s)))
    if (json) return yield* Json.print(Views.recallView({ query: text, ...found }))
    for (const line of Queries.recallLines(found)) yield* Console.log(line)
  })).pipe(Command.withDescription("Recall facts for a query, with the paths that justify them"))
