/**
 * `mags mcp` — serves the memory over the Model Context Protocol on stdin / stdout, for an MCP
 * client (Claude Desktop, an agent framework, the MCP SDK) that starts it as a subprocess. The
 * tools and resources are `shell/mcp/` (add_episode, add_facts, search_facts, search_nodes,
 * open_nodes, get_history, connect, forget; the graph as `mags://graph`).
 *
 * The memory a tool call addresses by default is the one the shared flags and environment
 * choose (`--home`, `--user`, `--agent`, `--session`, `MAGS_*`); a call may name another
 * `user` / `agent` / `session` of the same home. stdout carries the protocol only: logs go to
 * stderr. Runs until the client closes stdin (or Ctrl-C).
 *
 * @since 0.3.0
 */
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import { Command } from "effect/cli"
import { Memories } from "../../app/Memories.ts"
import * as Services from "../../app/Services.ts"
import * as Server from "../../mcp/Server.ts"
import * as Root from "../Root.ts"

/** The `mcp` command. */
export const mcp = Command.make("mcp", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const app = Layer.mergeAll(
      Memories.layer.pipe(Layer.provide(Services.storeLayer(s))),
      Services.embedderLayer(s),
      Services.extractorFor(s),
      // the memory controller (--policy FILE; else the hand-written rules) for every recall
      Services.controllerLayer(s)
    )
    const server = Server.layerStdio({ users: "any", defaults: { user: s.user, agent: s.agent, session: s.session } })
    // When the client closes stdin, the stdio transport interrupts the fiber that built it: run
    // the server in a fiber of its own, so that end is a normal exit (0) while Ctrl-C, which
    // interrupts this fiber, still exits 130.
    const fiber = yield* Effect.forkChild(Layer.launch(server.pipe(Layer.provide(app))))
    const exit = yield* Fiber.await(fiber)
    if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.failCause(exit.cause)
  })).pipe(Command.withDescription("Serve the memory to an MCP client over stdio (tools: add_episode, search_facts, …)"))
