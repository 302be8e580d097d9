import { describe, expect, it } from "vitest"
import { Layer } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import * as Routes from "./Routes.ts"

const withHandler = async (f: (fetch: (path: string, init?: RequestInit) => Promise<Response>) => Promise<void>) => {
  const { dispose, handler } = HttpRouter.toWebHandler(Routes.layer.pipe(Layer.provide(HttpServer.layerServices)), { disableLogger: true })
  try {
    await f((path, init) => handler(new Request(`http://127.0.0.1${path}`, init)))
  } finally {
    await dispose()
  }
}

describe("Routes", () => {
  it("GET / answers the page, GET /app/main.js the bundle; an ETag the browser holds answers 304", () =>
    withHandler(async (fetch) => {
      const page = await fetch("/?token=abc")
      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toMatch(/^text\/html/)
      expect(await page.text()).toContain("/app/main.js")
      expect(page.headers.get("content-security-policy")).toContain("default-src 'self'")
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'")
      expect(page.headers.get("referrer-policy")).toBe("no-referrer")
      const js = await fetch("/app/main.js")
      expect(js.status).toBe(200)
      expect(js.headers.get("content-type")).toMatch(/^text\/javascript/)
      expect(js.headers.get("cache-control")).toBe("no-cache")
      const etag = js.headers.get("etag")
      expect(etag).toMatch(/^".+"$/)
      expect((await js.text()).length).toBeGreaterThan(100_000)
      const again = await fetch("/app/main.js", { headers: { "if-none-match": etag! } })
      expect(again.status).toBe(304)
      const css = await fetch("/app/main.css")
      expect(css.headers.get("content-type")).toMatch(/^text\/css/)
    }))

  it("an unknown asset is a JSON 404", () =>
    withHandler(async (fetch) => {
      const missing = await fetch("/app/nothing.js")
      expect(missing.status).toBe(404)
      expect(await missing.json()).toEqual({ error: { kind: "NotFound", message: "no asset /app/nothing.js" } })
    }))
})
