/**
 * `mags ingest [--speaker NAME] <files…>` — reads text files, JSONL chat messages or JSONL
 * triples (see `Input.ts`) into memory, with a progress bar (rate, ETA) on stderr. `--speaker`
 * names who wrote the text (first person → NAME) and who said user messages that name no one.
 *
 * The files are read twice, as streams (`Ingest.read`: one chunk at a time, never a whole file
 * in memory): first to check and count them BEFORE the memory is opened, so unreadable input
 * (exit 7) writes nothing; then to turn the items into events committed in batches as they come
 * (see `Ingest.ts`). Ingest is idempotent: items memory already has (from an earlier run, or one
 * cut short) are skipped, so running the same command again resumes it. The last line on stderr
 * sums up what was learned and what was already known.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, Layer, Option, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import * as Ingest from "../../app/Ingest.ts"
import * as Progress from "../Progress.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

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
    const options: Ingest.ReadOptions = { format, ...(Option.isSome(speaker) ? { speaker: speaker.value } : {}) }
    const total = yield* Stream.runCount(Ingest.read(files, options))
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
        const bar = yield* Progress.make("ingest", "items", total, mode)
        const out = yield* Ingest.ingest(memory, Ingest.read(files, options), { batch, onProgress: bar.update })
        yield* bar.finish(out.items)
        return out
      })).pipe(Effect.provide(Layer.merge(Services.embedderLayer(s), Services.extractorFor(s))))
    const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
    const g = summary.state.graph
    yield* Console.error(
      `ingested ${summary.items} items from ${files.length} file(s) in ${seconds.toFixed(1)}s` +
        (summary.skipped > 0 ? ` (${summary.skipped} already in memory, skipped)` : "") + ": " +
        `${summary.facts} facts, ${summary.superseded} superseded, ${summary.events} events; ` +
        `memory now ${LiquidGraph.nodeCount(g)} nodes, ${LiquidGraph.edgeCount(g)} edges (seq ${summary.state.seq})`
    )
  })).pipe(Command.withDescription("Learn from text files, JSONL chat messages or JSONL triples"))
