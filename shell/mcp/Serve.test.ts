/**
 * `mags serve` answers MCP at `/mcp` end to end: the real entry point as a child process (port 0,
 * a temporary home, the test embedder, a token from `MAGS_TOKENS`), the official SDK client over
 * Streamable HTTP with the token; what it learns lands in the token's user's memory on disk.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dbState, MAIN, ROOT, tempDir } from "../cli/testing.ts"
import { call, httpClient } from "./testing.ts"

const TOKEN = "mcp-serve-token-0123456789"

describe("mags serve: /mcp", () => {
  const home = tempDir("mags-mcp-serve-")
  let child: ChildProcess
  let url: string
  beforeAll(async () => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) env[k] = v
    child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--port", "0", "--home", home], {
      cwd: ROOT,
      env: { ...env, MAGS_EMBEDDINGS: "test", MAGS_TOKENS: `${TOKEN}=kim` },
      stdio: ["ignore", "ignore", "pipe"]
    })
    url = await new Promise<string>((resolve, reject) => {
      let stderr = ""
      child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
        if (m !== null) resolve(m[1]!)
      })
      child.on("close", (code) => reject(new Error(`mags serve exited ${code}: ${stderr}`)))
    })
  })
  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const closed = new Promise((resolve) => child.on("close", resolve))
      child.kill("SIGINT")
      await closed
    }
  })

  it("serves the MCP tools to a client with a token, over the token's user's memory", async () => {
    const client = await httpClient(`${url}/mcp`, TOKEN)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toContain("search_facts")
      const learned = await call(client, "add_episode", { text: "Kim lives in Sopot." })
      expect(learned.isError, learned.text).toBe(false)
      const found = await call(client, "search_facts", { query: "Where does Kim live?" })
      expect(found.value.facts.map((f: any) => f.fact.id)).toContain("f|kim|lives_in|sopot")
      const other = await call(client, "search_nodes", { query: "Kim", user: "ola" })
      expect(other.text).toMatch(/^Forbidden/)
    } finally {
      await client.close()
    }
    expect(dbState(home)?.memories).toBe(1)
  })
})
