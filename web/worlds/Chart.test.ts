import { describe, expect, it } from "vitest"
import { polyline } from "./Chart.ts"

describe("Chart.polyline", () => {
  it("one point per value, x rising from 0 to the width, y from the bottom (0) to the top (max), clamped", () => {
    const pts = polyline([0, 5, 10, 20], 10, 300, 100).split(" ").map((p) => p.split(",").map(Number) as [number, number])
    expect(pts.length).toBe(4)
    expect(pts.map(([x]) => x)).toEqual([0, 100, 200, 300])
    expect(pts.map(([, y]) => y)).toEqual([100, 50, 0, 0])
    expect(polyline([3], 0, 300, 100)).toBe("0,0.0") // a single point; max below 1 counts as 1
    expect(polyline([], 10, 300, 100)).toBe("")
  })
})
