/**
 * `mags init` — creates the memory home and the memory of the configured id, and starts the
 * embedder once (the GloVe default builds its binary cache here, so later starts take
 * milliseconds). Running it again is harmless: an existing memory is only opened.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { Embedder } from "../../embeddings/Embedder.ts"
import { dbPath } from "../../store/Sqlite.ts"
import * as Config from "../../app/Config.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `init` command. */
export const init = Command.make("init", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const embedder = yield* Embedder.useSync((e) => e).pipe(Effect.provide(Services.embedderLayer(s)))
    const state = yield* Services.withMemory(s, (memory) => memory.state)
    yield* Console.log(`memory ${s.user}/${s.agent}/${s.session} ready in ${s.store._tag === "Postgres" ? Config.describeStore(s.store) : dbPath(s.home)} (${state.seq} events)`)
    yield* Console.log(`embedder ${embedder.id} (${embedder.dimensions} dimensions)`)
    yield* Console.log(Config.describe(s))
  })).pipe(Command.withDescription("Create the memory home and memory, and prepare the embedder"))
