/**
 * `mags ask "…"` — one turn of the MAGS loop: recall, answer, learn (see `shell/loop/Mags.ts`).
 *
 * The answer goes to stdout. With no model configured it is the template answer of
 * `TemplateModel.ts` (recalled facts as sentences), and the turn is still recorded: the recall,
 * what the text taught, and the reinforcement of the facts the answer used. `--verbose` prints
 * the recalled facts with their paths and the events to stderr. `--json` prints the turn as one
 * `TurnView` line instead (answer, route, recalled facts with paths, learned triples, reinforced
 * edges, events; the router's decision with each sentence's kind, the model of each path —
 * `--ask-model` / `--write-model`, see `Config.ts` — and the path that answered). A failed turn
 * writes nothing.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Mags, type TurnResult } from "../../loop/Mags.ts"
import * as Render from "../../app/Render.ts"
import * as Views from "../../app/Views.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/**
 * The details of a turn, one line each: route, recalled facts with paths, learned facts, events.
 * @complexity O(facts · path length)
 */
export const details = (r: TurnResult): Array<string> => {
  const g = r.state.graph
  return [
    `route: ${r.route}, ${r.rounds} generation(s)`,
    ...r.recalled.map((f) => `recalled ${f.score.toFixed(3)}  ${Render.fact(g, f.fact)}   via ${Render.path(g, f.path)}`),
    ...r.engrammed.map((f) => `learned  ${f.subject} —${f.negated === true ? "not " : ""}${f.relation}→ ${f.object}`),
    `events: ${r.events.map((e) => e._tag).join(", ")} (memory seq ${r.state.seq})`
  ]
}

/**
 * Runs one turn and prints its answer, or — when `json` gives the path models — its `TurnView`
 * line; details on stderr when `verbose`.
 */
export const runTurn = (text: string, verbose: boolean, json?: Views.TurnModels) =>
  Effect.gen(function*() {
    const mags = yield* Mags
    const result = yield* mags.turn(text).pipe(Effect.catchTag("MagsError", (e) => Effect.flatMap(Services.turnFailure(e), Effect.fail)))
    yield* (json !== undefined ? Json.print(Views.turnView(result, json)) : Console.log(result.answer))
    if (verbose) for (const line of details(result)) yield* Console.error(line)
    return result
  })

/** The `ask` command. */
export const ask = Command.make("ask", {
  question: Argument.String("question").pipe(Argument.withDescription("What to ask (or tell)"), Argument.variadic({ min: 1 })),
  budget: Flag.Int("budget").pipe(
    Flag.withDescription("Prompt token budget (default: 2048, or 512 for a local GGUF model, whose context is small)"),
    Flag.optional
  ),
  verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("Show recalled facts, paths and events"), Flag.withDefault(false)),
  speaker: Flag.String("speaker").pipe(Flag.withDescription("Who you are: your \"I\" and \"my\" in what you tell"), Flag.optional),
  json: Json.flag
}, ({ budget, json, question, verbose, speaker }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    yield* Services.withLoop(s, runTurn(question.join(" "), verbose, json ? Services.pathModelIdentities(s) : undefined), { budget: Services.promptBudget(s, budget), ...(Option.isSome(speaker) ? { speaker: speaker.value } : {}) })
  })).pipe(Command.withDescription("Ask (or tell) once: recall, answer, learn"))
