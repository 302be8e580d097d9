/**
 * Server — `mags serve`'s HTTP server: the API of `Api.ts` (handlers in `Handlers.ts`), its
 * OpenAPI document at `GET /openapi.json`, the routes others mount beside it (`/mcp`, the web
 * inspector at `/`), and the limits every request passes:
 *
 * - bearer tokens → users (`Auth.ts`): 401 without a known token, 403 for another user's memory,
 *   429 past the token's rate (token bucket, `Tokens.ts`);
 * - a body limit (default 1 MiB): 413 from the `content-length`, or while a chunked body is read;
 * - slow clients: the headers must arrive within `headersTimeoutMs` and the whole request within
 *   `requestTimeoutMs`, else Node answers 408 and closes the connection;
 * - loopback bind by default (`127.0.0.1`); with `noAuth` (loopback only) a request whose `host`
 *   header is not a loopback name is refused (403), so a web page cannot reach the server
 *   through DNS rebinding;
 * - every error answer is JSON `{ "error": { "kind", "message" } }` (`Errors.ts`), also those
 *   `effect/http` makes itself (malformed JSON, invalid params, unknown route, too large).
 *
 * A refused request runs no handler, so nothing is written. Memories stay open in the server
 * (the app's `Memories` service), never opened per request.
 *
 * Mounting other routes: {@link layer}'s `mounts.authenticated` are route layers (an
 * `HttpRouter` layer, e.g. `HttpRouter.add("POST", "/mcp", …)` or McpServer's `layerHttp`)
 * that get {@link Auth.CurrentGrant} from the request's token (same 401 / 429 as the API);
 * `mounts.public` are served as they are (the page and its static assets).
 *
 * @since 0.3.0
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { ByteSize, Cause, Effect, Layer, type Types } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { HttpIncomingMessage, HttpRouter, HttpServer, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiError } from "effect/http-api"
import { Api } from "./Api.ts"
import { Access, Authorization, requireGrant } from "./Auth.ts"
import { errorResponse } from "./Errors.ts"
import { handlers } from "./Handlers.ts"
import type * as Tokens from "./Tokens.ts"

// ── options ───────────────────────────────────────────────────────────────────

/** The default host: loopback only. */
export const DEFAULT_HOST = "127.0.0.1"
/** The default port. */
export const DEFAULT_PORT = 8787
/** The default body limit (1 MiB). */
export const DEFAULT_MAX_BODY = 1024 * 1024
/** The default time for a client to send its headers. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000
/** The default time for a client to send its whole request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** The server's options; `RA` / `RP`: what the authenticated / public mounts need. */
export interface Options<RA = never, RP = never> {
  /** Interface to bind (default {@link DEFAULT_HOST}). */
  readonly host?: string | undefined
  /** Port (default {@link DEFAULT_PORT}; 0: an ephemeral port). */
  readonly port?: number | undefined
  /** The bearer tokens (see `Tokens.ts`). */
  readonly tokens: ReadonlyArray<Tokens.Token>
  /** Admit every request as the local grant (`--no-auth`; refused unless `host` is loopback). */
  readonly noAuth?: boolean | undefined
  /** Body limit in bytes (default {@link DEFAULT_MAX_BODY}). */
  readonly maxBodyBytes?: number | undefined
  /** See {@link DEFAULT_HEADERS_TIMEOUT_MS}. */
  readonly headersTimeoutMs?: number | undefined
  /** See {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number | undefined
  /**
   * Runs before the routes on every request that passes the limits (the host check, the body
   * limit; the body it reads is held to that limit too): a response it gives is the answer (the
   * routes do not run); `undefined` lets the routes answer. A cluster's runner forwards the
   * requests of memories another runner owns here (`shell/cluster/Forward.ts`).
   */
  readonly intercept?: Intercept | undefined
  /** This server's runner id in a cluster: every answer it gives carries it in {@link RUNNER_HEADER}. */
  readonly runner?: string | undefined
  /** Routes mounted beside the API. */
  readonly mounts?: {
    readonly authenticated?: ReadonlyArray<Layer.Layer<never, never, RA>> | undefined
    readonly public?: ReadonlyArray<Layer.Layer<never, never, RP>> | undefined
  } | undefined
}

/** What {@link Options.intercept} is: a response, or `undefined` to let the routes answer. */
export type Intercept = (
  request: HttpServerRequest.HttpServerRequest
) => Effect.Effect<HttpServerResponse.HttpServerResponse | undefined>

/** The header naming the runner that answered (`Options.runner`). */
export const RUNNER_HEADER = "x-mags-runner"

/**
 * Whether `host` names this machine only (127.0.0.0/8, ::1, localhost).
 * @complexity O(|host|)
 */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

// ── limits and error bodies ───────────────────────────────────────────────────

const kindOfStatus = (status: number): string =>
  status === 400 ? "BadInput" : status === 404 ? "NotFound" : status === 408 ? "Timeout" : status === 413 ? "TooLarge" :
  status === 415 ? "UnsupportedMediaType" : status >= 500 ? "Unexpected" : "Error"

/** Why a request failed before or around its handler, in one line. */
const messageOf = (cause: Cause.Cause<unknown>, status: number, request: HttpServerRequest.HttpServerRequest): string => {
  const error = Cause.squash(cause)
  if (HttpApiError.HttpApiSchemaError.is(error)) {
    const detail = error.cause instanceof Error ? error.cause.message : String(error.cause)
    return `invalid ${error.kind.toLowerCase()}: ${detail}`.replace(/\s*\n\s*/g, "; ")
  }
  if (status === 404) return `no route ${request.method} ${request.url.split("?")[0]}`
  if (status === 413) return "request body too large"
  if (status >= 500) return "internal error"
  return error instanceof Error ? error.message.split("\n")[0]! : "bad request"
}

/** The host name of a `host` header (`127.0.0.1:8787` → `127.0.0.1`, `[::1]:80` → `::1`). */
const hostName = (header: string): string => {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header)
  return m === null ? header : m[1]!
}

/**
 * The global limits: the host check of `noAuth`, the body limit (413 before reading when
 * `content-length` says so; a chunked body is cut off at the limit while it is read), and JSON
 * error bodies for the answers `effect/http` gives with an empty body.
 */
/** Set once the server starts to stop: every answer from then on closes its connection. */
interface Draining {
  on: boolean
}

const limits = (maxBodyBytes: number, noAuth: boolean, intercept: Intercept | undefined, runner: string | undefined, draining: Draining) =>
  HttpRouter.middleware(
    // A global middleware's type may not handle errors (they reach the server's own handler); this
    // one turns every failure into its JSON answer, which the server then sends as any response.
    ((httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest>) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        // without tokens, a page on another site could reach this loopback server through DNS
        // rebinding (its name resolving to 127.0.0.1): only loopback names are served then
        if (noAuth && !isLoopback(hostName(request.headers.host ?? ""))) {
          return errorResponse(403, "Forbidden", `--no-auth serves loopback host names only, not "${request.headers.host ?? ""}"`)
        }
        const length = Number(request.headers["content-length"] ?? "0")
        if (Number.isFinite(length) && length > maxBodyBytes) {
          return errorResponse(413, "TooLarge", `request body of ${length} bytes is over the limit of ${maxBodyBytes}`, { connection: "close" })
        }
        const answer = intercept === undefined
          ? httpEffect
          : Effect.flatMap(intercept(request), (response) => (response === undefined ? httpEffect : Effect.succeed(response)))
        const exit = yield* Effect.exit(Effect.provideService(answer, HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBodyBytes)))
        if (exit._tag === "Success") {
          const answered = runner === undefined || exit.value.headers[RUNNER_HEADER] !== undefined
            ? exit.value
            : HttpServerResponse.setHeader(exit.value, RUNNER_HEADER, runner)
          // stopping: a keep-alive client (another runner forwarding) must not go on sending here
          return draining.on ? HttpServerResponse.setHeader(answered, "connection", "close") : answered
        }
        if (Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.failCause(exit.cause)
        const [response] = yield* HttpServerError.causeResponse(exit.cause)
        const status = response.status
        if (status >= 500) yield* Effect.logError("request failed", exit.cause)
        return errorResponse(status, kindOfStatus(status), messageOf(exit.cause, status, request), status === 413 ? { connection: "close" } : {})
      })) as unknown as (
      httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled>
    ) => Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled, HttpServerRequest.HttpServerRequest>,
    { global: true }
  )

// ── the server ────────────────────────────────────────────────────────────────

/**
 * The app's routes (API, OpenAPI document, mounts, limits) as one router layer, without the
 * HTTP server: what {@link layer} serves, and what tests can call with `HttpRouter.toWebHandler`.
 * @complexity O(routes)
 */
export const routes = <RA = never, RP = never>(options: Options<RA, RP>, draining: Draining = { on: false }) => {
  const api = HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(
    Layer.provide(handlers),
    Layer.provide(Authorization.layer)
  )
  const authenticated = (options.mounts?.authenticated ?? []).map((m) => m.pipe(Layer.provide(requireGrant.layer)))
  return Layer.mergeAll(api, limits(options.maxBodyBytes ?? DEFAULT_MAX_BODY, options.noAuth === true, options.intercept, options.runner, draining), ...authenticated, ...(options.mounts?.public ?? [])).pipe(
    Layer.provide(Access.layer({ tokens: options.tokens, noAuth: options.noAuth === true }))
  )
}

/**
 * The whole server: {@link routes} served by Node's `http` server on `host:port`, with the
 * slow-client timeouts. When it stops it finishes the requests in flight, and every answer from
 * then on carries `connection: close`, so keep-alive clients (another runner forwarding to this
 * one) go elsewhere at once instead of keeping it busy. Fails to build with a message when `noAuth` is asked on a non-loopback
 * host, or the port cannot be bound.
 * @complexity O(routes) to build
 */
export const layer = <RA = never, RP = never>(options: Options<RA, RP>) => {
  const host = options.host ?? DEFAULT_HOST
  const guard: Layer.Layer<never> = options.noAuth === true && !isLoopback(host)
    ? Layer.effectDiscard(Effect.die(new Error(`--no-auth is only allowed on a loopback host, not ${host}`)))
    : Layer.empty
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS
  const requestTimeout = Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout)
  const server = () =>
    createServer({
      headersTimeout,
      requestTimeout,
      // how often Node looks for connections past those timeouts
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 2)))
    })
  const draining: Draining = { on: false }
  const served = HttpRouter.serve(routes(options, draining), { disableLogger: true, disableListenLog: true })
  // built after the serving layer, so released before it: from the moment the server starts to
  // stop (it finishes the requests in flight), its answers close their connections
  const drain = Layer.effectDiscard(Effect.addFinalizer(() => Effect.sync(() => {
    draining.on = true
  })))
  return Layer.provide(drain, served).pipe(
    Layer.provideMerge(NodeHttpServer.layer(server, { port: options.port ?? DEFAULT_PORT, host })),
    Layer.provide(guard)
  )
}

/**
 * The address the server listens on, as a base URL (`http://127.0.0.1:8787`).
 * @complexity O(1)
 */
export const url: Effect.Effect<string, never, HttpServer.HttpServer> = HttpServer.addressFormattedWith(Effect.succeed)
