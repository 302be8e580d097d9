/**
 * soak — a long ingest through the CLI, as a new user would run it, measured from outside.
 *
 *     npm run -s soak                              # 50,000 sentences (about 10–30 min on 2 cores)
 *     npm run -s soak -- --sentences 5000          # a shorter run
 *     npm run -s soak -- --sentences 50000 --keep /tmp/soak   # keep the home and the text
 *
 * It writes a seeded plain-text diary of `--sentences` sentences (first and third person: family,
 * places, jobs, moves, hobbies, dates; a cast that keeps growing, so the memory grows with it),
 * then runs `mags ingest --progress always` on it in a fresh `MAGS_HOME` (one process, the
 * embedded defaults), and afterwards `mags replay --verify`. Measured:
 *
 * - the ingest's item rate over its first and its last 10% of items (from the progress lines'
 *   counts, timestamped as they arrive on the child's stderr) and their ratio (the issue's
 *   target: the last 10% within 1.5× the first 10%'s time per item);
 * - the child's peak resident memory (`VmHWM` from `/proc/<pid>/status`, polled; Linux only);
 * - the database's size on disk (`mags.db` and its `-wal`) beside the bytes of its events (the
 *   journal's record bytes, read from the database), and their ratio (target ≤ 2);
 * - `replay --verify`'s wall time and events per second (target ≥ 50,000 events/s).
 *
 * Output: one JSON object per line on stdout (`{"name","value","unit"}`); progress on stderr.
 * No baseline applies: the ratios are within the run (last vs first, database vs events).
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { fileURLToPath } from "node:url"
import { Rng } from "./generate.ts"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const mags = join(root, "shell", "cli", "main.ts")

// ── the text ──────────────────────────────────────────────────────────────────

const FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kasia", "Liam", "Maya", "Nico", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wiktor", "Xenia", "Yusuf", "Zoe", "Marta", "Tomek", "Lena", "Oskar"]
const LAST = ["Nowak", "Silva", "Okafor", "Berg", "Kowalski", "Moreau", "Haddad", "Larsen", "Costa", "Novak", "Fischer", "Tanaka", "Reyes", "Dubois", "Ivanova", "Byrne", "Marek", "Lind", "Santos", "Weber"]
const CITY_A = ["North", "Port", "Lake", "Green", "Stone", "River", "Oak", "Silver", "East", "West", "Bright", "Fair"]
const CITY_B = ["field", "haven", "ford", "bury", "wick", "ton", "mouth", "dale", "stead", "gate"]
const ORG_A = ["Blue", "Atlas", "Nova", "Cedar", "Apex", "Harbor", "Quantum", "Maple", "Summit", "Orbit"]
const ORG_B = ["Labs", "Bank", "Foods", "Logistics", "Clinic", "Studios", "Robotics", "Press", "Energy", "Systems"]
const JOBS = ["nurse", "teacher", "software engineer", "chef", "pilot", "architect", "accountant", "firefighter", "librarian", "dentist", "journalist", "carpenter"]
const HOBBIES = ["chess", "climbing", "the violin", "pottery", "running", "photography", "salsa", "gardening", "sailing", "painting", "yoga", "tennis"]
const KIN = ["sister", "brother", "cousin", "aunt", "uncle", "friend", "neighbour", "colleague", "boss", "mother", "father"]
const PETS = ["Biscuit", "Luna", "Max", "Pepper", "Rocky", "Mochi", "Ziggy", "Olive"]
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
const THINGS = ["book", "film", "song", "restaurant", "colour", "band", "dish", "season"]
const VALUES = ["Dune", "Amelie", "Yellow", "Zorba's", "green", "Muse", "pierogi", "autumn", "Solaris", "Pho 88", "blue", "Radiohead"]

const pick = <A>(rng: Rng, xs: ReadonlyArray<A>): A => xs[Math.floor(rng.next() * xs.length)]!

/** A diary of `n` sentences, paragraphs of 1–6 sentences; the cast grows by one person per ~25 sentences. */
export const diary = (n: number, seed = 9): string => {
  const rng = new Rng(seed)
  let cast = 8
  const person = (): string => {
    const i = Math.floor(Math.pow(rng.next(), 1.6) * cast)
    return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? ` ${Math.floor(i / (FIRST.length * LAST.length)) + 1}` : ""}`
  }
  const city = (): string => `${pick(rng, CITY_A)}${pick(rng, CITY_B)}`
  const org = (): string => `${pick(rng, ORG_A)} ${pick(rng, ORG_B)}`
  const year = (): number => 2005 + Math.floor(rng.next() * 20)
  const templates: ReadonlyArray<() => string> = [
    () => `My ${pick(rng, KIN)} ${person()} lives in ${city()}.`,
    () => `${person()} works as a ${pick(rng, JOBS)} at ${org()}.`,
    () => `I went to ${city()} last week with ${person()}.`,
    () => `${person()} started playing ${pick(rng, HOBBIES)} in ${year()}.`,
    () => `In ${pick(rng, MONTHS)} ${year()} ${person()} moved to ${city()}.`,
    () => `My favourite ${pick(rng, THINGS)} is ${pick(rng, VALUES)}.`,
    () => `${person()} has a dog called ${pick(rng, PETS)}.`,
    () => `Yesterday I met ${person()} at ${org()}.`,
    () => `${person()} is married to ${person()}.`,
    () => `I have been learning ${pick(rng, HOBBIES)} since ${year()}.`,
    () => `${person()} no longer works at ${org()}.`,
    () => `She told me that ${person()} joined ${org()} as a ${pick(rng, JOBS)}.`,
    () => `We had dinner in ${city()} on ${1 + Math.floor(rng.next() * 28)} ${pick(rng, MONTHS)} ${year()}.`,
    () => `${person()} grew up in ${city()} and studied in ${city()}.`
  ]
  const lines: Array<string> = []
  let written = 0
  while (written < n) {
    const size = Math.min(n - written, 1 + Math.floor(rng.next() * 6))
    const paragraph: Array<string> = []
    for (let i = 0; i < size; i++) {
      paragraph.push(pick(rng, templates)())
      if (rng.next() < 0.04) cast++
    }
    written += size
    lines.push(paragraph.join(" "))
  }
  return lines.join("\n") + "\n"
}

// ── running the CLI ───────────────────────────────────────────────────────────

interface Run {
  readonly code: number | null
  readonly ms: number
  readonly peakKiB: number
  /** (ms since start, items done) from the progress lines. */
  readonly marks: ReadonlyArray<readonly [number, number]>
  readonly stderrTail: string
}

const peakOf = (pid: number): number => {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? 0 : Number(m[1])
  } catch {
    return 0
  }
}

const runMags = (args: ReadonlyArray<string>, home: string): Promise<Run> =>
  new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [mags, ...args], {
      env: { ...process.env, MAGS_HOME: home },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let peak = 0
    const poll = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, peakOf(child.pid))
    }, 100)
    const marks: Array<readonly [number, number]> = []
    let tail = ""
    let pending = ""
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      if (child.pid !== undefined) peak = Math.max(peak, peakOf(child.pid))
      const at = performance.now() - started
      tail = (tail + chunk).slice(-4000)
      pending += chunk
      const parts = pending.split(/[\r\n]/)
      pending = parts.pop() ?? ""
      for (const line of parts) {
        const m = /\s(\d+)\/(\d+)\s/.exec(line)
        if (m !== null) marks.push([at, Number(m[1])])
      }
    })
    child.on("exit", (code) => {
      clearInterval(poll)
      resolve({ code, ms: performance.now() - started, peakKiB: peak, marks, stderrTail: tail })
    })
  })

/** The time (ms) at which `target` items were done, interpolated between progress marks. */
const timeAt = (marks: ReadonlyArray<readonly [number, number]>, target: number): number | undefined => {
  let prev: readonly [number, number] = [0, 0]
  for (const m of marks) {
    if (m[1] >= target) {
      const span = m[1] - prev[1]
      return span <= 0 ? m[0] : prev[0] + ((target - prev[1]) / span) * (m[0] - prev[0])
    }
    prev = m
  }
  return undefined
}

const fileSize = (p: string): number => (existsSync(p) ? statSync(p).size : 0)

/** Σ bytes of the journal's event records (every column that holds an event's content). */
const eventBytes = (db: string): number => {
  const d = new DatabaseSync(db, { readOnly: true })
  try {
    const cols = d.prepare("SELECT name FROM pragma_table_info('events')").all().map((r) => String(r["name"]))
    const content = cols.filter((c) => c !== "memory" && c !== "seq" && c !== "crc")
    const sum = content.map((c) => `coalesce(length(${c}), 0)`).join(" + ")
    const row = d.prepare(`SELECT sum(${sum}) AS b, count(*) AS n FROM events`).get()
    return Number(row?.["b"] ?? 0)
  } finally {
    d.close()
  }
}

const metric = (name: string, value: number, unit: string): void => {
  process.stdout.write(JSON.stringify({ name, value, unit }) + "\n")
}

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const main = async (): Promise<void> => {
  const n = Number(flag("--sentences") ?? 50_000)
  if (!Number.isInteger(n) || n < 100) throw new Error("--sentences must be an integer ≥ 100")
  const keep = flag("--keep")
  const dir = keep ?? mkdtempSync(join(tmpdir(), "mags-soak-"))
  mkdirSync(dir, { recursive: true })
  const home = join(dir, "home")
  rmSync(home, { recursive: true, force: true })
  const text = join(dir, "diary.txt")
  writeFileSync(text, diary(n))
  process.stderr.write(`[soak] ${n} sentences, ${(statSync(text).size / 1e6).toFixed(2)} MB → ${home}\n`)

  const ingest = await runMags(["ingest", "--progress", "always", text], home)
  if (ingest.code !== 0) throw new Error(`ingest exited ${ingest.code}:\n${ingest.stderrTail}`)
  const total = ingest.marks.length === 0 ? 0 : ingest.marks[ingest.marks.length - 1]![1]
  const t10 = timeAt(ingest.marks, total * 0.1)
  const t90 = timeAt(ingest.marks, total * 0.9)
  process.stderr.write(`[soak] ingest: ${(ingest.ms / 1000).toFixed(1)} s, ${total} items, peak ${(ingest.peakKiB / 1024).toFixed(0)} MiB\n`)
  metric("soak.items", total, "items")
  metric("soak.ingest_s", ingest.ms / 1000, "s")
  metric("soak.peak_rss_mib", ingest.peakKiB / 1024, "MiB")
  if (t10 !== undefined && t90 !== undefined && total > 0) {
    // the first 10% of items is measured from the first progress mark's items, not from the
    // process start (which includes loading the extractor's model)
    const first = ingest.marks[0]!
    const firstRate = (total * 0.1 - first[1]) / ((t10 - first[0]) / 1000)
    const lastRate = (total * 0.1) / ((ingest.ms - t90) / 1000)
    metric("soak.rate_first10", firstRate, "items/s")
    metric("soak.rate_last10", lastRate, "items/s")
    metric("soak.slowdown_last_vs_first", firstRate / lastRate, "x")
  }
  const db = join(home, "mags.db")
  const dbBytes = fileSize(db) + fileSize(`${db}-wal`)
  const evBytes = eventBytes(db)
  metric("soak.db_bytes", dbBytes, "B")
  metric("soak.event_bytes", evBytes, "B")
  metric("soak.db_over_events", dbBytes / Math.max(1, evBytes), "x")

  const verify = await runMags(["replay", "--verify"], home)
  if (verify.code !== 0) throw new Error(`replay --verify exited ${verify.code}:\n${verify.stderrTail}`)
  const d = new DatabaseSync(db, { readOnly: true })
  const events = Number(d.prepare("SELECT count(*) AS n FROM events").get()?.["n"] ?? 0)
  d.close()
  metric("soak.events", events, "events")
  metric("soak.verify_s", verify.ms / 1000, "s")
  metric("soak.verify_events_per_s", events / (verify.ms / 1000), "events/s")
  if (keep === undefined) rmSync(dir, { recursive: true, force: true })
}

await main()
