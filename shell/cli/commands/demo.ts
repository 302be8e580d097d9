/**
 * `mags demo` — the main job in one command, with no model and no server: ingests the bundled
 * sample text (`examples/demo/sample.txt`, ~30 sentences about a small made-up world, with a
 * correction: Mira moves from Lumen to Vell) into a FRESH temporary memory, with the LLM-free
 * rule extractor and the configured embedder (default: the embedded GloVe vectors; their cache
 * is the user's one, `~/.cache/mags` or `$MAGS_GLOVE_CACHE`, so it is built once), then prints what it learned, what
 * it changed its mind about, the answers to a few recall questions (template answers with the
 * facts and paths behind them), a few "how are A and B connected?" paths, and the replay check.
 *
 * The temporary memory is deleted at the end unless `--keep` is given (its path is printed, to
 * explore it with `mags --home <path> inspect`). `--file` ingests another text instead.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, Result } from "effect"
import { Command, Flag } from "effect/cli"
import * as NodeFs from "node:fs/promises"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import * as Reconcile from "../../../core/Reconcile.ts"
import { Extractor } from "../../extract/Extractor.ts"
import { fail } from "../../app/Failure.ts"
import * as Ingest from "../../app/Ingest.ts"
import * as Input from "../../app/Input.ts"
import * as Ops from "../../app/Ops.ts"
import * as Queries from "../../app/Queries.ts"
import * as Render from "../../app/Render.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"
import * as TemplateModel from "../../app/TemplateModel.ts"

/** The bundled sample text. */
export const SAMPLE = fileURLToPath(new URL("../../../examples/demo/sample.txt", import.meta.url))

/** The questions the demo asks its memory. */
export const QUESTIONS: ReadonlyArray<string> = [
  "Where does Mira live?",
  "Who works at the lighthouse?",
  "What does the bakery sell?"
]

/** The pairs the demo connects. */
export const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["Tobin", "Vell"],
  ["Oona", "Gull Point"],
  ["Captain Reyes", "Quiet Sea"]
]

/** The `demo` command. */
export const demo = Command.make("demo", {
  keep: Flag.Boolean("keep").pipe(Flag.withDescription("Keep the temporary memory and print its path"), Flag.withDefault(false)),
  file: Flag.String("file").pipe(Flag.withDescription("A text to learn instead of the bundled sample"), Flag.withDefault(SAMPLE))
}, ({ file, keep }) =>
  Effect.gen(function*() {
    const base = yield* Root.settings
    const items = yield* Input.readAll([file], { format: "text" })
    const home = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => NodeFs.mkdtemp(NodePath.join(NodeOs.tmpdir(), "mags-demo-")),
        catch: (e) => fail("Store", `cannot create a temporary memory: ${String(e)}`)
      }),
      (dir) => (keep ? Effect.void : Effect.promise(() => NodeFs.rm(dir, { recursive: true, force: true })))
    )
    const s = { ...base, home, extractor: "rules" as const }
    const started = yield* Clock.currentTimeMillis
    yield* Console.log(`MAGS demo — learning ${NodePath.basename(file)} (${items.length} sentences) with the rule extractor, no model`)
    yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const summary = yield* Ingest.ingest(memory, items)
        const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
        const g0 = summary.state.graph
        const facts = LiquidGraph.edges(g0).filter((e) => e.kind === "fact").sort(Reconcile.chronological)
        const current = facts.filter((f) => f.supersededBy === null && f.validUntil === null)
        const superseded = facts.filter((f) => f.supersededBy !== null)
        yield* Console.log(
          `learned ${summary.facts} facts in ${seconds.toFixed(1)}s: ${LiquidGraph.nodeCount(g0)} nodes, ` +
            `${LiquidGraph.edgeCount(g0)} edges, ${summary.events} events`
        )
        yield* Console.log(`\nWhat it knows (${current.length} current facts):`)
        for (const f of current) yield* Console.log(`  ${Render.factSentence(g0, f)}`)
        yield* Console.log(`\nWhat it changed its mind about (${superseded.length}):`)
        for (const f of superseded) {
          const winner = LiquidGraph.edge(g0, f.supersededBy!)
          yield* Console.log(`  ${Render.factSentence(g0, f)}  →  now: ${winner === undefined ? "?" : Render.factSentence(g0, winner)}`)
        }
        yield* Console.log("\nRecall (template answers from memory, with the facts and paths behind them):")
        for (const q of QUESTIONS) {
          const r = yield* Queries.recall(memory, q, { maxResults: 12 })
          const g = r.state.graph
          yield* Console.log(`  Q: ${q}`)
          yield* Console.log(`  A: ${TemplateModel.template(g, q, r.result.facts)}`)
          for (const f of TemplateModel.relevant(g, q, r.result.facts)) {
            yield* Console.log(`     ${Render.fact(g, f.fact)}   via ${Render.path(g, f.path)}`)
          }
        }
        yield* Console.log("\nConnections (strongest paths):")
        const state = yield* memory.state
        for (const [a, b] of PAIRS) {
          const found = yield* Effect.result(Ops.connect(state, a, b))
          if (Result.isFailure(found) && found.failure.kind !== "NotFound") return yield* found.failure
          yield* Console.log(`  ${a} ↔ ${b}: ${Result.isFailure(found) ? found.failure.message : Queries.connectLines(found.success).join("  ")}`)
        }
        const report = yield* memory.verify.pipe(Effect.mapError((e) => fail("Store", e.message)))
        yield* Console.log(
          `\nReplay: ${report.events} events refold to hash ${report.hash} — ${report.ok ? "identical to the stored memory" : "MISMATCH"}`
        )
        if (keep) yield* Console.log(`memory kept in ${home} (try: mags --home ${home} inspect)`)
        if (!report.ok) return yield* fail("CorruptJournal", `demo replay mismatch: ${report.problems.join("; ")}`)
      })).pipe(Effect.provide(Services.embedderLayer(s)), Effect.provide(Extractor.layerRules))
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Learn a bundled sample text and show recall and connect — no model, no server"))
