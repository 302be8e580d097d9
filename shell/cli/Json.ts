/**
 * Json — the `--json` flag of the read commands (recall, connect, inspect, history, ask,
 * params, rollback --list): the answer is printed on stdout as JSON, ONE object per line, in the
 * shape of its view (`shell/app/Views.ts`, the same Schemas the HTTP API and the MCP server
 * answer with); logs and progress stay on stderr, failures keep their exit codes.
 *
 * @since 0.3.0
 */
import { Console, type Effect } from "effect"
import { Flag } from "effect/cli"
import * as Views from "../app/Views.ts"

/** The `--json` flag. */
export const flag = Flag.Boolean("json").pipe(
  Flag.withDescription("Print the answer as JSON, one object per line (shapes: README, \"JSON output\")"),
  Flag.withDefault(false)
)

/** Prints `view` as one JSON line on stdout. @complexity O(size of the view) */
export const print = (view: unknown): Effect.Effect<void> => Console.log(Views.line(view))
