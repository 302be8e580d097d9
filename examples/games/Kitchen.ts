/**
 * Kitchen — a cooking task in the spirit of the seeds' TextWorld runs. A small house of named
 * rooms (a seeded tree of two-way exits), containers that must be OPENED to see inside, and
 * ingredients in containers or on the floor. Each episode gives a recipe (a seeded set of
 * ingredients): collect them all and `cook` in the kitchen. Episodes share the house (the
 * containers close again and the ingredients are restocked), so what an agent learned about where
 * things are pays off later. Partial observation: the current room, its exits, the containers in
 * it (contents only when open), the items on its floor, the inventory and the recipe.
 * Reward: 0.2 for taking a recipe ingredient, 1 for cooking. Score: meals cooked / episodes.
 *
 * Text and triples: `You went north from kitchen to pantry.` → `(kitchen, north leads to,
 * pantry)`; `You see: cupboard (closed), basket (open: salt).` in room R → `(cupboard, is in, R)`,
 * `(basket, is in, R)`, `(salt, is in, basket)`; `On the floor: egg.` → `(egg, is in, R)`;
 * `Inside the cupboard: carrot, flour.` → `(carrot, is in, cupboard)`, ….
 *
 * Deterministic policy (`decide`): with all ingredients held, go to the kitchen (known route) and
 * cook; else for the first missing ingredient (recipe order) that is visible, take it; else one
 * whose believed container is here and closed, open it; else one whose believed room is known
 * and reachable by a known route, walk there; else explore: open a closed container here whose
 * contents the triples do not describe, else an exit with unknown destination (seeded draw), else a seeded
 * random exit.
 */
import { Key, Relation } from "../../core/index.ts"
import { DIRS, explore, knownMap, OPPOSITE, route } from "./Nav.ts"
import { Rng } from "./Prng.ts"
import { latestBeliefs, lines, stamp, triple, type BaseObservation, type Transition, type Triple, type World } from "./World.ts"

export interface KitchenConfig {
  readonly rooms: number
  readonly containers: number
  readonly items: number
  readonly recipeSize: number
  readonly episodes: number
  readonly maxStepsPerEpisode: number
}

export const defaultConfig: KitchenConfig = { rooms: 7, containers: 6, items: 12, recipeSize: 3, episodes: 8, maxStepsPerEpisode: 60 }
export const quickConfig: KitchenConfig = { rooms: 5, containers: 4, items: 8, recipeSize: 2, episodes: 4, maxStepsPerEpisode: 50 }

const ROOMS = ["pantry", "garden", "cellar", "shed", "hallway", "larder", "porch", "scullery", "attic"]
const CONTAINERS = ["cupboard", "chest", "basket", "crate", "barrel", "drawer", "cabinet", "sack"]
const ITEMS = ["carrot", "salt", "red onion", "flour", "egg", "butter", "yellow pepper", "parsley", "milk", "garlic", "potato", "cheese", "lentils", "honey"]

export interface KitchenState {
  readonly config: KitchenConfig
  readonly exits: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** container → room. */
  readonly containerAt: Readonly<Record<string, string>>
  /** item → container or room. */
  readonly itemAt: Readonly<Record<string, string>>
  readonly recipes: ReadonlyArray<ReadonlyArray<string>>
  readonly episode: number
  readonly room: string
  readonly open: ReadonlyArray<string>
  readonly inventory: ReadonlyArray<string>
  readonly stepInEpisode: number
  readonly t: number
  readonly cooked: number
  readonly done: boolean
}

export interface KitchenObservation extends BaseObservation {
  readonly room: string
  readonly exits: ReadonlyArray<string>
  /** Containers here: name, open?, visible contents. */
  readonly containers: ReadonlyArray<{ readonly name: string; readonly open: boolean; readonly contents: ReadonlyArray<string> }>
  readonly floor: ReadonlyArray<string>
  readonly inventory: ReadonlyArray<string>
  readonly recipe: ReadonlyArray<string>
}

const recipeOf = (s: KitchenState): ReadonlyArray<string> => s.recipes[Math.min(s.episode, s.recipes.length - 1)]!

const view = (s: KitchenState) => {
  const containers = Object.keys(s.containerAt).filter((c) => s.containerAt[c] === s.room).sort().map((c) => {
    const open = s.open.includes(c)
    const contents = open ? Object.keys(s.itemAt).filter((i) => s.itemAt[i] === c && !s.inventory.includes(i)).sort() : []
    return { name: c, open, contents }
  })
  const floor = Object.keys(s.itemAt).filter((i) => s.itemAt[i] === s.room && !s.inventory.includes(i)).sort()
  const exits = DIRS.filter((d) => s.exits[s.room]?.[d] !== undefined)
  return { containers, floor, exits }
}

const observe = (s: KitchenState, prefix: string): KitchenObservation => {
  const { containers, floor, exits } = view(s)
  const recipe = recipeOf(s)
  const seeLine = containers.length === 0 ? "" : ` You see: ${containers.map((c) => `${c.name} (${c.open ? "open" + (c.contents.length > 0 ? ": " + c.contents.join(", ") : "") : "closed"})`).join(", ")}.`
  const floorLine = floor.length === 0 ? "" : ` On the floor: ${floor.join(", ")}.`
  const status = s.done
    ? `${stamp(s.t)}The run is over: ${s.cooked} of ${s.config.episodes} meals cooked.`
    : `${stamp(s.t)}You are in ${s.room}. Exits: ${exits.join(", ")}.${seeLine}${floorLine}\n${stamp(s.t)}Recipe: ${recipe.join(", ")}. Inventory: ${s.inventory.length === 0 ? "nothing" : s.inventory.join(", ")}.`
  const actions = [
    ...exits.map((d) => "go " + d),
    ...containers.filter((c) => !c.open).map((c) => "open " + c.name),
    ...containers.flatMap((c) => c.contents.map((i) => "take " + i)),
    ...floor.map((i) => "take " + i),
    ...(s.room === "kitchen" ? ["cook"] : [])
  ]
  const missing = recipe.filter((i) => !s.inventory.includes(i))
  return {
    step: s.t, text: prefix + status, actions, query: [s.room, ...(missing.length > 0 ? missing : ["kitchen"])].join(" "),
    room: s.room, exits, containers, floor, inventory: s.inventory, recipe
  }
}

export const reset = (config: KitchenConfig, seed: number): Transition<KitchenState, KitchenObservation> => {
  const rng = Rng.of(seed)
  const rooms = ["kitchen", ...rng.shuffle(ROOMS).slice(0, config.rooms - 1)]
  const exits: Record<string, Record<string, string>> = {}
  for (const r of rooms) exits[r] = {}
  for (let i = 1; i < rooms.length; i++) {
    for (let tries = 0; tries < 100; tries++) {
      const host = rooms[rng.int(i)]!
      const free = DIRS.filter((d) => exits[host]![d] === undefined)
      if (free.length === 0) continue
      const d = rng.pick(free)
      exits[host]![d] = rooms[i]!
      exits[rooms[i]!]![OPPOSITE[d]!] = host
      break
    }
  }
  const containers = ["fridge", ...rng.shuffle(CONTAINERS).slice(0, config.containers - 1)]
  const containerAt: Record<string, string> = { fridge: "kitchen" }
  for (const c of containers.slice(1)) containerAt[c] = rng.pick(rooms)
  const items = rng.shuffle(ITEMS).slice(0, config.items).sort()
  const itemAt: Record<string, string> = {}
  for (const i of items) itemAt[i] = rng.float() < 0.25 ? rng.pick(rooms) : rng.pick(containers)
  const recipes = Array.from({ length: config.episodes }, () => rng.shuffle(items).slice(0, config.recipeSize))
  const state: KitchenState = {
    config, exits, containerAt, itemAt, recipes, episode: 0, room: "kitchen", open: [], inventory: [], stepInEpisode: 0, t: 0, cooked: 0, done: false
  }
  return { state, observation: observe(state, `${stamp(0)}Episode 1 begins. Cook: ${recipes[0]!.join(", ")}.\n`), reward: 0, done: false }
}

export const step = (s: KitchenState, action: string): Transition<KitchenState, KitchenObservation> => {
  if (s.done) return { state: s, observation: observe(s, ""), reward: 0, done: true }
  const { containers, floor } = view(s)
  const recipe = recipeOf(s)
  let next: KitchenState = s
  let line = "Nothing happens."
  let reward = 0
  let cookedNow = false
  const a = action.trim()
  if (a.startsWith("go ")) {
    const d = a.slice(3)
    const to = s.exits[s.room]?.[d]
    if (to !== undefined) {
      line = `You went ${d} from ${s.room} to ${to}.`
      next = { ...s, room: to }
    } else line = `You cannot go ${d}.`
  } else if (a.startsWith("open ")) {
    const c = containers.find((x) => x.name === a.slice(5))
    if (c !== undefined && !c.open) {
      const inside = Object.keys(s.itemAt).filter((i) => s.itemAt[i] === c.name && !s.inventory.includes(i)).sort()
      line = inside.length > 0 ? `You open the ${c.name}. Inside the ${c.name}: ${inside.join(", ")}.` : `You open the ${c.name}. The ${c.name} is empty.`
      next = { ...s, open: [...s.open, c.name] }
    }
  } else if (a.startsWith("take ")) {
    const i = a.slice(5)
    if (floor.includes(i) || containers.some((c) => c.contents.includes(i))) {
      line = `You take the ${i}.`
      next = { ...s, inventory: [...s.inventory, i] }
      if (recipe.includes(i)) reward = 0.2
    }
  } else if (a === "cook") {
    if (s.room === "kitchen" && recipe.every((i) => s.inventory.includes(i))) {
      line = `You cook ${recipe.join(", ")}. The meal is ready!`
      reward = 1
      cookedNow = true
    } else line = "You cannot cook yet."
  }
  let prefix = `${stamp(s.t)}${line}\n`
  const t = s.t + 1
  if (cookedNow || next.stepInEpisode + 1 >= s.config.maxStepsPerEpisode) {
    if (!cookedNow) prefix += `${stamp(s.t)}Out of time in this episode.\n`
    const episode = s.episode + 1
    const done = episode >= s.config.episodes
    const state: KitchenState = {
      ...next, episode, room: "kitchen", open: [], inventory: [], stepInEpisode: 0, t, cooked: s.cooked + (cookedNow ? 1 : 0), done
    }
    if (!done) prefix += `${stamp(t)}Episode ${episode + 1} begins. Cook: ${s.recipes[episode]!.join(", ")}.\n`
    return { state, observation: observe(state, prefix), reward, done }
  }
  const state: KitchenState = { ...next, stepInEpisode: next.stepInEpisode + 1, t }
  return { state, observation: observe(state, prefix), reward, done: false }
}

const WENT = /^You went (north|east|south|west) from (.+) to (.+)\.$/
const HERE = /^You are in ([^.]+)\. Exits: [^.]*\.(?: You see: (.+?)\.)?(?: On the floor: (.+)\.)?$/
const INSIDE = /^You open the (.+?)\. Inside the (.+?): (.+)\.$/
const CONT = /^(.+?) \((closed|open)(?:: (.+))?\)$/

const splitList = (s: string): Array<string> => s.split(", ").map((x) => x.trim()).filter((x) => x.length > 0)

/** Splits "cupboard (closed), basket (open: salt, egg)" at the commas outside parentheses. */
const splitContainers = (s: string): Array<string> => {
  const out: Array<string> = []
  let depth = 0, cur = ""
  for (const ch of s) {
    if (ch === "(") depth++
    if (ch === ")") depth--
    if (ch === "," && depth === 0) {
      out.push(cur.trim())
      cur = ""
    } else cur += ch
  }
  if (cur.trim().length > 0) out.push(cur.trim())
  return out
}

export const parse = (text: string): Array<Triple> => {
  const out: Array<Triple> = []
  for (const { step: t, body } of lines(text)) {
    let m = WENT.exec(body)
    if (m !== null) {
      out.push(triple(m[2]!, `${m[1]} leads to`, m[3]!, false, t))
      continue
    }
    m = HERE.exec(body)
    if (m !== null) {
      const room = m[1]!
      if (m[2] !== undefined) {
        for (const c of splitContainers(m[2])) {
          const cm = CONT.exec(c)
          if (cm === null) continue
          out.push(triple(cm[1]!, "is in", room, false, t))
          if (cm[3] !== undefined) for (const i of splitList(cm[3])) out.push(triple(i, "is in", cm[1]!, false, t))
        }
      }
      if (m[3] !== undefined) for (const i of splitList(m[3])) out.push(triple(i, "is in", room, false, t))
      continue
    }
    m = INSIDE.exec(body)
    if (m !== null) for (const i of splitList(m[3]!)) out.push(triple(i, "is in", m[2]!, false, t))
  }
  return out
}

const IS_IN = Relation.canon("is in")
const singleValued: ReadonlySet<string> = new Set([IS_IN])

export const decide = (o: KitchenObservation, knowledge: ReadonlyArray<Triple>, draw: () => number): { action: string; used: Array<Triple> } => {
  const beliefs = latestBeliefs(knowledge, singleValued)
  const m = knownMap(beliefs)
  const here = Key.node(o.room)
  const loc = new Map<string, Triple>()
  for (const b of beliefs) if (!b.negated && b.relation === IS_IN) loc.set(b.subject, b)
  const goTo = (target: string, used: Array<Triple>) => {
    const r = route(m, here, target)
    return r !== undefined && o.exits.includes(r.dir) ? { action: "go " + r.dir, used: [...used, ...r.used] } : undefined
  }
  const missing = o.recipe.filter((i) => !o.inventory.includes(i))
  if (missing.length === 0) {
    if (here === "kitchen") return { action: "cook", used: [] }
    const g = goTo("kitchen", [])
    if (g !== undefined) return g
  } else {
    for (const i of missing) {
      if (o.floor.includes(i) || o.containers.some((c) => c.contents.includes(i))) return { action: "take " + i, used: [] }
    }
    for (const i of missing) {
      const l = loc.get(Key.node(i))
      if (l === undefined) continue
      const c = o.containers.find((x) => Key.node(x.name) === l.object && !x.open)
      if (c !== undefined) return { action: "open " + c.name, used: [l] }
    }
    for (const i of missing) {
      const l = loc.get(Key.node(i))
      if (l === undefined) continue
      const l2 = loc.get(l.object)
      const room = l2 !== undefined ? l2.object : l.object
      if (room === here) continue
      const g = goTo(room, l2 !== undefined ? [l, l2] : [l])
      if (g !== undefined) return g
    }
    const described = new Set<string>()
    for (const b of loc.values()) described.add(b.object)
    const closed = o.containers.find((c) => !c.open && !described.has(Key.node(c.name)))
    if (closed !== undefined) return { action: "open " + closed.name, used: [] }
  }
  return { action: "go " + explore(m, here, o.exits, draw), used: [] }
}

export const world: World<KitchenState, KitchenObservation, KitchenConfig> = {
  name: "kitchen",
  reset,
  step,
  parse,
  singleValued,
  decide,
  task: (o) =>
    `A cooking task. Collect ${o.recipe.join(", ")} and cook in the kitchen. You are in ${o.room}; exits: ${o.exits.join(", ")}. ` +
    `Inventory: ${o.inventory.join(", ") || "nothing"}.`
}
