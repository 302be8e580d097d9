/**
 * Loopback — test helpers for the HTTP providers (OpenAI-compatible embeddings and chat): a real
 * `node:http` server on 127.0.0.1 at a free port, closed with the test's scope, and a loopback
 * port with nothing listening on it (the "unreachable endpoint" case). Test-only: imported by
 * `*.test.ts` files, never by a production module.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** A running loopback server: its base URL, what its handler recorded, and the server itself. */
export interface Server<S> {
  readonly url: string
  readonly seen: Array<S>
  readonly server: Http.Server
}

/**
 * A server on `127.0.0.1:<free port>` whose request handler is `handle(seen)` (the handler pushes
 * what it wants the test to check into `seen`); every open connection is closed and the server
 * stopped when the scope closes. Each run of the effect starts a fresh server with a fresh `seen`.
 */
export const server = <S>(handle: (seen: Array<S>) => Http.RequestListener): Effect.Effect<Server<S>, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Server<S>>((resume) => {
      const seen: Array<S> = []
      const s = Http.createServer(handle(seen))
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen, server: s })))
    }),
    ({ server: s }) =>
      Effect.callback<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  )

/** A loopback port with nothing listening on it (bound to a free port, then closed). */
export const closedPort: Effect.Effect<number> = Effect.callback<number>((resume) => {
  const s = Http.createServer()
  s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as AddressInfo).port
    s.close(() => resume(Effect.succeed(port)))
  })
})
