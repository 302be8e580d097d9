/**
 * Auth — bearer tokens to grants, per-token rate limits, and the tenant check.
 *
 * - {@link Access}: the configured tokens and the rate limiter; `check(secret)` gives the grant
 *   of a presented token, or the refusal (401: none or unknown; 429: its rate is spent);
 * - {@link Authorization}: the `effect/http-api` middleware (bearer security, in the OpenAPI
 *   document) that runs `check` before every `/v1` endpoint and provides {@link CurrentGrant};
 * - {@link requireGrant}: the same check as an `HttpRouter` middleware, for routes mounted beside
 *   the API (`/mcp`): a route layer that needs `CurrentGrant` gets it from here;
 * - {@link authorize}: may the current grant act for a user? (403 otherwise).
 *
 * A refused request never reaches a handler, so nothing is written.
 *
 * @since 0.3.0
 */
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiMiddleware, HttpApiSecurity } from "effect/http-api"
import { bodyText, Forbidden, TooManyRequests, Unauthorized } from "./Errors.ts"
import * as RateLimit from "./RateLimit.ts"
import * as Tokens from "./Tokens.ts"

// ── services ──────────────────────────────────────────────────────────────────

/** The grant of the request's token (provided by {@link Authorization} / {@link requireGrant}). */
export class CurrentGrant extends Context.Service<CurrentGrant, Tokens.Grant>()("mags/shell/server/CurrentGrant") {}

/** How the server admits requests. */
export interface AccessOptions {
  /** The configured tokens. */
  readonly tokens: ReadonlyArray<Tokens.Token>
  /** Admit every request as {@link Tokens.localGrant} (`--no-auth`, loopback only). */
  readonly noAuth?: boolean
}

/** A refusal: the answer to send instead of running the request. */
export type Refusal = Unauthorized | TooManyRequests

/** The configured tokens and their rate limiter. */
export class Access extends Context.Service<Access, {
  /**
   * The grant of a presented bearer secret (`""`: none), after taking one request from its
   * rate bucket; or the refusal.
   * @complexity O(|tokens|)
   */
  readonly check: (secret: string) => Effect.Effect<Tokens.Grant, Refusal>
}>()("mags/shell/server/Access") {
  /** Access with `options`' tokens and a fresh rate limiter. @complexity O(1) */
  static readonly layer = (options: AccessOptions): Layer.Layer<Access> =>
    Layer.sync(Access, () => {
      const limiter = RateLimit.make()
      return Access.of({
        check: (secret) =>
          Effect.gen(function*() {
            const grant = options.noAuth === true ? Tokens.localGrant : secret === "" ? undefined : Tokens.lookup(options.tokens, secret)
            if (grant === undefined) {
              const message = secret === "" ? "missing bearer token (Authorization: Bearer <token>)" : "unknown bearer token"
              return yield* new Unauthorized({ error: { kind: "Unauthorized", message } })
            }
            const taken = limiter.take(grant.name, grant.rate, grant.burst, yield* Clock.currentTimeMillis)
            if (!taken.ok) {
              return yield* new TooManyRequests({
                error: { kind: "RateLimited", message: `rate limit of ${grant.rate} requests/s (burst ${grant.burst}) reached; retry after ${taken.retryAfterMs} ms` }
              })
            }
            return grant
          })
      })
    })
}

// ── refusals as responses ─────────────────────────────────────────────────────

/**
 * The HTTP answer of a refusal (JSON error body; a 429 says when to retry in `retry-after`).
 * @complexity O(1)
 */
export const refusalResponse = (refusal: Refusal): HttpServerResponse.HttpServerResponse => {
  const retry = refusal._tag === "TooManyRequests" ? /retry after (\d+) ms/.exec(refusal.error.message) : null
  const status = refusal._tag === "Unauthorized" ? 401 : 429
  return HttpServerResponse.text(bodyText(status, refusal.error.kind, refusal.error.message), {
    status,
    contentType: "application/json",
    headers: {
      ...(refusal._tag === "Unauthorized" ? { "www-authenticate": "Bearer" } : {}),
      ...(retry === null ? {} : { "retry-after": String(Math.max(1, Math.ceil(Number(retry[1]) / 1000))) })
    }
  })
}

/** The bearer secret of a request's `authorization` header (`""`: none). @complexity O(|header|) */
export const bearerOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const header = request.headers.authorization
  if (header === undefined) return ""
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match === null ? "" : match[1]!
}

// ── middleware ────────────────────────────────────────────────────────────────

/** The API's bearer-token middleware: 401 / 429 before any endpoint runs; provides {@link CurrentGrant}. */
export class Authorization extends HttpApiMiddleware.Service<Authorization, {
  provides: CurrentGrant
  requires: never
}>()("mags/shell/server/Authorization", {
  security: { bearer: HttpApiSecurity.bearer },
  error: [Unauthorized, TooManyRequests]
}) {
  /** The middleware over {@link Access}. @complexity O(1) */
  static readonly layer: Layer.Layer<Authorization, never, Access> = Layer.effect(
    Authorization,
    Effect.gen(function*() {
      const access = yield* Access
      return Authorization.of({
        bearer: (httpEffect, { credential }) =>
          access.check(Redacted.value(credential)).pipe(
            Effect.matchEffect({
              // a 429 carries `retry-after`, so refusals are answered here rather than encoded
              onFailure: (refusal) => Effect.succeed(refusalResponse(refusal)),
              onSuccess: (grant) => Effect.provideService(httpEffect, CurrentGrant, grant)
            })
          )
      })
    })
  )
}

/**
 * The token check for routes mounted beside the API (e.g. `/mcp`): a route layer that requires
 * {@link CurrentGrant} is given it, after the same 401 / 429 checks as the API. Provide its
 * `.layer` to the route layer: `routes.pipe(Layer.provide(requireGrant.layer))` (it needs
 * {@link Access}, which the server provides).
 */
export const requireGrant = HttpRouter.middleware<{ provides: CurrentGrant }>()(
  Effect.gen(function*() {
    const access = yield* Access
    return (httpEffect) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        return yield* access.check(bearerOf(request)).pipe(
          Effect.matchEffect({
            onFailure: (refusal) => Effect.succeed(refusalResponse(refusal)),
            onSuccess: (grant) => Effect.provideService(httpEffect, CurrentGrant, grant)
          })
        )
      })
  })
)

// ── tenant check ──────────────────────────────────────────────────────────────

/**
 * Succeeds when the current grant may act for `user`, else fails with 403 (nothing is read or
 * written for that user).
 * @complexity O(|grant users|)
 */
export const authorize = (user: string): Effect.Effect<void, Forbidden, CurrentGrant> =>
  Effect.flatMap(CurrentGrant, (grant) =>
    Tokens.allows(grant, user)
      ? Effect.void
      : Effect.fail(new Forbidden({ error: { kind: "Forbidden", message: `this token may not use the memories of user "${user}"` } })))
