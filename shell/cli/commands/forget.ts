/**
 * `mags forget` — deletes from memory on request, for good: one target among `--subject <label>`
 * (the node and every fact at it; `--with-episodes` also the turns that mention it), `--fact <id>`
 * (as `export --format json` or `history` show it), `--episode <id>` (with or without its `ep:`
 * prefix) or `--all --yes` (the whole memory). Records one `Forgotten` event (`Ops.forget`, the
 * transition computed once):
 * the items leave the active graph and the archive, with their vectors and lexical postings, and
 * are tombstoned, so neither replay nor re-ingesting the same turn brings them back. Prints what
 * was deleted; a target that names nothing records nothing.
 *
 * @since 0.3.0
 */
import { Console, Effect, Option, Result } from "effect"
import { Command, Flag } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fail } from "../../app/Failure.ts"
import * as Ops from "../../app/Ops.ts"
import * as Services from "../../app/Services.ts"
import * as Root from "../Root.ts"

/** At most this many ids are listed per kind in the confirmation. */
const LISTED = 20

const list = (ids: ReadonlyArray<string>): string =>
  ids.length === 0 ? "" : ": " + ids.slice(0, LISTED).join(", ") + (ids.length > LISTED ? `, … (${ids.length - LISTED} more)` : "")

/** The `forget` command. */
export const forget = Command.make("forget", {
  subject: Flag.String("subject").pipe(Flag.withDescription("Forget this node (label or key) and every fact about it"), Flag.optional),
  withEpisodes: Flag.Boolean("with-episodes").pipe(Flag.withDescription("--subject: also forget the turns that mention it"), Flag.withDefault(false)),
  fact: Flag.String("fact").pipe(Flag.withDescription("Forget this fact (its id)"), Flag.optional),
  episode: Flag.String("episode").pipe(Flag.withDescription("Forget this turn (its episode id) and the facts only it told"), Flag.optional),
  all: Flag.Boolean("all").pipe(Flag.withDescription("Forget the whole memory (needs --yes)"), Flag.withDefault(false)),
  yes: Flag.Boolean("yes").pipe(Flag.withDescription("Confirm --all"), Flag.withDefault(false))
}, (flags) =>
  Effect.gen(function*() {
    const given = [Option.isSome(flags.subject), Option.isSome(flags.fact), Option.isSome(flags.episode), flags.all].filter((x) => x).length
    if (given !== 1) return yield* fail("Usage", "give exactly one of --subject, --fact, --episode or --all")
    if (flags.all && !flags.yes) return yield* fail("Usage", "--all deletes the whole memory: add --yes to confirm")
    const target: Ops.ForgetTarget = {
      node: Option.getOrUndefined(flags.subject),
      withEpisodes: flags.withEpisodes,
      fact: Option.getOrUndefined(flags.fact),
      episode: Option.getOrUndefined(flags.episode),
      all: flags.all
    }
    const s = yield* Root.settings
    const { forgotten, g, input } = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const resolved = Ops.forgetInput((yield* memory.state).graph, target)
        if (Result.isFailure(resolved)) return yield* resolved.failure
        const forgotten = yield* Ops.forget(memory, resolved.success)
        return { forgotten, g: (yield* memory.state).graph, input: resolved.success }
      }))
    const what = input._tag === "all" ? "the whole memory" : input._tag === "subject" ? `subject "${input.key}"` : `${input._tag} ${input.id}`
    if (!forgotten.forgotten) {
      yield* Console.log(`nothing to forget: ${what} is not in memory`)
      return
    }
    yield* Console.log(`forgot ${what} (seq ${forgotten.seq}); tombstoned, so replay and re-ingestion of the same turns do not bring it back`)
    yield* Console.log(`  nodes deleted: ${forgotten.nodes.length}${list(forgotten.nodes)}`)
    yield* Console.log(`  edges deleted: ${forgotten.edges.length}${list(forgotten.edges)}`)
    if (forgotten.redacted.length > 0) yield* Console.log(`  facts kept without the forgotten source: ${forgotten.redacted.length}${list(forgotten.redacted)}`)
    yield* Console.log(
      `memory: ${LiquidGraph.nodeCount(g)} nodes, ${LiquidGraph.edgeCount(g)} edges active; ` +
        `${LiquidGraph.archivedNodeCount(g)} nodes, ${LiquidGraph.archivedEdgeCount(g)} edges archived`
    )
  })).pipe(Command.withDescription("Delete a subject, a fact, a turn or everything from memory, for good"))
