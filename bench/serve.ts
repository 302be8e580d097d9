/**
 * serve — `mags serve` under load, on loopback: recall latency and throughput against a memory
 * of 10^5 facts at 1, 8 and 64 concurrent clients, and concurrent writes to one memory.
 *
 * ```sh
 * npm run -s bench -- --only serve --json
 * ```
 *
 * The server runs in a child process (this file with `--child`: the real `Server.layer` over a
 * SQLite home in a temporary folder, the app's `Memories`, the test embedder — hash vectors, no
 * model to load — and the rule extractor), so the clients (this process) and the server each
 * have a core of the two. Before it listens, the child writes the memory: the facts of
 * `bench/generate.ts`'s graph (10^5 facts over 2·10^4 entities) as `Engrammed` events of 1000
 * facts, each entity with its embedding, committed through the store like any write.
 *
 * Clients are keep-alive HTTP connections, each sending its next request when the previous one
 * is answered (closed loop), for a fixed time per level (2 s with `--quick`, else 5 s; 250 ms below
 * 10^4 facts, a smoke run) after a warm-up; latency is measured per request in the client. Queries name a random entity
 * (`"what about Entity 123"`).
 *
 * Metrics (c = 1, 8, 64 clients):
 * - `serve.recall.ms_p50@c`, `serve.recall.ms_p99@c` (lower is better), `serve.recall.rps@c`
 *   (higher is better): `POST M/recall` with `record: false` (a read: the answer, no event);
 * - `serve.recall_recorded.ms_p50@c`, `…ms_p99@c`, `…rps@c`: the same with `record: true` (one
 *   `Recalled` event per request, committed to SQLite with fsync; writes to one memory are
 *   serialised);
 * - `serve.writes.per_s` and `serve.writes.lost`: 256 hand-added facts (`POST M/facts`) from 64
 *   concurrent clients into the same memory; lost = facts answered 200 but missing afterwards
 *   (must be 0; the bench fails otherwise), checked by each writer's node (its current facts),
 *   the live fact count and the store's `verify`.
 * No baseline is measured (the figures are absolute; the issue's target: recall p50 ≤ 10 ms and
 * p99 ≤ 50 ms at 8 clients). Sizes other than 10^5 (with `--sizes`) suffix the names `@1eK`.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Layer } from "effect"
import * as Event from "../core/Event.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import { Memories } from "../shell/app/Memories.ts"
import { Embedder, testVector } from "../shell/embeddings/Embedder.ts"
import { Extractor } from "../shell/extract/Extractor.ts"
import * as Server from "../shell/server/Server.ts"
import * as Tokens from "../shell/server/Tokens.ts"
import { MemoryId, MemoryStore } from "../shell/store/MemoryStore.ts"
import { generateGraph, Rng, T0 } from "./generate.ts"
import * as Client from "./http.ts"
import { type BenchOptions, higherIsBetter, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { percentile } from "./timing.ts"

/** Client counts. */
export const CLIENTS: ReadonlyArray<number> = [1, 8, 64]
/** Facts per bulk-load event. */
export const BATCH = 1000
/** Writes in the concurrent-writes check (64 in a smoke run), and their clients. */
export const WRITES = 256
export const WRITERS = 64

const TOKEN = "bench-token-0123456789abcdef"
const ADDRESS = { user: "bench", agent: "default", session: "default" }
const MEMORY_PATH = `/v1/memories/${ADDRESS.user}/${ADDRESS.agent}/${ADDRESS.session}`

// ── the child: a server over a memory of n facts ──────────────────────────────

/** The bulk-load events of a generated graph of `n` facts: each entity with its embedding when first named. */
export const loadEvents = (n: number): Array<Event.Event> => {
  const gen = generateGraph({ facts: n, dim: 0 })
  const g = gen.graph
  const labelOf = (id: string) => LiquidGraph.node(g, id)!.label
  const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact")
  const named = new Set<string>()
  const events: Array<Event.Event> = []
  for (let i = 0; i < facts.length; i += BATCH) {
    const batch = facts.slice(i, i + BATCH)
    const entities: Array<{ label: string; embedding: Array<number> }> = []
    for (const f of batch) {
      for (const id of [f.subject, f.object]) {
        if (named.has(id)) continue
        named.add(id)
        entities.push({ label: labelOf(id), embedding: Array.from(testVector(labelOf(id))) })
      }
    }
    events.push(new Event.Engrammed({
      now: T0 + i,
      input: { entities, facts: batch.map((f) => ({ subject: labelOf(f.subject), relation: f.relation, object: labelOf(f.object), source: "bench" })) }
    }))
  }
  return events
}

const child = async (n: number): Promise<void> => {
  const home = mkdtempSync(join(tmpdir(), "mags-serve-bench-"))
  const cleanup = () => rmSync(home, { recursive: true, force: true })
  process.on("exit", cleanup)
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0))
  // the bench holds our stdin open: when it ends (the bench stopped, or died), so do we
  process.stdin.on("end", () => process.exit(0))
  process.stdin.resume()
  const tokens = Tokens.parseFile(JSON.stringify({ tokens: [{ token: TOKEN, users: [ADDRESS.user], rate: 1e9, burst: 1e9 }] }))
  if (tokens._tag === "Failure") throw new Error(tokens.failure)
  const app = Layer.mergeAll(Memories.layer, Embedder.layerTest, Extractor.layerRules).pipe(
    Layer.provideMerge(MemoryStore.layerSqlite({ home }))
  )
  const program = Effect.gen(function*() {
    const memories = yield* Memories
    const memory = yield* memories.get(new MemoryId(ADDRESS))
    const t = performance.now()
    for (const event of loadEvents(n)) yield* memory.commit([event])
    const state = yield* memory.state
    process.stderr.write(`[bench] serve: loaded ${n} facts (${LiquidGraph.nodeCount(state.graph)} nodes, seq ${state.seq}) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
    process.stdout.write(`READY ${yield* Server.url}\n`)
    return yield* Effect.never
  })
  await Effect.runPromise(program.pipe(
    Effect.provide(Server.layer({ port: 0, tokens: tokens.success })),
    Effect.provide(app)
  ))
}

// ── the clients ───────────────────────────────────────────────────────────────

const request = (agent: Http.Agent, url: string, method: string, body?: unknown) => Client.request(agent, TOKEN, url, method, body)

/** `clients` closed loops of recalls for `ms` milliseconds: every latency, and the requests answered per second. */
const load = async (base: string, clients: number, ms: number, record: boolean, entities: number, seed: number) => {
  const agent = new Http.Agent({ keepAlive: true, maxSockets: clients })
  const latencies: Array<number> = []
  const start = performance.now()
  const end = start + ms
  const loop = async (c: number) => {
    const rng = new Rng(seed * 1000 + c)
    while (performance.now() < end) {
      const t = performance.now()
      const a = await request(agent, `${base}${MEMORY_PATH}/recall`, "POST", { query: `what about Entity ${rng.int(entities)}`, record })
      latencies.push(performance.now() - t)
      if (a.status !== 200) throw new Error(`recall answered ${a.status}: ${a.body.slice(0, 200)}`)
    }
  }
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)))
  const elapsed = performance.now() - start
  agent.destroy()
  return { latencies, rps: (latencies.length * 1000) / elapsed }
}

/** `count` hand-added facts from {@link WRITERS} clients; how many are missing afterwards. */
const writes = async (base: string, count: number) => {
  const agent = new Http.Agent({ keepAlive: true, maxSockets: WRITERS })
  const M = `${base}${MEMORY_PATH}`
  const before = JSON.parse((await request(agent, `${M}/inspect`, "GET")).body).facts.current as number
  const ids: Array<{ readonly writer: number; readonly id: string }> = []
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (next < count) {
      const i = next++
      const a = await request(agent, `${M}/facts`, "POST", { facts: [{ subject: `Writer ${i}`, relation: "wrote", object: `Note ${i}` }] })
      if (a.status !== 200) throw new Error(`write ${i} answered ${a.status}: ${a.body.slice(0, 200)}`)
      for (const id of JSON.parse(a.body).factIds as Array<string>) ids.push({ writer: i, id })
    }
  }))
  const perSecond = (count * 1000) / (performance.now() - start)
  let lost = count - new Set(ids.map((x) => x.id)).size
  for (const { id, writer } of ids) {
    const node = await request(agent, `${M}/nodes/${encodeURIComponent(`Writer ${writer}`)}`, "GET")
    if (node.status !== 200 || !(JSON.parse(node.body).facts as Array<string>).includes(id)) lost++
  }
  const after = JSON.parse((await request(agent, `${M}/inspect`, "GET")).body).facts.current as number
  const verify = JSON.parse((await request(agent, `${M}/verify`, "POST")).body) as { ok: boolean; problems: Array<string> }
  agent.destroy()
  if (!verify.ok) throw new Error(`verify after the concurrent writes: ${verify.problems.join("; ")}`)
  return { perSecond, lost: Math.max(lost, count - (after - before)) }
}

/** Starts the child server over `n` facts; resolves with its URL and a stop function. */
const startChild = (n: number) =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", String(n)], { stdio: ["pipe", "pipe", "inherit"] })
    let out = ""
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /READY (\S+)/.exec(out)
      if (m !== null) resolve({ url: m[1]!, stop: () => proc.kill("SIGTERM") })
    })
    proc.on("exit", (code) => reject(new Error(`serve bench server exited (${code}) before it was ready`)))
  })

/**
 * The figures at ONE size: the headline 10^5 when the sizes include it (every default run),
 * else the largest size given up to 10^5 (`--sizes 1e4`; the tests' smoke run).
 */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const smaller = opts.sizes.filter((s) => s <= 100_000)
  const out: Array<Metric> = []
  for (const n of [opts.sizes.includes(100_000) || smaller.length === 0 ? 100_000 : Math.max(...smaller)]) {
    progress(`serve: starting a server over ${n} facts`)
    const server = await startChild(n)
    try {
      // a smoke run (tests) below 10^4 facts: 250 ms per level
      const ms = n < 10_000 ? 250 : opts.quick ? 2000 : 5000
      const entities = Math.max(4, Math.floor(n / 5))
      await load(server.url, 8, Math.min(ms, 1000), false, entities, 0)
      for (const record of [false, true]) {
        const what = record ? "recall_recorded" : "recall"
        for (const clients of CLIENTS) {
          progress(`serve: ${what} at ${clients} client${clients === 1 ? "" : "s"} for ${ms / 1000} s`)
          const r = await load(server.url, clients, ms, record, entities, clients)
          out.push(
            lowerIsBetter(sizedName(`serve.${what}.ms_p50@${clients}`, n), percentile(r.latencies, 0.5), "ms"),
            lowerIsBetter(sizedName(`serve.${what}.ms_p99@${clients}`, n), percentile(r.latencies, 0.99), "ms"),
            higherIsBetter(sizedName(`serve.${what}.rps@${clients}`, n), r.rps, "req/s")
          )
        }
      }
      const count = n < 10_000 ? WRITERS : WRITES
      progress(`serve: ${count} concurrent writes from ${WRITERS} clients`)
      const w = await writes(server.url, count)
      if (w.lost > 0) throw new Error(`${w.lost} of ${count} concurrent writes were lost`)
      out.push(
        higherIsBetter(sizedName("serve.writes.per_s", n), w.perSecond, "writes/s"),
        lowerIsBetter(sizedName("serve.writes.lost", n), w.lost, "writes")
      )
    } finally {
      server.stop()
    }
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--child") {
  child(Number(process.argv[3])).catch((e: unknown) => {
    process.stderr.write(`serve bench server: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`)
    process.exit(1)
  })
}
