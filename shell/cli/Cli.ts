/**
 * Cli — the `mags` command tree and its runner: parses the arguments, runs the command, and turns
 * every outcome into an exit code (never a crash, never a stack trace for a known failure).
 *
 * Outcomes: success → 0; an `AppFailure` → its one-line message on stderr
 * (`mags: <message>`) and its kind's code (see `Errors.ts`); a usage error found by the parser →
 * effect/cli's help and error text, code 2; `mags` alone prints the help, code 0; an interruption
 * (Ctrl-C) → 130; anything else is a bug → `mags: unexpected error: …`, code 1.
 *
 * Commands, one module each in `commands/`: init, ingest, chat, ask, recall, connect, inspect,
 * history, export, snapshot, rollback, replay, repair, maintain, forget, params, demo, serve (the
 * HTTP API, `shell/server/`), mcp (the MCP server over stdio, `shell/mcp/`).
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect, Logger } from "effect"
import { CliError, Command } from "effect/cli"
import { ask } from "./commands/ask.ts"
import { chat } from "./commands/chat.ts"
import { connect } from "./commands/connect.ts"
import { demo } from "./commands/demo.ts"
import { exportCommand } from "./commands/export.ts"
import { forget } from "./commands/forget.ts"
import { history } from "./commands/history.ts"
import { ingest } from "./commands/ingest.ts"
import { init } from "./commands/init.ts"
import { inspect } from "./commands/inspect.ts"
import { maintain } from "./commands/maintain.ts"
import { mcp } from "./commands/mcp.ts"
import { params } from "./commands/params.ts"
import { recall } from "./commands/recall.ts"
import { repair } from "./commands/repair.ts"
import { replay } from "./commands/replay.ts"
import { rollback } from "./commands/rollback.ts"
import { serve } from "./commands/serve.ts"
import { snapshot } from "./commands/snapshot.ts"
import { AppFailure } from "../app/Failure.ts"
import { exitCode, exitCodes } from "./Errors.ts"
import * as Root from "./Root.ts"

/** The CLI's version. */
export const VERSION = "0.1.0"

/** The `mags` command with every subcommand. */
export const command = Root.mags.pipe(
  Command.withSubcommands([
    init, ingest, chat, ask, recall, connect, inspect, history, exportCommand, snapshot, rollback, replay, repair, maintain, forget, params, demo,
    serve, mcp
  ])
)

/**
 * The exit code of a failed run's cause, after printing its one-line message (see the header).
 * @complexity O(size of the cause)
 */
export const exitCodeOf = (cause: Cause.Cause<unknown>): Effect.Effect<number> => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.succeed(130)
  const error = Cause.squash(cause)
  if (error instanceof AppFailure) return Effect.as(Console.error(`mags: ${error.message}`), exitCode(error))
  if (CliError.isCliError(error)) {
    // effect/cli has already printed the help and the parse errors
    return Effect.succeed(error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : exitCodes.Usage)
  }
  const message = error instanceof Error ? error.message : String(error)
  return Effect.as(Console.error(`mags: unexpected error: ${message.split("\n")[0]}`), exitCodes.Unexpected)
}

/**
 * Runs `mags` with `args` (without the program name) and gives its exit code. Logs go to stderr.
 * @complexity that of the command
 */
export const run = (args: ReadonlyArray<string>): Effect.Effect<number, never, Command.Environment> =>
  Command.runWith(command, { version: VERSION })(args).pipe(
    Effect.as(0),
    Effect.catchCause(exitCodeOf),
    // stdout carries answers and exports; logs go to stderr
    Effect.provideService(Logger.LogToStderr, true)
  )
