/**
 * `mags ingest` end to end (child processes, test embedder): every sentence and message is
 * stored as an episode whether or not a fact is read from it; messages keep who said them and
 * when; text in Chinese, Russian and Arabic is found by `mags recall` in its own script.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
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
