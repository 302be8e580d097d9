/**
 * Bundle — the web inspector's browser assets, built with esbuild from `web/main.ts`.
 *
 * The page is plain TypeScript: `web/main.ts` imports the pure core (`core/`), cytoscape and the
 * page's own modules, and esbuild turns them into one ES module (`/app/main.js`), its source map
 * and one stylesheet (`/app/main.css`, from the CSS that `web/main.ts` imports). `web/index.html`
 * is the page's HTML. Nothing is written to disk: the assets live in memory, built once per
 * process (at the first request, so a server starts at once) and then served from the cache — so
 * `npx mags serve` needs no build step.
 *
 * @since 0.3.0
 */
import { Context, Data, Effect, Layer } from "effect"
import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// ── model ─────────────────────────────────────────────────────────────────────

/** One served file: its bytes, content type and a strong ETag (a hash of the bytes). */
export interface Asset {
  readonly body: Uint8Array
  readonly contentType: string
  readonly etag: string
}

/** The inspector's assets by URL path (`/`, `/app/main.js`, `/app/main.js.map`, `/app/main.css`). */
export interface Bundle {
  readonly assets: ReadonlyMap<string, Asset>
  /** Milliseconds esbuild took. */
  readonly buildMs: number
}

/** esbuild failed (a syntax or type-stripping error, a missing import) or a source could not be read. */
export class WebBuildError extends Data.TaggedError("WebBuildError")<{ readonly message: string }> {}

/** The folder holding `index.html` and `main.ts`: the repository's `web/`. */
export const defaultRoot: string = fileURLToPath(new URL("../../web/", import.meta.url))

// ── building ──────────────────────────────────────────────────────────────────

const asset = (body: Uint8Array, contentType: string): Asset => ({
  body,
  contentType,
  etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`
})

const typeOf = (path: string): string =>
  path.endsWith(".js") ? "text/javascript; charset=utf-8"
  : path.endsWith(".css") ? "text/css; charset=utf-8"
  : path.endsWith(".map") ? "application/json; charset=utf-8"
  : "application/octet-stream"

/**
 * Builds the assets from `root` (default {@link defaultRoot}): esbuild bundles `root/main.ts` for
 * the browser (ES2022 module, minified, external source map), and `root/index.html` is read as is.
 * @complexity one esbuild run over the page, the core and cytoscape (about a second here)
 */
export const build = (root: string = defaultRoot): Effect.Effect<Bundle, WebBuildError> =>
  Effect.tryPromise({
    try: async () => {
      const esbuild = await import("esbuild")
      const started = performance.now()
      const result = await esbuild.build({
        entryPoints: { main: join(root, "main.ts") },
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        minify: true,
        sourcemap: "external",
        write: false,
        outdir: "/app",
        logLevel: "silent",
        define: { "process.env.NODE_ENV": "\"production\"" }
      })
      const buildMs = performance.now() - started
      const assets = new Map<string, Asset>()
      for (const file of result.outputFiles) assets.set(file.path, asset(file.contents, typeOf(file.path)))
      const html = await readFile(join(root, "index.html"))
      assets.set("/", asset(new Uint8Array(html), "text/html; charset=utf-8"))
      return { assets, buildMs }
    },
    catch: (error) => new WebBuildError({ message: error instanceof Error ? error.message : String(error) })
  })

// ── the service ───────────────────────────────────────────────────────────────

/**
 * The inspector's assets, built once per process and cached (a failed build is not cached: the
 * next request tries again, so a fixed source is picked up without a restart).
 */
export class WebAssets extends Context.Service<WebAssets, {
  readonly bundle: Effect.Effect<Bundle, WebBuildError>
}>()("mags/shell/web/WebAssets") {
  /** Builds at the first request for an asset. */
  static readonly layer: Layer.Layer<WebAssets> = Layer.effect(WebAssets, Effect.sync(() => WebAssets.of({ bundle: cachedBuild(defaultRoot) })))

  /** Assets from another folder (tests). */
  static readonly layerFrom = (root: string): Layer.Layer<WebAssets> =>
    Layer.effect(WebAssets, Effect.sync(() => WebAssets.of({ bundle: cachedBuild(root) })))
}

/** `build(root)` memoised on success only; concurrent first callers share one build. */
const cachedBuild = (root: string): Effect.Effect<Bundle, WebBuildError> => {
  let pending: Promise<Bundle> | undefined
  return Effect.suspend(() => {
    if (pending === undefined) {
      const started = Effect.runPromise(Effect.result(build(root))).then((r) => {
        if (r._tag === "Failure") {
          pending = undefined
          throw r.failure
        }
        return r.success
      })
      pending = started
    }
    const current = pending
    return Effect.tryPromise({
      try: () => current,
      catch: (error) => error instanceof WebBuildError ? error : new WebBuildError({ message: String(error) })
    })
  })
}
