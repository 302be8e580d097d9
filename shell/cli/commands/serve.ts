/**
 * `mags serve` — the HTTP API (`shell/server/`), with the MCP endpoint at `/mcp` and the web
 * inspector at `/`, over the memories of the home (`--home`). Memories stay open while the
 * server runs.
 *
 * Tokens: `--tokens FILE` (JSON, see `shell/server/Tokens.ts`), else `MAGS_TOKENS`
 * (`token=user[,user2];…`). With neither, a fresh token for every user is generated and printed
 * on stderr (with the page's URL), so `mags serve` starts with no setup; `--no-auth` admits every
 * request without a token (loopback hosts only).
 *
 * Binds `127.0.0.1:8787` unless `--host` / `--port` say otherwise. Stops on Ctrl-C.
 *
 * Over a PostgreSQL store the server is a runner of a cluster (`shell/cluster/`): it owns
 * memories through leases (`--lease-ms`), forwards the requests of memories other runners own
 * to them, and advertises the address they reach it at (`--advertise`, default the address it
 * listens on, this machine's name for a wildcard host) under its id (`--runner`).
 *
 * @since 0.3.0
 */
import { readFileSync } from "node:fs"
import { hostname } from "node:os"
import { Console, Effect, Layer, Option, Redacted, Result } from "effect"
import { Command, Flag } from "effect/cli"
import * as Config from "../../app/Config.ts"
import { fail, fromStoreError } from "../../app/Failure.ts"
import { Memories } from "../../app/Memories.ts"
import * as Services from "../../app/Services.ts"
import * as Forward from "../../cluster/Forward.ts"
import * as Ownership from "../../cluster/Ownership.ts"
import { httpLayer as mcpRoutes } from "../../mcp/Http.ts"
import * as Server from "../../server/Server.ts"
import * as Tokens from "../../server/Tokens.ts"
import * as WebRoutes from "../../web/Routes.ts"
import * as Root from "../Root.ts"

/** The `serve` command. */
export const serve = Command.make("serve", {
  host: Flag.String("host").pipe(Flag.withDescription(`Interface to bind (default ${Server.DEFAULT_HOST}: this machine only)`), Flag.optional),
  port: Flag.Int("port").pipe(Flag.withDescription(`Port (default ${Server.DEFAULT_PORT}; 0: any free port)`), Flag.optional),
  tokens: Flag.String("tokens").pipe(
    Flag.withDescription("Tokens file: {\"tokens\":[{\"token\",\"users\":[…],\"rate\"?,\"burst\"?}]} (else env MAGS_TOKENS=token=user[,user2];…)"),
    Flag.optional
  ),
  noAuth: Flag.Boolean("no-auth").pipe(Flag.withDescription("Admit every request without a token (loopback hosts only)"), Flag.withDefault(false)),
  maxBody: Flag.Int("max-body").pipe(Flag.withDescription(`Largest request body in bytes (default ${Server.DEFAULT_MAX_BODY})`), Flag.optional),
  runner: Flag.String("runner").pipe(Flag.withDescription("This runner's id in a cluster (PostgreSQL store; default host-pid-random)"), Flag.optional),
  advertise: Flag.String("advertise").pipe(
    Flag.withDescription("The base URL other runners reach this one at (PostgreSQL store; default the address listened on, the host name for 0.0.0.0)"),
    Flag.optional
  ),
  leaseMs: Flag.Int("lease-ms").pipe(
    Flag.withDescription(`How long a runner's lease on a memory lasts without renewal, in ms (PostgreSQL store; default ${Ownership.DEFAULT_TTL_MS}; bounds the takeover after a crash)`),
    Flag.optional
  )
}, ({ advertise, host, leaseMs, maxBody, noAuth, port, runner, tokens }) =>
  Effect.scoped(Effect.gen(function*() {
    const s = yield* Root.settings
    const env = yield* Root.CliEnv
    const bindHost = Option.getOrElse(host, () => Server.DEFAULT_HOST)
    if (noAuth && !Server.isLoopback(bindHost)) return yield* fail("Usage", `--no-auth is only allowed on a loopback host, not ${bindHost}`)
    if (Option.isSome(maxBody) && maxBody.value < 1) return yield* fail("Usage", "--max-body must be at least 1 byte")
    const clustered = s.store._tag === "Postgres"
    if (!clustered && (Option.isSome(runner) || Option.isSome(advertise) || Option.isSome(leaseMs))) {
      return yield* fail("Usage", "--runner, --advertise and --lease-ms are for a cluster: a PostgreSQL store (--store / MAGS_STORE postgres://…)")
    }
    if (Option.isSome(leaseMs) && leaseMs.value < Ownership.MIN_TTL_MS) return yield* fail("Usage", `--lease-ms must be at least ${Ownership.MIN_TTL_MS}`)
    if (Option.isSome(advertise) && !/^https?:\/\/[^/]+/.test(advertise.value)) return yield* fail("Usage", `--advertise must be an http(s) base URL, got "${advertise.value}"`)
    if (Option.isSome(runner) && (runner.value.trim() === "" || runner.value.length > 200)) return yield* fail("Usage", "--runner must be 1 to 200 characters")

    const configured = Option.isSome(tokens)
      ? yield* Effect.try({ try: () => readFileSync(tokens.value, "utf8"), catch: (e) => fail("BadInput", `cannot read the tokens file ${tokens.value}: ${e instanceof Error ? e.message : String(e)}`) }).pipe(
        Effect.map(Tokens.parseFile)
      )
      : env.MAGS_TOKENS !== undefined && env.MAGS_TOKENS.trim() !== "" ? Tokens.parseEnv(env.MAGS_TOKENS) : Result.succeed([])
    if (Result.isFailure(configured)) return yield* fail("Usage", configured.failure)
    const generated = configured.success.length === 0 && !noAuth ? Tokens.generate("*") : undefined
    const all = generated === undefined ? configured.success : [generated.token]

    // over PostgreSQL this server is a runner of a cluster: it owns memories through leases and
    // forwards the requests of the others' (shell/cluster/)
    const ownership = s.store._tag === "Postgres"
      ? yield* Ownership.make({
        url: Redacted.value(s.store.url),
        runner: Option.getOrUndefined(runner),
        ttlMs: Option.getOrUndefined(leaseMs),
        claimAfterAdvertise: true
      }).pipe(Effect.mapError(fromStoreError))
      : undefined

    const server = Server.layer({
      host: bindHost,
      intercept: ownership === undefined ? undefined : Forward.intercept(ownership),
      runner: ownership?.runner,
      port: Option.getOrElse(port, () => Server.DEFAULT_PORT),
      tokens: all,
      noAuth,
      maxBodyBytes: Option.getOrUndefined(maxBody),
      // /mcp behind the same token check as the API; the page and its assets are public
      mounts: { authenticated: [mcpRoutes], public: [WebRoutes.layer] }
    })
    const app = Layer.mergeAll(
      Memories.layer.pipe(
        Layer.provide(Services.storeLayer(s, { fence: ownership?.fence })),
        Layer.provide(ownership === undefined ? Layer.empty : Layer.succeed(Ownership.Ownership, ownership))
      ),
      Services.embedderLayer(s),
      Services.extractorFor(s),
      // the memory controller (--policy FILE; else the hand-written rules) for every recall
      Services.controllerLayer(s)
    )
    yield* Effect.gen(function*() {
      const base = yield* Server.url
      yield* Console.error(`mags serve: listening on ${base} (memories in ${s.store._tag === "Postgres" ? Config.describeStore(s.store) : s.home})`)
      if (ownership !== undefined) {
        // a wildcard bind is reached at this machine's name
        const address = Option.getOrElse(advertise, () => base.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=[:/]|$)/, `$1${hostname()}`))
        yield* Effect.mapError(ownership.advertise(address), fromStoreError)
        yield* Console.error(`mags serve: cluster runner ${ownership.runner} at ${address} (leases of ${ownership.ttlMs} ms)`)
      }
      if (generated !== undefined) {
        yield* Console.error(`mags serve: no tokens configured; generated one for every user (valid while this server runs):`)
        yield* Console.error(`  token: ${generated.secret}`)
        yield* Console.error(`  page:  ${base}/?token=${generated.secret}`)
      } else if (noAuth) {
        yield* Console.error(`mags serve: --no-auth: every request is admitted; page: ${base}/`)
      }
      return yield* Effect.never
    }).pipe(
      Effect.provide(server),
      Effect.catchTag("ServeError", (e) => {
        const cause = e.cause instanceof Error ? e.cause.message : String(e.cause)
        return Effect.fail(fail("Usage", `cannot listen on ${bindHost}:${Option.getOrElse(port, () => Server.DEFAULT_PORT)}: ${cause}`))
      }),
      Effect.provide(app)
    )
  }))).pipe(Command.withDescription("Serve memories over HTTP (JSON API, OpenAPI at /openapi.json)"))
