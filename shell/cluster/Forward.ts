/**
 * Forward — a runner's answer to a request for a memory another runner owns: the request is
 * sent on to the owner (same method, path, query, body, `authorization`, `content-type` and
 * `accept`) and the owner's answer comes back as it is, with the owner's id in
 * `x-mags-runner`. The client does not need to know which runner owns what: any runner
 * answers for every memory.
 *
 * - Only the HTTP API's memory routes (`/v1/memories/{user}/{agent}/{session}/…`) are
 *   forwarded; everything else (the list of memories, the OpenAPI document, `/mcp`, the page) is
 *   answered where it arrives. The owner checks the token again, so a forwarding runner grants
 *   nothing by itself.
 * - A request is forwarded at most once (it carries `x-mags-forwarded-by`): one that reaches a
 *   runner that is not the owner any more (the memory moved meanwhile) gets 503 with
 *   `retry-after: 1` instead of bouncing between runners.
 * - When the owner cannot be reached at all (connection refused, or not made within half a
 *   lease: a machine that is gone) it is taken for dead: this runner waits for its lease to lapse (at most the lease's time left plus
 *   a fifth of a lease, claiming every tenth) and then answers itself, so a request that arrives
 *   while its memory's runner is down waits for the takeover instead of failing. A request the
 *   owner received but did not answer in time is NOT sent twice (the owner may have written):
 *   504.
 *
 * @since 0.4.0
 */
import * as Http from "node:http"
import * as Https from "node:https"
import { Effect } from "effect"
import { HttpServerResponse } from "effect/http"
import type { HttpServerRequest } from "effect/http"
import * as Tenant from "../app/Tenant.ts"
import { errorResponse } from "../server/Errors.ts"
import type { Intercept } from "../server/Server.ts"
import type { MemoryId } from "../store/MemoryStore.ts"
import type { Owner } from "./Leases.ts"
import type { OwnershipShape, Route } from "./Ownership.ts"

/** The header a forwarded request carries: the id of the runner that forwarded it. */
export const FORWARDED_HEADER = "x-mags-forwarded-by"

/** How long the owner has to answer a forwarded request (default 120 s). */
export const DEFAULT_TIMEOUT_MS = 120_000

const MEMORY_PATH = /^\/v1\/memories\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)(?:[/?#]|$)/

/**
 * The memory a request's path addresses (`/v1/memories/{user}/{agent}/{session}/…`), or
 * `undefined` for any other path or a malformed address (left to the routes to refuse).
 * @complexity O(|path|)
 */
export const memoryOf = (url: string): MemoryId | undefined => {
  const m = MEMORY_PATH.exec(url)
  if (m === null) return undefined
  try {
    const id = Tenant.memoryIdOf({ user: decodeURIComponent(m[1]!), agent: decodeURIComponent(m[2]!), session: decodeURIComponent(m[3]!) })
    return id._tag === "Success" ? id.success : undefined
  } catch {
    return undefined
  }
}

const PASSED = ["authorization", "content-type", "accept"] as const

/** What came of sending a request to an owner. */
type Sent =
  | { readonly _tag: "Answered"; readonly response: HttpServerResponse.HttpServerResponse }
  | { readonly _tag: "Unreachable"; readonly message: string }
  /** `dropped`: the connection was closed or reset under the request (not a timeout). */
  | { readonly _tag: "NoAnswer"; readonly message: string; readonly dropped: boolean }

/** Connection errors that mean the request never reached the owner (safe to take over and answer here). */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNTIMEOUT"])

// keep-alive connections to the other runners, reused across forwarded requests
const agents = { http: new Http.Agent({ keepAlive: true }), https: new Https.Agent({ keepAlive: true }) }

/**
 * Sends the request to the owner. A connection not made within `connectMs` (an owner whose
 * machine is gone does not refuse, it just never answers) counts as unreachable, like a refused
 * one; any failure after the connection was made is a `NoAnswer` (the owner may have acted).
 */
const send = (
  request: HttpServerRequest.HttpServerRequest,
  owner: Owner,
  runner: string,
  timeoutMs: number,
  connectMs: number
): Effect.Effect<Sent> =>
  Effect.gen(function*() {
    const method = request.method.toUpperCase()
    const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(yield* Effect.orDie(request.arrayBuffer))
    const headers: Record<string, string | number> = { [FORWARDED_HEADER]: runner }
    for (const h of PASSED) {
      const v = request.headers[h]
      if (v !== undefined) headers[h] = v
    }
    if (body !== undefined) headers["content-length"] = body.byteLength
    let target: URL
    try {
      target = new URL(`${owner.address!.replace(/\/+$/, "")}${request.url}`)
    } catch {
      return { _tag: "Unreachable", message: `runner ${owner.runner} advertises a bad address: ${owner.address}` } satisfies Sent
    }
    return yield* Effect.callback<Sent>((resume) => {
      let connected = false
      let done = false
      const finish = (sent: Sent) => {
        if (done) return
        done = true
        clearTimeout(connectTimer)
        resume(Effect.succeed(sent))
      }
      const https = target.protocol === "https:"
      const req = (https ? Https : Http).request(target, { method, headers, agent: https ? agents.https : agents.http, timeout: timeoutMs }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("error", (e) => finish({ _tag: "NoAnswer", message: e.message, dropped: false }))
        res.on("end", () => {
          const out: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === "string" && (k === "retry-after" || k.startsWith("x-mags-"))) out[k] = v
          }
          finish({
            _tag: "Answered",
            response: HttpServerResponse.uint8Array(new Uint8Array(Buffer.concat(chunks)), {
              status: res.statusCode ?? 502,
              headers: out,
              contentType: res.headers["content-type"] ?? "application/octet-stream"
            })
          })
        })
      })
      const connectTimer = setTimeout(() => {
        if (!connected) req.destroy(Object.assign(new Error(`no connection within ${connectMs} ms`), { code: "ECONNTIMEOUT" }))
      }, connectMs)
      req.on("socket", (socket) => {
        if (!socket.connecting) connected = true
        else socket.once("connect", () => { connected = true })
      })
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on("error", (e: Error & { code?: string }) =>
        finish(
          !connected && NOT_CONNECTED.has(e.code ?? "")
            ? { _tag: "Unreachable", message: e.message }
            : { _tag: "NoAnswer", message: e.message, dropped: e.code === "ECONNRESET" || e.code === "EPIPE" }
        ))
      req.end(body)
      return Effect.sync(() => {
        done = true
        clearTimeout(connectTimer)
        req.destroy()
      })
    })
  })

/**
 * Whether `runner` is stopping cleanly: it is gone from the runners within half a lease (it
 * removes itself once it has answered every request it took, so a request it dropped meanwhile
 * was never acted on, and may be answered elsewhere). A runner that crashed stays registered:
 * a request it dropped may have been acted on, and is not sent anywhere else.
 */
const stoppedCleanly = (ownership: OwnershipShape, runner: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const deadline = performance.now() + Math.max(500, ownership.ttlMs / 2)
    for (;;) {
      const still = yield* Effect.result(ownership.registered(runner))
      if (still._tag === "Failure") return false
      if (!still.success) return true
      if (performance.now() >= deadline) return false
      yield* Effect.sleep("25 millis")
    }
  })

/**
 * The `Server.Options.intercept` of a runner: forwards the requests of memories another runner
 * owns (see the module header); `undefined` (answer here) for this runner's memories and every
 * other route.
 * @complexity O(|path|) plus, for a memory not held here, one lease lookup and one HTTP round trip
 */
export const intercept = (ownership: OwnershipShape, options: { readonly timeoutMs?: number } = {}): Intercept => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return (request) =>
    Effect.gen(function*() {
      const id = memoryOf(request.url)
      if (id === undefined) return undefined
      const routed = yield* Effect.result(ownership.route(id))
      if (routed._tag === "Failure") return errorResponse(503, "Unavailable", `cluster: cannot look up the owner of ${id.key}: ${routed.failure.message}`, { "retry-after": "1" })
      let route: Route = routed.success
      // the owner may have died: once, wait for its lease to lapse and take the memory over
      let waited = false
      for (;;) {
        if (route._tag === "Local") return undefined
        const owner = route.owner
        if (request.headers[FORWARDED_HEADER] !== undefined) {
          return errorResponse(503, "Unavailable", `memory ${id.key} moved to runner ${owner.runner} while the request was forwarded; retry`, { "retry-after": "1" })
        }
        const sent: Sent = owner.address === undefined
          ? { _tag: "Unreachable", message: `runner ${owner.runner} has no address` }
          : yield* send(request, owner, ownership.runner, timeoutMs, Math.max(200, ownership.ttlMs / 2))
        if (sent._tag === "Answered") return sent.response
        // a dropped read is safe to answer elsewhere; a dropped write only when the owner stopped cleanly
        const safe = sent._tag === "NoAnswer" && sent.dropped && !waited &&
          (request.method === "GET" || request.method === "HEAD" || (yield* stoppedCleanly(ownership, owner.runner)))
        if (sent._tag === "NoAnswer" && !safe) {
          return errorResponse(504, "Unavailable", `runner ${owner.runner}, owner of ${id.key}, did not answer: ${sent.message}`)
        }
        if (waited) return errorResponse(503, "Unavailable", `runner ${owner.runner}, owner of ${id.key}, is unreachable: ${sent.message}`, { "retry-after": "1" })
        waited = true
        const taken = yield* Effect.result(ownership.takeOver(id, owner.leftMs + ownership.ttlMs / 5))
        if (taken._tag === "Failure") return errorResponse(503, "Unavailable", `cluster: cannot take ${id.key} over: ${taken.failure.message}`, { "retry-after": "1" })
        route = taken.success
      }
    })
}
