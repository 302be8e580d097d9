/**
 * Routes — the web inspector's static routes, for `mags serve` to mount: `GET /` (the page) and
 * `GET /app/*` (its script, source map and stylesheet), served from {@link WebAssets}' in-memory
 * bundle with a strong ETag (`If-None-Match` → 304) and `Cache-Control: no-cache`, so a browser
 * revalidates after a restart instead of running an old page against a new server.
 *
 * The page holds no secret: it reads a token once from `?token=` (kept in the tab's
 * sessionStorage) and sends it as a bearer token to the API, so these routes need none.
 *
 * @since 0.3.0
 */
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { type Asset, WebAssets } from "./Bundle.ts"

/**
 * The page's own policy: scripts, styles and requests from this origin only (gpu.js compiles its
 * CPU kernels with `Function`, the core's kernels may instantiate WebAssembly: hence the two
 * eval sources; the Worlds tab injects its stylesheet); no framing (hand edits cannot be
 * clickjacked); no Referer (the first address carries `?token=`).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'"
  ].join("; "),
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY"
}

/** The response for one asset, or 304 when the browser already holds these bytes. */
const respond = (request: HttpServerRequest.HttpServerRequest, path: string, asset: Asset): HttpServerResponse.HttpServerResponse => {
  const headers = { etag: asset.etag, "cache-control": "no-cache", "x-content-type-options": "nosniff", ...(path === "/" ? PAGE_HEADERS : {}) }
  if (request.headers["if-none-match"] === asset.etag) return HttpServerResponse.empty({ status: 304, headers })
  return HttpServerResponse.uint8Array(asset.body, { contentType: asset.contentType, headers })
}

/** `GET path` answered from the bundle: the asset at the request's path (query dropped), or 404. */
const serveAsset = (assets: WebAssets["Service"]) => (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    const path = request.url.split("?")[0] ?? "/"
    const bundle = yield* assets.bundle
    const found = bundle.assets.get(path)
    if (found === undefined) {
      return HttpServerResponse.jsonUnsafe({ error: { kind: "NotFound", message: `no asset ${path}` } }, { status: 404 })
    }
    return respond(request, path, found)
  }).pipe(
    Effect.catchTag("WebBuildError", (error) =>
      Effect.succeed(HttpServerResponse.jsonUnsafe({ error: { kind: "Internal", message: `the web inspector did not build: ${error.message}` } }, { status: 500 })))
  )

/** The routes over the {@link WebAssets} in context (read once, when the router is built). */
const routes = HttpRouter.use((router) =>
  Effect.gen(function*() {
    const assets = yield* WebAssets
    yield* router.add("GET", "/", serveAsset(assets))
    yield* router.add("GET", "/app/*", serveAsset(assets))
  })
)

/**
 * The inspector's routes (`GET /`, `GET /app/*`) with the assets built at the first request.
 * Mounted by `mags serve` beside the API (`Server.layer({ mounts: { public: [layer] } })`).
 */
export const layer = routes.pipe(Layer.provide(WebAssets.layer))
