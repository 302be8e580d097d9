/**
 * testing — MCP clients for the tests: the official TypeScript SDK's `Client` over stdio (a
 * `mags mcp` child process on a temporary home) or over Streamable HTTP (a `mags serve` server
 * started in the test), and what every transport must show the same way (the tool table).
 * Test-only: imported by `*.test.ts` files, never by a production module.
 *
 * @since 0.3.0
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { MAIN, ROOT } from "../cli/testing.ts"

/** A tool call's outcome as a test reads it. */
export interface Called {
  readonly isError: boolean
  /** The first text content. */
  readonly text: string
  /** The structured result (undefined on an error). */
  readonly value: any
}

/**
 * Calls tool `name` with `args`; a JSON-RPC error (e.g. invalid parameters) is an error outcome too.
 */
export const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<Called> => {
  try {
    const r = await client.callTool({ name, arguments: args })
    const content = r.content as Array<{ type: string; text?: string }>
    const text = content.find((c) => c.type === "text")?.text ?? ""
    return { isError: r.isError === true, text, value: r.structuredContent }
  } catch (e) {
    return { isError: true, text: e instanceof Error ? e.message : String(e), value: undefined }
  }
}

/** The tools every transport lists, with their hints (readOnly, destructive, idempotent). */
export const TOOL_TABLE: ReadonlyArray<readonly [string, boolean, boolean, boolean]> = [
  ["add_episode", false, false, false],
  ["add_facts", false, false, false],
  ["search_facts", false, false, false],
  ["search_nodes", true, false, true],
  ["open_nodes", true, false, true],
  ["get_history", true, false, true],
  ["connect", true, false, true],
  ["forget", false, true, true]
]

/** A clean environment for a child `mags` (no inherited `MAGS_*`) plus `env`. */
const childEnv = (env: Record<string, string>): Record<string, string> => {
  const base: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
  return { ...base, ...env }
}

/**
 * A client connected to `mags mcp args…` (a child process of the Node running the tests); its
 * stderr is collected in `stderr`.
 */
export const stdioClient = async (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {}
): Promise<{ readonly client: Client; readonly stderr: () => string }> => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--disable-warning=ExperimentalWarning", MAIN, "mcp", ...args],
    cwd: ROOT,
    env: childEnv(env),
    stderr: "pipe"
  })
  let stderr = ""
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  const client = new Client({ name: "mags-test", version: "1.0.0" })
  await client.connect(transport)
  return { client, stderr: () => stderr }
}

/** A client connected to the MCP endpoint `url` with bearer `token` (none when undefined). */
export const httpClient = async (url: string, token: string | undefined): Promise<Client> => {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }
  })
  const client = new Client({ name: "mags-test", version: "1.0.0" })
  await client.connect(transport)
  return client
}
