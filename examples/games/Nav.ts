/**
 * Nav — the map-reading part of the maze and kitchen policies: exits learned as triples
 * `(room, "<dir> leads to", room)`, each also read backwards (exits are two-way, with the
 * opposite direction — a common-sense assumption every agent's policy makes alike).
 */
import { Relation } from "../../core/index.ts"
import type { Triple } from "./World.ts"

export const DIRS = ["north", "east", "south", "west"] as const
export const OPPOSITE: Readonly<Record<string, string>> = { north: "south", south: "north", east: "west", west: "east" }

/** The canonical relation of "<dir> leads to" (World.ts `triple`) → the direction. */
const LEADS: ReadonlyMap<string, string> = new Map(DIRS.map((d) => [Relation.canon(`${d} leads to`), d]))

/** from → dir → { to, triple }. */
export type KnownMap = Map<string, Map<string, { to: string; triple: Triple }>>

export const knownMap = (ts: ReadonlyArray<Triple>): KnownMap => {
  const m: KnownMap = new Map()
  const add = (from: string, dir: string, to: string, t: Triple, direct: boolean) => {
    let row = m.get(from)
    if (row === undefined) m.set(from, (row = new Map()))
    if (direct || !row.has(dir)) row.set(dir, { to, triple: t })
  }
  for (const t of ts) {
    if (t.negated) continue
    const dir = LEADS.get(t.relation)
    if (dir === undefined) continue
    add(t.subject, dir, t.object, t, true)
  }
  for (const t of ts) {
    if (t.negated) continue
    const dir = LEADS.get(t.relation)
    if (dir === undefined) continue
    add(t.object, OPPOSITE[dir] as string, t.subject, t, false)
  }
  return m
}

/** Shortest known path (BFS, directions in fixed order): the first direction and the triples used. */
export const route = (m: KnownMap, from: string, to: string): { dir: string; used: Array<Triple> } | undefined => {
  if (from === to) return undefined
  const prev = new Map<string, { from: string; dir: string; triple: Triple }>()
  const seen = new Set([from])
  let frontier = [from]
  while (frontier.length > 0) {
    const next: Array<string> = []
    for (const r of frontier) {
      const row = m.get(r)
      if (row === undefined) continue
      for (const d of DIRS) {
        const e = row.get(d)
        if (e === undefined || seen.has(e.to)) continue
        seen.add(e.to)
        prev.set(e.to, { from: r, dir: d, triple: e.triple })
        if (e.to === to) {
          const used: Array<Triple> = []
          let cur = to
          let dir: string = d
          while (cur !== from) {
            const p = prev.get(cur)!
            used.unshift(p.triple)
            dir = p.dir
            cur = p.from
          }
          return { dir, used }
        }
        next.push(e.to)
      }
    }
    frontier = next
  }
  return undefined
}

/**
 * Exploration move: a uniformly drawn exit (the agent's seeded draw) among the exits of this room
 * whose destination is unknown, else among all exits. With no memory this is a random walk.
 */
export const explore = (m: KnownMap, room: string, exits: ReadonlyArray<string>, draw: () => number): string => {
  const row = m.get(room)
  const unknown = DIRS.filter((d) => exits.includes(d) && (row === undefined || !row.has(d)))
  const pool = unknown.length > 0 ? unknown : exits
  return pool[Math.floor(draw() * pool.length)] as string
}
