import { describe, expect, it } from "vitest"
import type { Goal } from "./goals.ts"
import { checkGoals, GOALS } from "./goals.ts"
import type { Row } from "./Suite.ts"

const row = (suite: string, system: string, metric: string, value: number): Row => ({ suite, system, metric, value })
const byId = (rows: ReadonlyArray<Row>, notRun?: ReadonlyMap<string, string>) => new Map(checkGoals(rows, notRun).map((g) => [g.goal.id, g]))

/** Rows that meet every goal of the issue. */
const good: ReadonlyArray<Row> = [
  row("locomo", "mags", "recall@10/validation", 0.68),
  row("locomo", "vector", "recall@10/validation", 0.5),
  row("locomo", "bm25", "recall@10/validation", 0.6),
  row("locomo", "mags-nodecay", "recall@10/validation", 0.68),
  row("conflicts", "mags", "accuracy", 0.97),
  row("conflicts", "mags", "history_preserved", 1),
  row("conflicts", "mags", "nl_accuracy", 0.9),
  row("games", "mags", "recovery_steps", 3),
  row("games", "none", "recovery_steps", 9),
  row("games", "window", "recovery_steps", 6),
  row("games", "rag", "recovery_steps", 5),
  row("games", "mags-learned", "recovery_steps", 2.5),
  row("games", "mags", "nonsense.nodes_final", 80),
  row("games", "mags-learned", "nonsense.nodes_final", 80),
  row("games", "mags", "nonsense.edges_final", 400),
  row("games", "mags-learned", "nonsense.edges_final", 200),
  row("mcq", "mags", "accuracy", 0.83),
  row("mcq", "base", "accuracy", 0.49),
  row("mcq", "rag", "accuracy", 0.66),
  row("mcq", "rag-bm25", "accuracy", 0.83),
  row("mcq-hard", "mags", "accuracy", 0.8),
  row("mcq-hard", "rag-bm25", "accuracy", 0.7),
  row("extraction", "rules", "f1/test", 0.8),
  row("arigraph", "mags", "replacement_f1:hunt", 0.5),
  row("arigraph", "mags", "replacement_f1:cook", 0.6),
  row("arigraph", "mags", "replacement_f1:clean", 0.7)
]

describe("checkGoals", () => {
  it("the goal table covers the issue's goals", () => {
    expect(GOALS.map((g) => g.suite).sort()).toEqual(["arigraph", "arigraph", "arigraph", "conflicts", "conflicts", "conflicts", "extraction", "games", "games", "games", "games", "locomo", "locomo", "locomo", "mcq", "mcq", "mcq-hard"])
  })

  it("met: every goal on rows that reach it (boundaries included where the issue says ≥)", () => {
    const r = byId(good)
    for (const g of r.values()) expect([g.goal.id, g.status]).toEqual([g.goal.id, "met"])
    expect(r.get("mcq-vs-base")!.gap).toBeUndefined()
  })

  it("missed: by how much, in the metric's unit", () => {
    const rows = good.map((x) => {
      if (x.suite === "locomo" && x.system === "mags") return { ...x, value: 0.63 } // 1.1 × max(0.5, 0.6) = 0.66; below nodecay 0.68
      if (x.suite === "conflicts" && x.metric === "accuracy") return { ...x, value: 0.9 }
      if (x.metric === "replacement_f1:cook") return { ...x, value: 0.45 }
      if (x.suite === "games" && x.system === "mags" && x.metric === "recovery_steps") return { ...x, value: 5 } // equal to rag: not fewer
      if (x.suite === "games" && x.system === "mags-learned" && x.metric === "recovery_steps") return { ...x, value: 5.5 } // above mags 5 and rag 5
      if (x.suite === "games" && x.system === "mags-learned" && x.metric === "nonsense.nodes_final") return { ...x, value: 81 } // one node more than mags
      if (x.suite === "mcq" && x.system === "mags") return { ...x, value: 0.8 } // base + 0.34 = 0.83, rag-bm25 + 0 = 0.83
      if (x.suite === "mcq-hard" && x.system === "mags") return { ...x, value: 0.75 } // rag-bm25 + 0.1 = 0.8
      return x
    })
    const r = byId(rows)
    const gap = (id: string) => {
      expect(r.get(id)!.status).toBe("missed")
      return r.get(id)!.gap!
    }
    expect(gap("locomo-vs-best-single")).toBeCloseTo(0.03, 10)
    expect(r.get("locomo-vs-best-single")!.detail).toMatch(/the best of bm25, vector: bm25 0\.6/)
    expect(gap("locomo-maintenance")).toBeCloseTo(0.05, 10)
    expect(gap("locomo-moonshot")).toBeCloseTo(0.045, 10)
    expect(gap("conflicts-accuracy")).toBeCloseTo(0.05, 10)
    expect(gap("arigraph-f1-cook")).toBeCloseTo(0.05, 10)
    expect(r.get("arigraph-f1-hunt")!.status).toBe("met")
    expect(gap("games-recovery")).toBe(0)
    expect(r.get("games-recovery")!.detail).toMatch(/not below rag/)
    expect(gap("games-learned-recovery")).toBeCloseTo(0.5, 10)
    expect(r.get("games-learned-recovery")!.detail).toMatch(/not below mags, rag/)
    expect(gap("games-learned-nodes")).toBe(1)
    expect(r.get("games-learned-edges")!.status).toBe("met")
    expect(gap("mcq-vs-base")).toBeCloseTo(0.03, 10)
    expect(gap("mcq-vs-bm25")).toBeCloseTo(0.03, 10)
    expect(r.get("mcq-vs-bm25")!.detail).toMatch(/missed by 0\.03/)
    expect(gap("mcq-hard-vs-bm25")).toBeCloseTo(0.05, 10)
    expect(r.get("conflicts-history")!.status).toBe("met")
  })

  it("missing: names the row that is absent", () => {
    const r = byId(good.filter((x) => !(x.suite === "locomo" && x.system === "vector") && !(x.suite === "games" && x.system !== "mags") && x.metric !== "history_preserved"))
    expect(r.get("locomo-vs-best-single")).toMatchObject({ status: "missing", detail: "no row locomo/vector/recall@10/validation" })
    expect(r.get("locomo-moonshot")!.status).toBe("met")
    expect(r.get("games-recovery")!.status).toBe("missing")
    expect(r.get("games-learned-recovery")).toMatchObject({ status: "missing", detail: "no row games/mags-learned/recovery_steps" })
    const noBaselines = byId(good.filter((x) => !(x.suite === "games" && ["none", "window", "rag"].includes(x.system))))
    expect(noBaselines.get("games-learned-recovery")).toMatchObject({ status: "missing", detail: "no row games/none/recovery_steps, games/window/recovery_steps, games/rag/recovery_steps" })
    expect(r.get("conflicts-history")).toMatchObject({ status: "missing", detail: "no row conflicts/mags/history_preserved" })
    const none = byId([])
    for (const g of none.values()) expect(g.status).toBe("missing")
  })

  it("not run: a skipped or failed suite is not reported as missing", () => {
    const r = byId(good, new Map([["mcq", "skipped: no data"]]))
    expect(r.get("mcq-vs-base")).toMatchObject({ status: "not run", detail: "mcq not run: skipped: no data" })
    expect(r.get("locomo-vs-best-single")!.status).toBe("met")
  })

  it("uses the first row when a figure is duplicated", () => {
    const g: Goal = { id: "t", text: "t", suite: "s", system: "a", metric: "m", comparison: { kind: "atLeast", threshold: 1 } }
    expect(checkGoals([row("s", "a", "m", 1), row("s", "a", "m", 0)], new Map(), [g])[0]!.status).toBe("met")
  })
})
