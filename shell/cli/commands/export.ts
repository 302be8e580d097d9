/**
 * `mags export --format json|dot|mermaid` — the memory as its JSON snapshot (exact; readable
 * back with `Replay.restore`), a Graphviz DOT graph or a Mermaid flowchart (see `Export.ts`), to
 * stdout or `--out <file>`. Read only.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as NodeFs from "node:fs/promises"
import { fail } from "../../app/Failure.ts"
import * as Export from "../../app/Export.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `export` command. */
export const exportCommand = Command.make("export", {
  format: Flag.Literals("format", ["json", "dot", "mermaid"]).pipe(Flag.withDescription("Output format"), Flag.withDefault("json")),
  all: Flag.Boolean("all").pipe(Flag.withDescription("dot/mermaid: also associations, mentions and episodes"), Flag.withDefault(false)),
  out: Flag.String("out").pipe(Flag.withDescription("Write to this file instead of stdout"), Flag.optional)
}, ({ all, format, out }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const state = yield* Services.withMemory(s, (memory) => memory.state, { readOnly: true })
    const text = Export.render(state, format, { all })
    if (Option.isNone(out)) {
      yield* Effect.sync(() => process.stdout.write(text))
      return
    }
    yield* Effect.tryPromise({
      try: () => NodeFs.writeFile(out.value, text),
      catch: (e) => fail("Usage", `cannot write ${out.value}: ${e instanceof Error ? e.message : String(e)}`)
    })
    yield* Console.error(`wrote ${format} export of seq ${state.seq} to ${out.value}`)
  })).pipe(Command.withDescription("Export the memory as JSON, Graphviz DOT or Mermaid"))
