/**
 * `mags forget` — deletes from memory on request, for good: one target among `--subject <label>`
 * (the node and every fact at it; `--with-episodes` also the turns that mention it), `--fact <id>`
 * (as `export --format json` or `history` show it), `--episode <id>` (with or without its `ep:`
 * prefix) or `--all --yes` (the whole memory). Records one `Forgotten` event (`Forget.forget`):
 * the items leave the active graph and the archive, with their vectors and lexical postings, and
 * are tombstoned, so neither replay nor re-ingesting the same turn brings them back. Prints what
 * was deleted; a target that names nothing records nothing.
 *
 * @since 0.3.0
 */
import { Clock, Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Event from "../../../core/Event.ts"
import * as Forget from "../../../core/Forget.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fail, fromStoreError } from "../../app/Failure.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** At most this many ids are listed per kind in the confirmation. */
const LISTED = 20

const list = (ids: ReadonlyArray<string>): string =>
  ids.length === 0 ? "" : ": " + ids.slice(0, LISTED).join(", ") + (ids.length > LISTED ? `, … (${ids.length - LISTED} more)` : "")

/**
 * The target of the flags, resolved against `g`: an episode id given with its `ep:` prefix is
 * accepted when that is the node in memory. Fails with a usage error unless exactly one target is
 * given (and `--all` comes with `--yes`).
 * @complexity O(log n)
 */
export const target = (
  g: LiquidGraph.LiquidGraph,
  flags: {
    readonly subject: Option.Option<string>
    readonly fact: Option.Option<string>
    readonly episode: Option.Option<string>
    readonly all: boolean
    readonly withEpisodes: boolean
    readonly yes: boolean
  }
) => {
  const given = [Option.isSome(flags.subject), Option.isSome(flags.fact), Option.isSome(flags.episode), flags.all].filter((x) => x).length
  if (given !== 1) return Effect.fail(fail("Usage", "give exactly one of --subject, --fact, --episode or --all"))
  if (flags.all) {
    return flags.yes ? Effect.succeed<Forget.ForgetInput>({ _tag: "all" }) : Effect.fail(fail("Usage", "--all deletes the whole memory: add --yes to confirm"))
  }
  if (Option.isSome(flags.subject)) {
    const key = flags.subject.value.trim()
    if (key.length === 0) return Effect.fail(fail("Usage", "--subject needs a label"))
    return Effect.succeed<Forget.ForgetInput>(flags.withEpisodes ? { _tag: "subject", key, withEpisodes: true } : { _tag: "subject", key })
  }
  if (Option.isSome(flags.fact)) {
    if (flags.fact.value.length === 0) return Effect.fail(fail("Usage", "--fact needs an id"))
    return Effect.succeed<Forget.ForgetInput>({ _tag: "fact", id: flags.fact.value })
  }
  const raw = Option.getOrElse(flags.episode, () => "")
  if (raw.length === 0) return Effect.fail(fail("Usage", "--episode needs an id"))
  const id = Forget.episodeNodeId(g, raw) === undefined && raw.startsWith("ep:") && raw.length > 3 ? raw.slice(3) : raw
  return Effect.succeed<Forget.ForgetInput>({ _tag: "episode", id })
}

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
    const s = yield* Root.settings
    const outcome = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const before = yield* memory.state
        const input = yield* target(before.graph, flags)
        const now = yield* Clock.currentTimeMillis
        // a dry run first: a target that names nothing records nothing
        const dry = Forget.forget(before.graph, input, before.params, now)
        if (dry.changes.nodesForgotten.length + dry.changes.edgesForgotten.length === 0) return { input, committed: undefined }
        const committed = yield* memory.commit([new Event.Forgotten({ now, input })]).pipe(Effect.mapError(fromStoreError))
        return { input, committed }
      }))
    const { committed, input } = outcome
    const what = input._tag === "all" ? "the whole memory" : input._tag === "subject" ? `subject "${input.key}"` : `${input._tag} ${input.id}`
    if (committed === undefined) {
      yield* Console.log(`nothing to forget: ${what} is not in memory`)
      return
    }
    const c = committed.changes[0]!
    const g = committed.state.graph
    yield* Console.log(`forgot ${what} (seq ${committed.state.seq}); tombstoned, so replay and re-ingestion of the same turns do not bring it back`)
    yield* Console.log(`  nodes deleted: ${c.nodesForgotten.length}${list(c.nodesForgotten)}`)
    yield* Console.log(`  edges deleted: ${c.edgesForgotten.length}${list(c.edgesForgotten)}`)
    if (c.edgesRedacted.length > 0) yield* Console.log(`  facts kept without the forgotten source: ${c.edgesRedacted.length}${list(c.edgesRedacted)}`)
    yield* Console.log(
      `memory: ${LiquidGraph.nodeCount(g)} nodes, ${LiquidGraph.edgeCount(g)} edges active; ` +
        `${LiquidGraph.archivedNodeCount(g)} nodes, ${LiquidGraph.archivedEdgeCount(g)} edges archived`
    )
  })).pipe(Command.withDescription("Delete a subject, a fact, a turn or everything from memory, for good"))
