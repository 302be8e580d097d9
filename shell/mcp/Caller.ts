/**
 * Caller — who is calling an MCP tool, and so which memories its calls may address.
 *
 * A caller carries the users it may act for (`"any"` for a local, trusted transport: `mags mcp`
 * over stdio, or `mags serve --no-auth`) and its defaults: the memory a call addresses when its
 * arguments name no `user` / `agent` / `session`. Over stdio the defaults are the memory the
 * shared flags and environment choose; over HTTP the user is the bearer token's first user.
 *
 * Laws: `memoryOf(c, args)` succeeds iff `Tenant.memoryIdOf` accepts the parts and the user is
 * one the caller may act for; the parts not given are the caller's defaults, except that naming
 * another `user` resets agent and session to `"default"` unless they are given too (the caller's
 * default agent belongs to its default user).
 *
 * @since 0.3.0
 */
import { Context, Result } from "effect"
import { type AppFailure, fail } from "../app/Failure.ts"
import * as Tenant from "../app/Tenant.ts"
import type { MemoryId } from "../store/MemoryStore.ts"

/** The caller's shape. */
export interface CallerShape {
  /** The users it may act for; `"any"` on a trusted local transport. */
  readonly users: "any" | ReadonlyArray<string>
  /** The memory a call addresses by default. */
  readonly defaults: Tenant.Parts
}

/** The caller of the current MCP request (a request-level service: the transport provides it). */
export class Caller extends Context.Service<Caller, CallerShape>()("mags/shell/mcp/Caller") {}

/** A memory address as a tool's arguments give it (every part optional). */
export interface Address {
  readonly user?: string | undefined
  readonly agent?: string | undefined
  readonly session?: string | undefined
}

/**
 * The memory `args` address for `caller` (see the module laws): `Usage` for a bad part,
 * `Forbidden` for a user the caller may not act for.
 * @complexity O(|users| + |parts|)
 */
export const memoryOf = (caller: CallerShape, args: Address): Result.Result<MemoryId, AppFailure> => {
  const parts: Tenant.Parts = args.user === undefined || args.user === caller.defaults.user
    ? {
      user: caller.defaults.user,
      agent: args.agent ?? caller.defaults.agent,
      session: args.session ?? caller.defaults.session
    }
    : { user: args.user, agent: args.agent, session: args.session }
  return Result.flatMap(Tenant.memoryIdOf(parts), (id) =>
    caller.users === "any" || caller.users.includes(id.user)
      ? Result.succeed(id)
      : Result.fail(fail("Forbidden", `this token may not use the memories of user "${id.user}"`)))
}
