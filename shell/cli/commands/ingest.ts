/**
 * `mags ingest [--speaker NAME] <files…>` — reads text files, JSONL chat messages or JSONL
 * triples (see `Input.ts`) into memory, with a progress bar (rate, ETA) on stderr. `--speaker`
 * names who wrote the text (first person → NAME) and who said user messages that name no one.
 *
 * Every file is read and decoded BEFORE the memory is opened, so unreadable input (exit 7) writes
 * nothing. Then items are turned into events and committed in batches (see `Ingest.ts`). The
 * last line on stderr sums up what was learned.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, Layer, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import * as Ingest from "../Ingest.ts"
import * as Input from "../Input.ts"
import * as Progress from "../Progress.ts"
import * as Root from "../Root.ts"
import * as Services from "../Services.ts"

/** The `ingest` command. */
export const ingest = Command.make("ingest", {
  files: Argument.String("files").pipe(Argument.withDescription("Files to read"), Argument.variadic({ min: 1 })),
  format: Flag.Literals("format", ["auto", "text", "jsonl"]).pipe(
    Flag.withDescription("auto: .jsonl/.ndjson are JSONL (messages or triples), the rest text"),
    Flag.withDefault("auto")
  ),
  progress: Flag.Literals("progress", ["auto", "always", "never"]).pipe(
    Flag.withDescription("Progress bar on stderr (auto: when stderr is a terminal)"),
    Flag.withDefault("auto")
  ),
  speaker: Flag.String("speaker").pipe(
    Flag.withDescription("Who wrote the text files (their \"I\" and \"my\"), and who said user messages that name no speaker"),
    Flag.optional
  ),
  batch: Flag.Int("batch").pipe(Flag.withDescription("Items per committed batch"), Flag.withDefault(Ingest.DEFAULT_BATCH))
}, ({ batch, files, format, progress, speaker }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const items = yield* Input.readAll(files, { format, ...(Option.isSome(speaker) ? { speaker: speaker.value } : {}) })
    const mode: Progress.Mode = progress === "never"
      ? "off"
      : progress === "always"
      ? (process.stderr.isTTY ? "tty" : "lines")
      : process.stderr.isTTY
      ? "tty"
      : "off"
    const started = yield* Clock.currentTimeMillis
    const summary = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const bar = yield* Progress.make("ingest", "items", items.length, mode)
        const out = yield* Ingest.ingest(memory, items, { batch, onProgress: bar.update })
        yield* bar.finish(items.length)
        return out
      })).pipe(Effect.provide(Layer.merge(Services.embedderLayer(s), Services.extractorFor(s))))
    const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
    const g = summary.state.graph
    yield* Console.error(
      `ingested ${summary.items} items from ${files.length} file(s) in ${seconds.toFixed(1)}s: ` +
        `${summary.facts} facts, ${summary.superseded} superseded, ${summary.events} events; ` +
        `memory now ${LiquidGraph.nodeCount(g)} nodes, ${LiquidGraph.edgeCount(g)} edges (seq ${summary.state.seq})`
    )
  })).pipe(Command.withDescription("Learn from text files, JSONL chat messages or JSONL triples"))
