/**
 * `mags ingest` end to end (child processes, test embedder): every sentence and message is
 * stored as an episode whether or not a fact is read from it; messages keep who said them and
 * when; text in Chinese, Russian and Arabic is found by `mags recall` in its own script; the
 * episodes of one file form a sequence (each follows the one before it), which replay rebuilds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { Result } from "effect"
import * as Fact from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { mags, ROOT, tempDir } from "./testing.ts"

interface ExportedNode {
  readonly id: string
  readonly kind: string
  readonly text?: string | null
  readonly time?: number | null
}

let dir: string
let env: Record<string, string>

const episodes = (): Array<ExportedNode> => {
  const r = mags(["export", "--format", "json"], env)
  expect(r.code, r.stderr).toBe(0)
  const snap = JSON.parse(r.stdout) as { graph: { nodes: Array<ExportedNode> } }
  return snap.graph.nodes.filter((n) => n.kind === "episode")
}

const SCRIPTS = [
  "我的妹妹住在上海，她是医生。",
  "Моя сестра живёт в Новосибирске и работает врачом.",
  "أختي تعيش في الإسكندرية وتعمل طبيبة."
]

beforeAll(() => {
  dir = tempDir()
  env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "scripts.txt"), SCRIPTS.join("\n") + "\nHmm.\n")
})

afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("mags ingest", () => {
  it("every sentence and message is an episode, facts or not; messages keep speaker and time", () => {
    const diary = NodePath.join(ROOT, "examples", "demo", "diary.txt")
    const chat = NodePath.join(ROOT, "examples", "demo", "chat.jsonl")
    const r = mags(["ingest", "--speaker", "Kim", diary, chat, NodePath.join(dir, "scripts.txt")], env)
    expect(r.code, r.stderr).toBe(0)
    const diaryLines = NodeFs.readFileSync(diary, "utf8").split("\n").filter((l) => l.trim() !== "")
    const chatLines = NodeFs.readFileSync(chat, "utf8").split("\n").filter((l) => l.trim() !== "")
    const eps = episodes()
    expect(eps.length).toBe(diaryLines.length + chatLines.length + SCRIPTS.length + 1)
    const texts = eps.map((e) => e.text)
    for (const line of [...diaryLines, ...SCRIPTS, "Hmm."]) expect(texts).toContain(line)
    const byText = (t: string) => eps.find((e) => e.text === t)
    expect(byText("Kim: He works at Baltic Games in Gdynia.")?.time).toBe(Date.UTC(2024, 4, 10))
    expect(byText("Ola: I am Kim's sister. My husband Marek got a new car yesterday.")?.time).toBe(Date.UTC(2024, 5, 1, 16, 30))
    expect(byText("Assistant: Congratulations to him! Where does he work now?")?.time).toBeNull()
  })

  it("recall finds Chinese, Russian and Arabic episodes by a query in that script", () => {
    for (const [query, text] of [["上海", SCRIPTS[0]!], ["Где живёт сестра?", SCRIPTS[1]!], ["الإسكندرية", SCRIPTS[2]!]] as const) {
      const r = mags(["recall", query, "--no-record"], env)
      expect(r.code, r.stderr).toBe(0)
      const first = r.stdout.split("\n").find((l) => l.startsWith("episode "))
      expect(first, r.stdout).toContain(text.slice(0, 12))
    }
  })
})

describe("mags ingest: one file is one conversation", () => {
  it("each episode follows the previous one of the same file (sequence link), none across files; replay rebuilds the links", () => {
    const home = tempDir()
    try {
      const env2 = { MAGS_HOME: NodePath.join(home, "home"), MAGS_EMBEDDINGS: "test" }
      const a = NodePath.join(home, "a.txt")
      const b = NodePath.join(home, "b.jsonl")
      NodeFs.writeFileSync(a, "Ola moved to Gdansk.\nShe found a flat near the sea.\nThe rent is high.\n")
      NodeFs.writeFileSync(b, [
        JSON.stringify({ role: "user", content: "Marek bought a bike.", name: "Kim" }),
        JSON.stringify({ subject: "Marek", relation: "lives_in", object: "Sopot" }),
        JSON.stringify({ role: "assistant", content: "Nice, which one?" })
      ].join("\n") + "\n")
      const r = mags(["ingest", a, b], env2)
      expect(r.code, r.stderr).toBe(0)
      const exported = mags(["export", "--format", "json"], env2)
      expect(exported.code, exported.stderr).toBe(0)
      const snap = JSON.parse(exported.stdout) as {
        graph: { nodes: Array<ExportedNode>; edges: Array<{ id: string; relation: string }> }
      }
      const id = (text: string) => snap.graph.nodes.find((n) => n.kind === "episode" && n.text === text)!.id
      const [e1, e2, e3] = ["Ola moved to Gdansk.", "She found a flat near the sea.", "The rent is high."].map(id)
      const [m1, m2] = ["Kim: Marek bought a bike.", "Assistant: Nice, which one?"].map(id)
      const sequence = snap.graph.edges.filter((e) => e.relation === Fact.FOLLOWS).map((e) => e.id).sort()
      // episode 2 follows episode 1, 3 follows 2; the chat's second message follows its first
      // across the triple line; the chat's first message follows nothing of the text file
      expect(sequence).toEqual([Fact.sequenceId(e2!, e1!), Fact.sequenceId(e3!, e2!), Fact.sequenceId(m2!, m1!)].sort())

      // replay (no extractor, no embedder) rebuilds the same links from the journal
      const verify = mags(["replay", "--verify"], env2)
      expect(verify.code, verify.stdout + verify.stderr).toBe(0)
      const events = mags(["replay", "--events"], env2)
      expect(events.code, events.stderr).toBe(0)
      const lines = events.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as unknown)
      const replayed = Replay.replay(lines)
      expect(Result.isSuccess(replayed)).toBe(true)
      if (Result.isSuccess(replayed)) {
        const g = replayed.success.graph
        const edge = LiquidGraph.edge(g, Fact.sequenceId(e2!, e1!))
        expect(edge?.subject).toBe(e2)
        expect(edge?.object).toBe(e1)
        for (const s of sequence) expect(LiquidGraph.hasEdge(g, s), s).toBe(true)
      }
    } finally {
      NodeFs.rmSync(home, { recursive: true, force: true })
    }
  })
})
