/**
 * The write-back layers a `LiquidGraph.Draft` puts in front of the graph's persistent maps: the
 * draft's representation details, apart from the graph's model.
 *
 * A draft reads and writes many keys, often the same ones several times (a node touched by every
 * fact of a batch, a hub's edge set grown by each of its new edges). A {@link Layer} remembers
 * every value read or written in a JS `Map` and replays the written keys into the HAMT once, on
 * {@link Layer.flush}; a {@link Through} writes through at once (for the edge map, which bulk
 * passes rewrite whole) and only caches reads. Both open the HAMT with `HashMap.beginMutation`,
 * so the trie nodes a draft creates are edited in place by its later writes, and both trim the
 * written paths when they seal the map (`Hamt.trimWritten`).
 *
 * Laws (for both): after any sequence of `set`/`remove`, `get(k)` is the last value written for
 * `k` (or `undefined` after a remove, or the source's value when never written), and `flush()` is
 * the source map with exactly those writes applied; the source map is never modified.
 *
 * @since 0.1.0
 */
import { HashMap, Option } from "effect"
import { trimWritten } from "./Hamt.ts"

/** The cached answer "absent" (values are never `undefined`, so `undefined` means "not cached"). */
const ABSENT: unique symbol = Symbol("absent")
type Cached<V> = V | typeof ABSENT

/** A read through a layer's cache: the cached answer, else one trie lookup, remembered (absence too). */
const cachedGet = <V>(cache: Map<string, Cached<V>>, map: HashMap.HashMap<string, V>, key: string): V | undefined => {
  const c = cache.get(key)
  if (c !== undefined) return c === ABSENT ? undefined : c
  const v = Option.getOrUndefined(HashMap.get(map, key))
  cache.set(key, v === undefined ? ABSENT : v)
  return v
}

/**
 * One persistent map of a draft, with a write-back cache in front of it: a key read or written
 * several times in one draft costs one HAMT lookup and at most one HAMT write (on flush), and a
 * read after a write never walks the trie. Values are never `undefined`.
 */
export class Layer<V> {
  private readonly map: HashMap.HashMap<string, V>
  private readonly cache = new Map<string, Cached<V>>()
  private readonly dirty = new Set<string>()
  /** Number of keys present, cache and trie together. */
  size: number
  constructor(source: HashMap.HashMap<string, V>) {
    this.map = HashMap.beginMutation(source)
    this.size = HashMap.size(source)
  }
  /** The value at `key`, or `undefined`. @complexity O(1) cached, else O(log n) */
  get(key: string): V | undefined {
    return cachedGet(this.cache, this.map, key)
  }
  /** Writes `value` at `key`. @complexity O(1) after a read of `key`, else O(log n) */
  set(key: string, value: V): void {
    if (this.get(key) === undefined) this.size++
    this.cache.set(key, value)
    this.dirty.add(key)
  }
  /** Removes `key` (no-op when absent). @complexity as {@link Layer.set} */
  remove(key: string): void {
    if (this.get(key) === undefined) return
    this.size--
    this.cache.set(key, ABSENT)
    this.dirty.add(key)
  }
  /**
   * Writes the pending keys into the trie, seals and trims it. The layer cannot be used afterwards.
   * @complexity O(written · log n)
   */
  flush(): HashMap.HashMap<string, V> {
    let m = this.map
    for (const key of this.dirty) {
      const v = this.cache.get(key)!
      m = v === ABSENT ? HashMap.remove(m, key) : HashMap.set(m, key, v)
    }
    return trimWritten(HashMap.endMutation(m), this.dirty, this.dirty.size)
  }
}

/**
 * The edge map of a draft: written through to the HAMT at once (a bulk pass over 10^5 edges must
 * not pay a JS `Map` entry per edge), with a read cache for the values a transition asked for by
 * id, so that the common "read it, then write it" costs one lookup.
 */
export class Through<V> {
  private map: HashMap.HashMap<string, V>
  private readonly cache = new Map<string, Cached<V>>()
  /** Keys written (with repeats), whose trie paths are trimmed on flush. */
  private readonly written: Array<string> = []
  constructor(source: HashMap.HashMap<string, V>) {
    this.map = HashMap.beginMutation(source)
  }
  /** Number of keys present. @complexity O(1) */
  get size(): number {
    return HashMap.size(this.map)
  }
  /** Reads and remembers the answer. @complexity O(1) cached, else O(log n) */
  get(key: string): V | undefined {
    return cachedGet(this.cache, this.map, key)
  }
  /** Reads without remembering (for keys read once). @complexity O(1) cached, else O(log n) */
  peek(key: string): V | undefined {
    if (this.cache.size > 0) {
      const c = this.cache.get(key)
      if (c !== undefined) return c === ABSENT ? undefined : c
    }
    return Option.getOrUndefined(HashMap.get(this.map, key))
  }
  /** Writes `value` at `key` (into the trie at once). @complexity O(log n) */
  set(key: string, value: V): void {
    this.map = HashMap.set(this.map, key, value)
    this.written.push(key)
    if (this.cache.size > 0 && this.cache.has(key)) this.cache.set(key, value)
  }
  /** Removes `key` (no-op when absent). @complexity O(log n) */
  remove(key: string): void {
    this.map = HashMap.remove(this.map, key)
    if (this.cache.size > 0 && this.cache.has(key)) this.cache.set(key, ABSENT)
  }
  /** Seals and trims the map. The layer cannot be used afterwards. @complexity O(written · log n) */
  flush(): HashMap.HashMap<string, V> {
    return trimWritten(HashMap.endMutation(this.map), this.written, this.written.length)
  }
}
