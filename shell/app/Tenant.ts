/**
 * Tenant — whose memory a request addresses: a user, and optionally an agent and a session of
 * theirs, checked and turned into the store's `MemoryId`.
 *
 * A user must be named: an empty or blank user is refused (`Usage`), never mapped silently to
 * `"default"` (two callers that forgot to name themselves would otherwise share one memory).
 * An agent or session that is not given is `"default"`; one given blank is refused. Every part
 * is at most {@link MAX_PART} characters, without control characters (they would not survive a
 * log line, a URL or a terminal unchanged).
 *
 * Laws: `memoryIdOf(p)` succeeds iff every given part is valid; on success the id's parts are
 * the given ones (agent, session default to `"default"`); `memoryIdOf({ user: id.user, agent:
 * id.agent, session: id.session })` gives back `id`.
 *
 * @since 0.3.0
 */
import { Result } from "effect"
import { DEFAULT_PART, MemoryId } from "../store/MemoryStore.ts"
import { type AppFailure, fail } from "./Failure.ts"

/** The longest part of a memory id, in characters. */
export const MAX_PART = 128

/** The parts of a memory address as a caller gives them. */
export interface Parts {
  readonly user: string
  readonly agent?: string | undefined
  readonly session?: string | undefined
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

const checkPart = (name: string, value: string): AppFailure | undefined => {
  if (value.trim().length === 0) return fail("Usage", `the ${name} id must not be empty`)
  if (value.length > MAX_PART) return fail("Usage", `the ${name} id is longer than ${MAX_PART} characters`)
  if (CONTROL.test(value)) return fail("Usage", `the ${name} id must not contain control characters`)
  return undefined
}

/**
 * The memory id of `parts` (see the module header); a `Usage` failure names the bad part.
 * @complexity O(|parts|)
 */
export const memoryIdOf = (parts: Parts): Result.Result<MemoryId, AppFailure> => {
  const agent = parts.agent ?? DEFAULT_PART
  const session = parts.session ?? DEFAULT_PART
  const bad = checkPart("user", parts.user) ?? checkPart("agent", agent) ?? checkPart("session", session)
  return bad === undefined ? Result.succeed(new MemoryId({ user: parts.user, agent, session })) : Result.fail(bad)
}
