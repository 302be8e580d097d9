/**
 * cluster — commits per second through `mags serve` on PostgreSQL, with one runner and with two
 * runners over the same database, beside SQLite in the same run; recall latency through a runner
 * that must forward to the memory's owner; and how long a runner takes a memory over when its
 * owner is killed or stops.
 *
 * ```sh
 * npm run -s bench -- --only cluster --quick --json
 * ```
 *
 * Every runner is a real `mags serve` child process (`shell/cli/main.ts serve --host 127.0.0.1
 * --port 0`, its own temporary `--home`, a tokens file whose one token may act for every user with
 * no practical rate limit: `--no-auth` keeps the default limit of 50 requests/s), with the test
 * embedder (`MAGS_EMBEDDINGS=test`: hash vectors, no model to load) and the rule extractor; over
 * PostgreSQL it gets `MAGS_STORE`, the URL of a database on a throwaway server
 * (`shell/testing/PgServer.ts`: the machine's own binaries, a Unix socket only, fsync on). Where
 * this machine has no PostgreSQL binaries the bench says why on stderr and reports nothing. Every
 * child, the server and the folders are removed at the end, failed or not.
 *
 * Configurations (all their runners are started at the beginning and stay up; each PostgreSQL
 * one has its own database):
 * - `sqlite`: one runner on a SQLite home (the baseline);
 * - `pg.1runner`: one runner over PostgreSQL;
 * - `pg.2runners`: two runners over the same database (`--runner pg2-0`, `--runner pg2-1`); a
 *   memory is owned by one runner at a time and a request reaching the other is forwarded by it
 *   to the owner (the response's `x-mags-runner` header names the runner that handled it).
 *
 * Writes: {@link CLIENTS} closed-loop keep-alive clients (client c talks to runner c mod runners)
 * each send `POST M/facts` with one new fact (`Writer k —wrote→ Note k`, k a global counter: one
 * request, one commit) and the next when it is answered, for a fixed time (2 s with `--quick`, else
 * 5 s; 300 ms in a smoke run, graph sizes below 10^4) after a warm-up of half that (1 s at most),
 * either all into one memory (`1mem`) or into one of 100 memories drawn at random per request
 * (`100mem`, fresh ones per case; a seeded draw per client, so the memory a request names does
 * not depend on the runner it is sent to: about half the requests of the 2-runner cases reach
 * the runner that does not own their memory, as from clients that do not know the owners).
 * The cases take turns in rounds ({@link ROUNDS}, {@link ROUNDS_QUICK} with `--quick`, one in a
 * smoke run), fresh memories each time, so that the noise of a shared machine falls on every
 * configuration alike; each case reports its best round. A request answered 409 (the runner no
 * longer holds the memory) or 503 (the memory moved) is sent again, as those answers ask, at most
 * {@link TRIES} times in all, and counted; any other answer but 200 fails the bench.
 * After each case every memory written is read back (through the runners in turn, so forwarded
 * reads too): each acknowledged fact id must be among its graph's edges, and `POST M/verify` (the
 * journal folded again) must agree; a lost write fails the bench.
 *
 * Recall: a memory of {@link RECALL_FACTS} facts written through the first runner; then one client
 * sends `POST M/recall` (`record: false`, a random person named) to the two runners in turn for
 * the same fixed time; a sample is `direct` when the runner it was sent to answered it itself
 * (header = that runner), `forwarded` otherwise.
 *
 * Metrics (higher is better for commits/s; lower for times):
 * - `cluster.commits_per_s.sqlite.{1mem,100mem}` — no baseline;
 * - `cluster.commits_per_s.pg.1runner.{1mem,100mem}`, `cluster.commits_per_s.pg.2runners.{1mem,100mem}`
 *   — baseline: the SQLite figure of the same case, ratio = value / baseline;
 * - `cluster.commits_per_s.pg.2runners_vs_1runner.{1mem,100mem}` — the 2-runner figure, baseline the
 *   1-runner one;
 * - `cluster.forwarded_share.pg.2runners.{1mem,100mem}` — share of the measured writes answered by
 *   the runner they were not sent to (forwarded);
 * - `cluster.commits_per_s.pg.2runners_to_owner.100mem` (baseline: SQLite) and its
 *   `cluster.forwarded_share.pg.2runners_to_owner.100mem` — the 100-memory case again (fresh
 *   memories) with clients that send each write to the memory's owner as last seen in an
 *   answer's header (the first write to a memory goes to the client's own runner): what
 *   forwarding costs, beside the oblivious clients;
 * - `cluster.recall.ms_p50.direct`, `….ms_p99.direct`, `….ms_p50.forwarded`, `….ms_p99.forwarded`
 *   — the forwarded ones with the direct figure as baseline (ratio = direct / forwarded);
 * - `cluster.takeover.ms_median`, `cluster.takeover.ms_max` — takeovers after a SIGKILL of the
 *   owner ({@link takeover}; {@link TAKEOVERS}, {@link TAKEOVERS_QUICK} with `--quick`, one in a
 *   smoke run; runners with the default lease), baseline the stated bound
 *   `Ownership.takeoverBoundMs(DEFAULT_TTL_MS)` (ratio > 1: within it);
 *   `cluster.takeover_clean.ms_median`, `….ms_max` — the same after a SIGTERM (a clean stop
 *   releases the leases); `cluster.takeover.retried` — writes to B after the stops answered 409/503/504 and sent
 *   again (the first answer of each takeover on stderr);
 * - `cluster.writes.lost` — acknowledged writes missing afterwards, all cases and takeovers
 *   together (0, or the bench fails);
 * - `cluster.retried` — requests answered 409 or 503 and sent again, all write cases, the recall
 *   and the takeovers' other requests (each with its first answer on stderr).
 * The graph sizes do not apply (memories hold what the cases write).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Exit, Scope } from "effect"
import * as Ownership from "../shell/cluster/Ownership.ts"
import * as PgServer from "../shell/testing/PgServer.ts"
import { Rng } from "./generate.ts"
import * as Client from "./http.ts"
import { type BenchOptions, higherIsBetter, lowerIsBetter, type Metric, progress } from "./Metric.ts"
import { percentile } from "./timing.ts"

/** Closed-loop writing clients per case. */
export const CLIENTS = 16
/** Rounds of every write case (the best round is reported), full run and `--quick`. */
export const ROUNDS = 3
export const ROUNDS_QUICK = 2
/** Takeovers measured after each kind of stop (SIGKILL, SIGTERM), full run and `--quick`. */
export const TAKEOVERS = 5
export const TAKEOVERS_QUICK = 3
/** Memory counts of the write cases. */
export const MEMORY_COUNTS: ReadonlyArray<number> = [1, 100]
/** Facts in the recall case's memory. */
export const RECALL_FACTS = 200
/** Facts per request while that memory is written. */
const RECALL_BATCH = 20
/** The response header naming the runner that handled a request. */
export const RUNNER_HEADER = "x-mags-runner"

/** The bearer token every runner accepts (for every user, no practical rate limit). */
const TOKEN = "cluster-bench-token-0123456789abcdef"

const MAIN = fileURLToPath(new URL("../shell/cli/main.ts", import.meta.url))
const ROOT = fileURLToPath(new URL("../", import.meta.url))

// ── runners: `mags serve` children ───────────────────────────────────────────

/** One running `mags serve`. */
export interface Runner {
  /** Its base URL (`http://127.0.0.1:PORT`). */
  readonly url: string
  /** Stops it (SIGTERM, SIGKILL after 5 s); resolves once it has exited. */
  readonly stop: () => Promise<void>
  /** Sends it `signal` now (an expected exit); resolves once it has exited. */
  readonly kill: (signal: NodeJS.Signals) => Promise<void>
}

/** Children still running: killed on exit whatever happens to the bench. */
const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL")
})

/** How many runner processes this module has started that have not exited yet (0 after {@link run}). */
export const liveRunners = (): number => live.size

/**
 * Starts `mags serve` on a free loopback port over `home` (SQLite) or `store` (a PostgreSQL URL),
 * with the test embedder and the rule extractor; resolves when it listens.
 */
export const startRunner = (options: { readonly home: string; readonly store?: string; readonly args?: ReadonlyArray<string> }): Promise<Runner> =>
  new Promise((resolve, reject) => {
    // a tokens file: --no-auth would keep the default rate limit (50 requests/s)
    const tokens = join(options.home, "tokens.json")
    writeFileSync(tokens, JSON.stringify({ tokens: [{ token: TOKEN, users: ["*"], rate: 1e9, burst: 1e9 }] }))
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) env[k] = v
    env["MAGS_EMBEDDINGS"] = "test"
    env["MAGS_EXTRACTOR"] = "rules"
    if (options.store !== undefined) env["MAGS_STORE"] = options.store
    const args = ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--tokens", tokens, "--host", "127.0.0.1", "--port", "0", "--home", options.home, ...(options.args ?? [])]
    const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] })
    live.add(proc)
    proc.on("error", (e) => reject(new Error(`cannot start mags serve: ${e.message}`)))
    let err = ""
    let ready = false
    let stopping = false
    const exited = new Promise<void>((done) =>
      proc.on("exit", (code, signal) => {
        live.delete(proc)
        if (!ready) reject(new Error(`mags serve exited (${code ?? signal}) before it listened: ${err.trim().slice(-500)}`))
        else if (!stopping) progress(`cluster: a runner exited unexpectedly (${code ?? signal}): ${err.trim().slice(-300)}`)
        done()
      })
    )
    const timer = setTimeout(() => {
      if (!ready) proc.kill("SIGKILL")
    }, 60_000)
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => {
      err = (err + d).slice(-4000)
      const m = /listening on (http:\/\/\S+)/.exec(err)
      if (!ready && m !== null) {
        ready = true
        clearTimeout(timer)
        resolve({
          url: m[1]!,
          stop: () => {
            stopping = true
            if (proc.exitCode === null && proc.signalCode === null) {
              proc.kill("SIGTERM")
              const hard = setTimeout(() => proc.kill("SIGKILL"), 5000)
              void exited.then(() => clearTimeout(hard))
            }
            return exited
          },
          kill: (signal) => {
            stopping = true
            proc.kill(signal)
            return exited
          }
        })
      }
    })
  })

// ── HTTP ──────────────────────────────────────────────────────────────────────

/** An answer, with the runner that handled it and its `retry-after` (seconds), when sent. */
interface Answer extends Client.Answer {
  readonly runner: string | undefined
  readonly retryAfter: number | undefined
}

const request = async (agent: Http.Agent, url: string, method: string, body?: unknown): Promise<Answer> => {
  const a = await Client.request(agent, TOKEN, url, method, body)
  const h = a.headers[RUNNER_HEADER]
  const after = Number(a.headers["retry-after"])
  return { ...a, runner: Array.isArray(h) ? h[0] : h, retryAfter: Number.isFinite(after) ? after : undefined }
}

/** Tries of one request answered 409 (the runner no longer holds the memory) or 503 (it moved). */
export const TRIES = 5

/** Requests that were answered 409 or 503 and sent again; the first such answer. */
interface Retries {
  count: number
  first: string | undefined
}

/**
 * {@link request}, sent again (at most {@link TRIES} in all) when the answer is 409 or 503, as the
 * cluster's answers ask ("try again"): after `retry-after` (at most 1 s) or 20 ms per try.
 */
const requestRetrying = async (retries: Retries, agent: Http.Agent, url: string, method: string, body?: unknown): Promise<Answer> => {
  for (let tried = 1;; tried++) {
    const a = await request(agent, url, method, body)
    if ((a.status !== 409 && a.status !== 503) || tried >= TRIES) return a
    retries.count++
    retries.first ??= `${a.status} ${a.body.slice(0, 300)}`
    await new Promise((done) => setTimeout(done, a.retryAfter !== undefined ? Math.min(1000, a.retryAfter * 1000) : 20 * tried))
  }
}

const ok = (a: Answer, what: string): Answer => {
  if (a.status !== 200) throw new Error(`${what} answered ${a.status}: ${a.body.slice(0, 300)}`)
  return a
}

const memoryPath = (user: string, memory: string): string => `/v1/memories/${encodeURIComponent(user)}/default/${encodeURIComponent(memory)}`

// ── the write cases ───────────────────────────────────────────────────────────

/** What a write case measured. */
export interface WriteResult {
  /** Acknowledged writes per second in the measured window. */
  readonly perSecond: number
  /** Measured writes answered by another runner than the one they were sent to. */
  readonly forwardedShare: number
  /** Writes acknowledged (warm-up included) and missing afterwards. */
  readonly lost: number
  /** Writes acknowledged, warm-up included. */
  readonly acked: number
  /** Requests (writes and read-backs) answered 409 or 503 and sent again; the first such answer. */
  readonly retried: number
  readonly firstRetry: string | undefined
}

/**
 * {@link CLIENTS} closed-loop writers over `runners` into `memories` fresh memories of `user`: a
 * warm-up of `warmMs`, then `ms` measured; then every acknowledged fact is looked for.
 */
export const writeCase = async (
  runners: ReadonlyArray<{ readonly url: string; readonly id: string | undefined }>,
  user: string,
  memories: number,
  warmMs: number,
  ms: number,
  toOwner = false
): Promise<WriteResult> => {
  const agents = runners.map(() => new Http.Agent({ keepAlive: true, maxSockets: CLIENTS }))
  try {
    const acked: Array<Array<string>> = Array.from({ length: memories }, () => [])
    // with toOwner: the owner of each memory as last seen in an answer's header
    const owner = new Map<number, number>()
    const retries: Retries = { count: 0, first: undefined }
    let next = 0
    let phases = 0
    const phase = async (duration: number) => {
      const seed = ++phases
      let count = 0
      let forwarded = 0
      const start = performance.now()
      const end = start + duration
      await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
        const home = c % runners.length
        // each client its own seeded draw of memories: which memory a request names does not
        // depend on the runner it goes to (a fixed schedule would tie memories to runners)
        const rng = new Rng(seed * 1000 + c)
        while (performance.now() < end) {
          const k = next++
          const m = rng.int(memories)
          const r = toOwner ? owner.get(m) ?? home : home
          const a = ok(
            await requestRetrying(retries, agents[r]!, `${runners[r]!.url}${memoryPath(user, `m${m}`)}/facts`, "POST", {
              facts: [{ subject: `Writer ${k}`, relation: "wrote", object: `Note ${k}` }]
            }),
            `write ${k} to memory m${m} through runner ${r}`
          )
          acked[m]!.push(...(JSON.parse(a.body) as { factIds: Array<string> }).factIds)
          count++
          const id = runners[r]!.id
          if (id !== undefined) {
            if (a.runner === undefined) throw new Error(`a write through runner ${id} came back without the ${RUNNER_HEADER} header`)
            if (a.runner !== id) forwarded++
            const seen = runners.findIndex((x) => x.id === a.runner)
            if (seen >= 0) owner.set(m, seen)
          }
        }
      }))
      return { count, forwarded, seconds: (performance.now() - start) / 1000 }
    }
    await phase(warmMs)
    const measured = await phase(ms)
    // every acknowledged fact, read back through the runners in turn (forwarded reads too)
    let lost = 0
    for (let m = 0; m < memories; m++) {
      if (acked[m]!.length === 0) continue // never written (a short run): no memory to read
      const r = m % runners.length
      const path = `${runners[r]!.url}${memoryPath(user, `m${m}`)}`
      const graph = JSON.parse(ok(await requestRetrying(retries, agents[r]!, `${path}/graph`, "GET"), `GET m${m}/graph`).body) as { edges: Array<{ id: string }> }
      const ids = new Set(graph.edges.map((e) => e.id))
      const wanted = new Set(acked[m])
      lost += acked[m]!.length - wanted.size // two acknowledgements of one fact: one of them was lost
      for (const id of wanted) if (!ids.has(id)) lost++
      const verify = JSON.parse(ok(await requestRetrying(retries, agents[r]!, `${path}/verify`, "POST"), `POST m${m}/verify`).body) as { ok: boolean; problems: Array<string> }
      if (!verify.ok) throw new Error(`verify of memory m${m} of ${user}: ${verify.problems.join("; ")}`)
    }
    return {
      perSecond: measured.count / measured.seconds,
      forwardedShare: measured.count === 0 ? 0 : measured.forwarded / measured.count,
      lost,
      acked: acked.reduce((s, a) => s + a.length, 0),
      retried: retries.count,
      firstRetry: retries.first
    }
  } finally {
    for (const a of agents) a.destroy()
  }
}

// ── the recall case ───────────────────────────────────────────────────────────

/** Recall latencies by how they were answered. */
export interface RecallResult {
  readonly direct: Array<number>
  readonly forwarded: Array<number>
  /** Recalls answered 409 or 503 and sent again (their samples are the whole wait). */
  readonly retried: number
}

/**
 * Writes a memory of {@link RECALL_FACTS} facts through the first runner, then one client sends
 * recalls to the runners in turn for `ms` (after a warm-up of `warmMs`), each sample filed by
 * whether the runner it was sent to answered it.
 */
export const recallCase = async (
  runners: ReadonlyArray<{ readonly url: string; readonly id: string }>,
  user: string,
  warmMs: number,
  ms: number
): Promise<RecallResult> => {
  const agents = runners.map(() => new Http.Agent({ keepAlive: true, maxSockets: 1 }))
  try {
    const retries: Retries = { count: 0, first: undefined }
    const people = Math.max(10, RECALL_FACTS / 4)
    const rng = new Rng(12)
    const path = memoryPath(user, "recall")
    for (let i = 0; i < RECALL_FACTS; i += RECALL_BATCH) {
      const facts = Array.from({ length: Math.min(RECALL_BATCH, RECALL_FACTS - i) }, (_, j) => ({
        subject: `Person ${(i + j) % people}`,
        relation: "met",
        object: `Place ${rng.int(people)} of ${i + j}`
      }))
      ok(await requestRetrying(retries, agents[0]!, `${runners[0]!.url}${path}/facts`, "POST", { facts }), "writing the recall memory")
    }
    const direct: Array<number> = []
    const forwarded: Array<number> = []
    const loop = async (duration: number, keep: boolean) => {
      const end = performance.now() + duration
      for (let i = 0; performance.now() < end; i++) {
        const r = i % runners.length
        const t = performance.now()
        const a = ok(
          await requestRetrying(retries, agents[r]!, `${runners[r]!.url}${path}/recall`, "POST", { query: `what about Person ${rng.int(people)}`, record: false }),
          `recall through runner ${r}`
        )
        const took = performance.now() - t
        if (a.runner === undefined) throw new Error(`a recall through runner ${r} came back without the ${RUNNER_HEADER} header`)
        if (keep) (a.runner === runners[r]!.id ? direct : forwarded).push(took)
      }
    }
    await loop(warmMs, false)
    await loop(ms, true)
    if (retries.first !== undefined) progress(`cluster: recall: ${retries.count} answers 409/503 retried, the first: ${retries.first}`)
    return { direct, forwarded, retried: retries.count }
  } finally {
    for (const a of agents) a.destroy()
  }
}

// ── takeover ──────────────────────────────────────────────────────────────────

/** Writes through runner A before it is stopped (the first makes A the memory's owner). */
export const TAKEOVER_WRITES = 5

/** What one takeover measured. */
export interface TakeoverResult {
  /** Milliseconds from the signal to A to the first write that B answered itself. */
  readonly ms: number
  /** Writes acknowledged (through A and through B) and missing afterwards. */
  readonly lost: number
  readonly acked: number
  readonly retried: number
  readonly firstRetry: string | undefined
  /** Writes to B after the stop answered 409, 503 or 504 and sent again; the first such answer. */
  readonly again: number
  readonly firstAgain: string | undefined
}

/**
 * One takeover: a fresh runner A (`startA`) beside runner `b` over one database; {@link TAKEOVER_WRITES}
 * writes through A into a fresh memory of `user` (A claims it), one through B (forwarded to A: B
 * knows the owner); then `signal` to A and at once writes to B, one after another, until one is
 * answered by B itself (B finds A gone, waits for A's lease to lapse — at once after a clean stop,
 * which releases it — and takes the memory over); a write answered 409, 503 or 504 meanwhile is
 * sent again at once (after `retry-after`, if any) and counted. Then every acknowledged write is
 * looked for through B and the memory verified.
 */
export const takeover = async (
  startA: () => Promise<{ readonly runner: Runner; readonly id: string }>,
  b: { readonly url: string; readonly id: string },
  user: string,
  signal: NodeJS.Signals
): Promise<TakeoverResult> => {
  const a = await startA()
  const agent = new Http.Agent({ keepAlive: true })
  const retries: Retries = { count: 0, first: undefined }
  const acked: Array<string> = []
  const path = memoryPath(user, "takeover")
  let k = 0
  const write = async (url: string, what: string): Promise<Answer> => {
    const i = k++
    const answer = ok(await requestRetrying(retries, agent, `${url}${path}/facts`, "POST", { facts: [{ subject: `Writer ${i}`, relation: "wrote", object: `Note ${i}` }] }), what)
    acked.push(...(JSON.parse(answer.body) as { factIds: Array<string> }).factIds)
    return answer
  }
  try {
    for (let i = 0; i < TAKEOVER_WRITES; i++) {
      const answer = await write(a.runner.url, `a write through ${a.id}`)
      if (answer.runner !== a.id) throw new Error(`takeover: a write through ${a.id} into a fresh memory was answered by ${answer.runner}`)
    }
    const forwarded = await write(b.url, `a write through ${b.id} before the ${signal}`)
    if (forwarded.runner !== a.id) throw new Error(`takeover: a write through ${b.id} was answered by ${forwarded.runner}, not by the owner ${a.id}`)
    const t0 = performance.now()
    const exited = a.runner.kill(signal)
    let ms: number | undefined
    let again = 0
    let firstAgain: string | undefined
    while (ms === undefined) {
      if (performance.now() - t0 > 60_000) throw new Error(`takeover: ${b.id} does not answer for the memory 60 s after the ${signal} of ${a.id}`)
      const i = k++
      const answer = await request(agent, `${b.url}${path}/facts`, "POST", { facts: [{ subject: `Writer ${i}`, relation: "wrote", object: `Note ${i}` }] })
      if (answer.status === 409 || answer.status === 503 || answer.status === 504) {
        // 504: B's forward reached A's socket but no answer came back (A died with it), so B cannot
        // know whether A wrote; the same fact again is harmless (same id), so ask again
        again++
        firstAgain ??= `${answer.status} ${answer.body.slice(0, 300)}`
        await new Promise((done) => setTimeout(done, answer.retryAfter !== undefined ? Math.min(1000, answer.retryAfter * 1000) : 20))
        continue
      }
      ok(answer, `a write through ${b.id} after the ${signal} of ${a.id}`)
      acked.push(...(JSON.parse(answer.body) as { factIds: Array<string> }).factIds)
      if (answer.runner === b.id) ms = performance.now() - t0
    }
    await exited
    const graph = JSON.parse(ok(await requestRetrying(retries, agent, `${b.url}${path}/graph`, "GET"), "GET the taken-over memory's graph").body) as { edges: Array<{ id: string }> }
    const ids = new Set(graph.edges.map((e) => e.id))
    const wanted = new Set(acked)
    let lost = acked.length - wanted.size
    for (const id of wanted) if (!ids.has(id)) lost++
    const verify = JSON.parse(ok(await requestRetrying(retries, agent, `${b.url}${path}/verify`, "POST"), "verify the taken-over memory").body) as { ok: boolean; problems: Array<string> }
    if (!verify.ok) throw new Error(`verify after the takeover of ${user}: ${verify.problems.join("; ")}`)
    return { ms, lost, acked: acked.length, retried: retries.count, firstRetry: retries.first, again, firstAgain }
  } finally {
    agent.destroy()
    await a.runner.stop()
  }
}

// ── the bench ─────────────────────────────────────────────────────────────────

const caseName = (memories: number): string => `${memories}mem`

/**
 * Starts `count` runners over `store` (or one SQLite runner), each in its own home under `root`;
 * with `ids`, runner i is started as `--runner <label>-<i>`.
 */
const startRunners = async (root: string, label: string, count: number, store?: string, ids = false): Promise<Array<Runner>> => {
  const runners: Array<Runner> = []
  try {
    for (let i = 0; i < count; i++) {
      const home = join(root, `${label}-${i}`)
      mkdirSync(home)
      runners.push(await startRunner({ home, ...(store === undefined ? {} : { store }), ...(ids ? { args: ["--runner", `${label}-${i}`] } : {}) }))
    }
    return runners
  } catch (e) {
    await Promise.all(runners.map((r) => r.stop()))
    throw e
  }
}

/** One write case: which runners, how many memories, and whether clients write to the owner. */
interface WriteCase {
  /** The metric name's middle: `sqlite.1mem`, `pg.2runners.100mem`, … */
  readonly key: string
  readonly runners: ReadonlyArray<{ readonly url: string; readonly id: string | undefined }>
  readonly memories: number
  readonly toOwner: boolean
}

/**
 * The figures (see the module header). Sizes below 10^4 only (`--sizes 300`, the tests' smoke run):
 * 300 ms per case, one round.
 */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const skip = PgServer.skipReason()
  if (skip !== undefined) {
    progress(`cluster: skipped, no figures — ${skip}`)
    return []
  }
  const smoke = opts.sizes.length > 0 && Math.max(...opts.sizes) < 10_000
  const ms = smoke ? 300 : opts.quick ? 2000 : 5000
  const warmMs = Math.min(1000, ms / 2)
  const rounds = smoke ? 1 : opts.quick ? ROUNDS_QUICK : ROUNDS
  const takeovers = smoke ? 1 : opts.quick ? TAKEOVERS_QUICK : TAKEOVERS
  const root = mkdtempSync(join(tmpdir(), "mags-cluster-bench-"))
  const scope = Scope.makeUnsafe()
  const running: Array<Runner> = []
  try {
    // every configuration's runners at once (each idle while another is measured), so the rounds
    // can take turns: the machine's noise falls on every configuration alike
    progress("cluster: starting PostgreSQL and the runners")
    const pg = await Effect.runPromise(Scope.provide(scope)(PgServer.start()))
    const start = async (label: string, count: number, store?: string, ids = false) => {
      const started = await startRunners(root, label, count, store, ids)
      running.push(...started)
      return started.map((r, i) => ({ url: r.url, id: ids ? `${label}-${i}` : undefined }))
    }
    const sqlite = await start("sqlite", 1)
    const one = await start("pg1", 1, await Effect.runPromise(pg.createDatabase("cluster_1runner")))
    const two = await start("pg2", 2, await Effect.runPromise(pg.createDatabase("cluster_2runners")), true)
    progress(`cluster: runners ${two.map((r) => `${r.id} at ${r.url}`).join(", ")} over one database`)
    const many = MEMORY_COUNTS[MEMORY_COUNTS.length - 1]!
    const cases: Array<WriteCase> = [
      ...MEMORY_COUNTS.flatMap((n): Array<WriteCase> => [
        { key: `sqlite.${caseName(n)}`, runners: sqlite, memories: n, toOwner: false },
        { key: `pg.1runner.${caseName(n)}`, runners: one, memories: n, toOwner: false },
        { key: `pg.2runners.${caseName(n)}`, runners: two, memories: n, toOwner: false }
      ]),
      { key: `pg.2runners_to_owner.${caseName(many)}`, runners: two, memories: many, toOwner: true }
    ]
    const best = new Map<string, WriteResult>()
    let lost = 0
    let retried = 0
    for (let round = 1; round <= rounds; round++) {
      progress(`cluster: round ${round} of ${rounds}: ${cases.length} cases, ${CLIENTS} clients, ${ms / 1000} s each`)
      for (const c of cases) {
        // fresh memories every case and round (a user per case and round)
        const w = await writeCase(c.runners, `${c.key.replace(/\./g, "-")}-r${round}`, c.memories, warmMs, ms, c.toOwner)
        progress(`cluster: ${c.key}: ${w.perSecond.toFixed(0)} commits/s, ${w.acked} writes checked, ${w.lost} lost${c.runners.length > 1 ? `, ${(100 * w.forwardedShare).toFixed(0)}% forwarded` : ""}`)
        if (w.firstRetry !== undefined) progress(`cluster: ${c.key}: ${w.retried} answers 409/503 retried, the first: ${w.firstRetry}`)
        lost += w.lost
        retried += w.retried
        if (w.lost > 0) throw new Error(`${c.key}: ${w.lost} of ${w.acked} acknowledged writes were lost`)
        if ((best.get(c.key)?.perSecond ?? -1) < w.perSecond) best.set(c.key, w)
      }
    }
    const rate = (key: string): number => best.get(key)!.perSecond
    const out: Array<Metric> = []
    for (const n of MEMORY_COUNTS) {
      const m = caseName(n)
      out.push(
        higherIsBetter(`cluster.commits_per_s.sqlite.${m}`, rate(`sqlite.${m}`), "commits/s"),
        higherIsBetter(`cluster.commits_per_s.pg.1runner.${m}`, rate(`pg.1runner.${m}`), "commits/s", rate(`sqlite.${m}`)),
        higherIsBetter(`cluster.commits_per_s.pg.2runners.${m}`, rate(`pg.2runners.${m}`), "commits/s", rate(`sqlite.${m}`)),
        higherIsBetter(`cluster.commits_per_s.pg.2runners_vs_1runner.${m}`, rate(`pg.2runners.${m}`), "commits/s", rate(`pg.1runner.${m}`)),
        higherIsBetter(`cluster.forwarded_share.pg.2runners.${m}`, best.get(`pg.2runners.${m}`)!.forwardedShare, "fraction")
      )
    }
    const toOwner = `pg.2runners_to_owner.${caseName(many)}`
    out.push(
      higherIsBetter(`cluster.commits_per_s.${toOwner}`, rate(toOwner), "commits/s", rate(`sqlite.${caseName(many)}`)),
      higherIsBetter(`cluster.forwarded_share.${toOwner}`, best.get(toOwner)!.forwardedShare, "fraction")
    )

    progress(`cluster: recall through both runners in turn for ${ms / 1000} s`)
    const r = await recallCase(two.map((x, i) => ({ url: x.url, id: `pg2-${i}` })), "recall", warmMs, ms)
    progress(`cluster: recall samples: ${r.direct.length} direct, ${r.forwarded.length} forwarded`)
    if (r.direct.length === 0 || r.forwarded.length === 0) throw new Error(`recall: no ${r.direct.length === 0 ? "direct" : "forwarded"} sample (did the memory's owner keep changing?)`)
    // takeovers: a fresh runner A each time beside one runner B, over a database of their own
    const tdb = await Effect.runPromise(pg.createDatabase("cluster_takeover"))
    const b = (await start("tkb", 1, tdb, true))[0]!
    let serial = 0
    const startA = async () => {
      const label = `tka${++serial}`
      const a = (await startRunners(root, label, 1, tdb, true))[0]!
      running.push(a)
      return { runner: a, id: `${label}-0` }
    }
    const times: Record<"SIGKILL" | "SIGTERM", Array<number>> = { SIGKILL: [], SIGTERM: [] }
    let again = 0
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      for (let i = 0; i < takeovers; i++) {
        const t = await takeover(startA, { url: b.url, id: b.id! }, `takeover-${signal}-${i}`, signal)
        progress(
          `cluster: takeover after ${signal}: ${t.ms.toFixed(0)} ms, ${t.acked} writes checked, ${t.lost} lost` +
            (t.firstAgain === undefined ? "" : `, ${t.again} writes to B after the stop sent again, the first answer: ${t.firstAgain}`) +
            (t.firstRetry === undefined ? "" : `, ${t.retried} other answers 409/503 retried, the first: ${t.firstRetry}`)
        )
        lost += t.lost
        retried += t.retried
        again += t.again
        if (t.lost > 0) throw new Error(`takeover after ${signal}: ${t.lost} of ${t.acked} acknowledged writes were lost`)
        times[signal].push(t.ms)
      }
    }
    const bound = Ownership.takeoverBoundMs(Ownership.DEFAULT_TTL_MS)
    out.push(
      lowerIsBetter("cluster.takeover.ms_median", percentile(times.SIGKILL, 0.5), "ms", bound),
      lowerIsBetter("cluster.takeover.ms_max", Math.max(...times.SIGKILL), "ms", bound),
      lowerIsBetter("cluster.takeover_clean.ms_median", percentile(times.SIGTERM, 0.5), "ms"),
      lowerIsBetter("cluster.takeover_clean.ms_max", Math.max(...times.SIGTERM), "ms"),
      lowerIsBetter("cluster.takeover.retried", again, "requests")
    )

    const [d50, d99] = [percentile(r.direct, 0.5), percentile(r.direct, 0.99)]
    out.push(
      lowerIsBetter("cluster.recall.ms_p50.direct", d50, "ms"),
      lowerIsBetter("cluster.recall.ms_p99.direct", d99, "ms"),
      lowerIsBetter("cluster.recall.ms_p50.forwarded", percentile(r.forwarded, 0.5), "ms", d50),
      lowerIsBetter("cluster.recall.ms_p99.forwarded", percentile(r.forwarded, 0.99), "ms", d99),
      lowerIsBetter("cluster.writes.lost", lost, "writes"),
      lowerIsBetter("cluster.retried", retried + r.retried, "requests")
    )
    return out
  } finally {
    await Promise.all(running.splice(0).map((r) => r.stop()))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(root, { recursive: true, force: true })
  }
}
