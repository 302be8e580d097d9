/**
 * `mags chat` — an interactive conversation: each line of stdin is one turn of the MAGS loop
 * (see `ask`), its answer printed after `mags>`. Ends at end of input, `/quit` or `/exit`.
 * `/facts` toggles the details of each turn. A failed turn ends the chat with its error (its
 * events are not written; earlier turns are kept). Each turn goes down the router's path, answered
 * by that path's model (`--ask-model` / `--write-model`, see `shell/app/Config.ts`).
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as NodeReadline from "node:readline"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"
import { runTurn } from "./ask.ts"

/** The `chat` command. */
export const chat = Command.make("chat", {
  budget: Flag.Int("budget").pipe(
    Flag.withDescription("Prompt token budget (default: 2048, or 512 for a local GGUF model, whose context is small)"),
    Flag.optional
  ),
  verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("Show recalled facts, paths and events"), Flag.withDefault(false)),
  speaker: Flag.String("speaker").pipe(Flag.withDescription("Who you are: your \"I\" and \"my\" in what you tell"), Flag.optional)
}, ({ budget, verbose, speaker }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const interactive = process.stdin.isTTY === true
    yield* Services.withLoop(
      s,
      Effect.gen(function*() {
        const lines = yield* Effect.acquireRelease(
          Effect.sync(() => NodeReadline.createInterface({ input: process.stdin, terminal: false })),
          (rl) => Effect.sync(() => rl.close())
        )
        const iterator = lines[Symbol.asyncIterator]()
        let details = verbose
        if (interactive) yield* Console.log("mags chat — /quit to leave, /facts to toggle details")
        while (true) {
          if (interactive) yield* Effect.sync(() => process.stdout.write("you> "))
          const next = yield* Effect.promise(() => iterator.next())
          if (next.done === true) break
          const text = String(next.value).trim()
          if (text === "") continue
          if (text === "/quit" || text === "/exit") break
          if (text === "/facts") {
            details = !details
            continue
          }
          if (interactive) yield* Effect.sync(() => process.stdout.write("mags> "))
          yield* runTurn(text, details)
        }
      }).pipe(Effect.scoped),
      { budget: Services.promptBudget(s, budget), ...(Option.isSome(speaker) ? { speaker: speaker.value } : {}) }
    )
  })).pipe(Command.withDescription("Talk with memory, one turn per line"))
