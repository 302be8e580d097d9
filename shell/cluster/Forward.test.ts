/**
 * The forwarding of a runner (`Forward.ts`) in process, against a throwaway PostgreSQL server:
 * which paths name a memory; a request for a memory a live runner owns goes to that runner's
 * address, and a forwarded request is never forwarded again; an owner whose address cannot be
 * reached (a machine that is gone) is taken over once its lease lapses, and the request is
 * answered here. Skips the server part, with the reason printed, where no PostgreSQL binaries
 * exist.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpServerRequest } from "effect/http"
import * as Http from "node:http"
import { afterAll } from "vitest"
import { MemoryId } from "../store/MemoryStore.ts"
import * as PgServer from "../testing/PgServer.ts"
import * as Forward from "./Forward.ts"
import * as Ownership from "./Ownership.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

const pg = PgServer.shared()
afterAll(pg.close)
const request = (path: string, init?: RequestInit) => HttpServerRequest.fromWeb(new Request(`http://127.0.0.1${path}`, init))

describe("Forward.memoryOf", () => {
  it("names the memory of /v1/memories/{user}/{agent}/{session}[/…] (decoded), nothing else", () => {
    assert.deepStrictEqual(Forward.memoryOf("/v1/memories/alice/a/s/recall")?.key, "alice/a/s")
    assert.deepStrictEqual(Forward.memoryOf("/v1/memories/al%20ice/a/s")?.key, "al ice/a/s")
    assert.deepStrictEqual(Forward.memoryOf("/v1/memories/alice/a/s?x=1")?.key, "alice/a/s")
    assert.isUndefined(Forward.memoryOf("/v1/memories"))
    assert.isUndefined(Forward.memoryOf("/v1/memories/alice/a"))
    assert.isUndefined(Forward.memoryOf("/mcp"))
    assert.isUndefined(Forward.memoryOf("/v1/memories/%E0%A4%A/a/s"))
  })
})

describe.skipIf(skip !== undefined)("Forward.intercept", () => {
  it.live("a memory another runner owns is sent to its address with the body and token; the answer comes back; a forwarded request is not sent on again", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("fwd"))
      const seen: Array<{ method: string; url: string; body: string; auth: string | undefined; by: string | undefined }> = []
      const owner = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (c: Buffer) => (body += c.toString()))
        req.on("end", () => {
          seen.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization, by: req.headers[Forward.FORWARDED_HEADER] as string | undefined })
          res.writeHead(201, { "content-type": "application/json", "x-mags-runner": "a" })
          res.end("{\"ok\":true}")
        })
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void owner.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.callback<void>((resume) => void owner.close(() => resume(Effect.void)))
      )
      const port = (owner.address() as import("node:net").AddressInfo).port
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      yield* a.advertise(`http://127.0.0.1:${port}`)
      const alice = MemoryId.fromParts({ user: "alice" })
      assert.strictEqual((yield* a.route(alice))._tag, "Local")
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 60_000 })
      const intercept = Forward.intercept(b)
      // not a memory route: answered here
      assert.isUndefined(yield* intercept(request("/v1/memories")))
      const answer = yield* intercept(request("/v1/memories/alice/default/default/facts?x=1", {
        method: "POST",
        body: "{\"facts\":[]}",
        headers: { authorization: "Bearer t0k", "content-type": "application/json" }
      }))
      assert.strictEqual(answer?.status, 201)
      assert.strictEqual(answer?.headers["x-mags-runner"], "a")
      assert.deepStrictEqual(seen, [{ method: "POST", url: "/v1/memories/alice/default/default/facts?x=1", body: "{\"facts\":[]}", auth: "Bearer t0k", by: "b" }])
      const again = yield* intercept(request("/v1/memories/alice/default/default/graph", { headers: { [Forward.FORWARDED_HEADER]: "c" } }))
      assert.strictEqual(again?.status, 503)
      assert.strictEqual(again?.headers["retry-after"], "1")
      assert.strictEqual(seen.length, 1)
      // b's own memory: answered here
      assert.isUndefined(yield* intercept(request("/v1/memories/bob/default/default/graph")))
    }).pipe(Effect.scoped))

  it.live("an owner that cannot be reached is taken over once its lease lapses, and the request is answered here", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("gone"))
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 1000 })
      // a runner that is gone: its lease has 1.5 s left, its address refuses connections
      const closed = Http.createServer()
      const port = yield* Effect.callback<number>((resume) => void closed.listen(0, "127.0.0.1", () => {
        const p = (closed.address() as import("node:net").AddressInfo).port
        closed.close(() => resume(Effect.succeed(p)))
      }))
      yield* Effect.orDie(pg.psql(url, `INSERT INTO mags_runners (runner, address) VALUES ('ghost', 'http://127.0.0.1:${port}');
        INSERT INTO mags_leases ("user", agent, session, runner, token, expires) VALUES ('carol', 'default', 'default', 'ghost', 7, clock_timestamp() + interval '1500 milliseconds')`))
      const started = performance.now()
      const answer = yield* Forward.intercept(b)(request("/v1/memories/carol/default/default/graph"))
      const waited = performance.now() - started
      assert.isUndefined(answer)
      assert.isAtLeast(waited, 1000) // it waited for the lease to lapse, not less
      const held = yield* b.held
      assert.deepStrictEqual(held.map((h) => [h.id.key, h.token]), [["carol/default/default", 8]])
    }).pipe(Effect.scoped))
})
