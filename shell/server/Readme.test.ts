/**
 * The README's "Serving: HTTP" section works as written: its `curl` lines run (with `curl -sf`,
 * which fails on any non-2xx answer) against a real server with the README's `MAGS_TOKENS`, and
 * its `npx mags serve` line starts the real command, which answers on loopback and stops on
 * SIGTERM.
 */
import { execFile, spawn } from "node:child_process"
import { promisify } from "node:util"
import * as NodeFs from "node:fs"
import * as Net from "node:net"
import * as NodePath from "node:path"
import { Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { MAIN, ROOT, tempDir } from "../cli/testing.ts"
import { start } from "./testing.ts"
import * as Tokens from "./Tokens.ts"

const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
const section = readme.slice(readme.indexOf("## Serving: HTTP"), readme.indexOf("\n## ", readme.indexOf("## Serving: HTTP") + 3))
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((b) => b[1]!)
const README_URL = "http://127.0.0.1:8787"

const serveLine = blocks.flatMap((b) => b.split("\n")).find((l) => l.includes("npx mags serve"))!
const readmeTokens = /MAGS_TOKENS="([^"]+)"/.exec(serveLine)![1]!

const dir = tempDir("mags-serve-readme-")
afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("README: Serving: HTTP", () => {
  it("every curl line answers 2xx, in order, against a server with the README's tokens", async () => {
    const tokens = Tokens.parseEnv(readmeTokens)
    expect(Result.isSuccess(tokens)).toBe(true)
    const server = await start({ tokens: Result.getOrThrow(tokens) })
    try {
      const script = blocks.find((b) => b.includes("curl"))!
      const curls = script.split("\n").filter((l) => l.startsWith("curl "))
      expect(curls.length).toBeGreaterThanOrEqual(20)
      for (const line of script.split("\n").filter((l) => l.trim().length > 0)) {
        if (line.startsWith("curl ")) expect(line, "the examples fail on an HTTP error").toMatch(/^curl -sf /)
      }
      const run = script.replaceAll(README_URL, server.url)
      // one shell, so the `export` line's variables reach the curl lines; -e stops at the first
      // failure (asynchronously: the server answers from this process's event loop)
      const { stdout: out } = await promisify(execFile)("bash", ["-e", "-c", run], { encoding: "utf8", timeout: 60_000 })
      expect(out).toContain("\"openapi\"")
    } finally {
      await server.close()
    }
  })

  it("`mags serve` (the README's line, on a free port) listens on loopback and answers with the tokens", async () => {
    const env = { ...process.env, MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test", MAGS_TOKENS: readmeTokens }
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = ""
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString()
          const m = /listening on (http:\/\/\S+)/.exec(err)
          if (m !== null) resolve(m[1]!)
        })
        child.on("exit", (code) => reject(new Error(`mags serve exited ${code}: ${err}`)))
      })
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const alice = readmeTokens.split(";")[0]!.split("=")[0]!
      const listed = await fetch(`${url}/v1/memories`, { headers: { authorization: `Bearer ${alice}` } })
      expect(listed.status).toBe(200)
      expect((await fetch(`${url}/v1/memories`)).status).toBe(401)
    } finally {
      const exited = new Promise((resolve) => child.on("exit", resolve))
      child.kill("SIGTERM")
      await exited
    }
  })

  it("`mags serve` with no tokens prints a generated one; --no-auth on a public host is refused", async () => {
    const env = { ...process.env, MAGS_HOME: NodePath.join(dir, "home2"), MAGS_EMBEDDINGS: "test" }
    delete (env as Record<string, string | undefined>).MAGS_TOKENS
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] })
    try {
      const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        let err = ""
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString()
          const m = /page: +(http:\/\/\S+)\/\?token=(\S+)/.exec(err)
          if (m !== null) resolve({ url: m[1]!, token: m[2]! })
        })
        child.on("exit", (code) => reject(new Error(`mags serve exited ${code}: ${err}`)))
      })
      const r = await fetch(`${url}/v1/memories/anyone/default/default/inspect`, { headers: { authorization: `Bearer ${token}` } })
      expect(r.status).toBe(404)
      expect((await fetch(`${url}/v1/memories/anyone/default/default/inspect`)).status).toBe(401)
    } finally {
      const exited = new Promise((resolve) => child.on("exit", resolve))
      child.kill("SIGTERM")
      await exited
    }
    const refused = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--no-auth", "--host", "0.0.0.0", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] })
    let err = ""
    refused.stderr.on("data", (d: Buffer) => (err += d.toString()))
    const code = await new Promise((resolve) => refused.on("exit", resolve))
    expect(code).toBe(2)
    expect(err).toContain("--no-auth is only allowed on a loopback host")
  })

  it("`mags serve` on a port in use exits 2 with the reason", async () => {
    const taken = Net.createServer()
    const port = await new Promise<number>((resolve) => taken.listen(0, "127.0.0.1", () => resolve((taken.address() as Net.AddressInfo).port)))
    try {
      const env = { ...process.env, MAGS_HOME: NodePath.join(dir, "home3"), MAGS_EMBEDDINGS: "test", MAGS_TOKENS: readmeTokens }
      const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--port", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] })
      let err = ""
      child.stderr.on("data", (d: Buffer) => (err += d.toString()))
      const code = await new Promise((resolve) => child.on("exit", resolve))
      expect(code).toBe(2)
      expect(err).toContain(`cannot listen on 127.0.0.1:${port}`)
    } finally {
      taken.close()
    }
  })
})
