/**
 * main — the `mags` executable: runs `Cli.run` with the process arguments on Node's platform
 * services and exits with its code. `bin/mags.js` starts it (with Node ≥ 24, which runs this
 * TypeScript file directly by type stripping).
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Exit, Runtime } from "effect"
import * as Cli from "./Cli.ts"

/** Exits with the program's exit code (its success value); failures as effect's default does. */
const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isSuccess(exit) && typeof exit.value === "number" ? onExit(exit.value) : Runtime.defaultTeardown(exit, onExit)

NodeRuntime.runMain(Cli.run(process.argv.slice(2)).pipe(Effect.provide(NodeServices.layer)), {
  disableErrorReporting: true,
  teardown
})
