import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build, WebAssets } from "./Bundle.ts"

describe("Bundle", () => {
  it.effect("builds the page, the core and cytoscape into one module, a source map and a stylesheet", () =>
    Effect.gen(function*() {
      const bundle = yield* build()
      expect([...bundle.assets.keys()].sort()).toEqual(["/", "/app/main.css", "/app/main.css.map", "/app/main.js", "/app/main.js.map"])
      const js = new TextDecoder().decode(bundle.assets.get("/app/main.js")!.body)
      const map = new TextDecoder().decode(bundle.assets.get("/app/main.js.map")!.body)
      // the pure core is bundled (its sources are in the map), and so is cytoscape
      expect(map).toContain("core/Replay.ts")
      expect(map).toContain("core/Decay.ts")
      expect(map).toContain("cytoscape")
      // one self-contained module: no import statement left for the browser to resolve
      expect(/(^|[;}])import\s*[{*"'\w]/.test(js)).toBe(false)
      expect(bundle.assets.get("/app/main.js")!.contentType).toMatch(/^text\/javascript/)
      const html = new TextDecoder().decode(bundle.assets.get("/")!.body)
      expect(html).toContain(`<script type="module" src="/app/main.js">`)
      expect(html).toContain(`href="/app/main.css"`)
    }))

  it.effect("WebAssets builds once: later requests get the same bundle", () =>
    Effect.gen(function*() {
      const assets = yield* WebAssets
      const [a, b] = yield* Effect.all([assets.bundle, assets.bundle], { concurrency: 2 })
      const c = yield* assets.bundle
      expect(a).toBe(b)
      expect(c).toBe(a)
    }).pipe(Effect.provide(WebAssets.layer)))

  it.effect("a page that does not build fails with WebBuildError, and a fixed page builds without a restart", () => {
    const root = mkdtempSync(join(tmpdir(), "mags-web-"))
    writeFileSync(join(root, "index.html"), "<!doctype html><script type=module src=/app/main.js></script>")
    writeFileSync(join(root, "main.ts"), "import { missing } from './nowhere.ts'\nconsole.log(missing)\n")
    return Effect.gen(function*() {
      const assets = yield* WebAssets
      const error = yield* Effect.flip(assets.bundle)
      expect(error._tag).toBe("WebBuildError")
      expect(error.message).toContain("nowhere.ts")
      writeFileSync(join(root, "main.ts"), "document.body.textContent = 'fixed'\n")
      const fixed = yield* assets.bundle
      expect(new TextDecoder().decode(fixed.assets.get("/app/main.js")!.body)).toContain("fixed")
    }).pipe(Effect.provide(WebAssets.layerFrom(root)))
  })
})
