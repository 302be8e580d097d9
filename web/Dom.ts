/**
 * Dom — the few DOM helpers the page uses (no framework): element construction and formatting.
 */

type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>

/**
 * `h("button", { class: "x", onclick: f }, "label")`: an element with attributes (`on*` are
 * listeners, `false`/`undefined` are left out) and children (strings become text).
 */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: ReadonlyArray<Child | ReadonlyArray<Child>>): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (typeof v === "function") el.addEventListener(k.slice(2), v)
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v)
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  append(el, children)
  return el
}

const append = (el: HTMLElement, children: ReadonlyArray<Child | ReadonlyArray<Child>>): void => {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c)
    else if (c === null || c === undefined || c === false) continue
    else el.append(typeof c === "number" ? String(c) : (c as Node | string))
  }
}

/** Replaces an element's children. */
export const fill = (el: HTMLElement, ...children: ReadonlyArray<Child | ReadonlyArray<Child>>): void => {
  el.replaceChildren()
  append(el, children)
}

/** A system or world time (ms since the epoch) as `YYYY-MM-DD HH:MM:SS` UTC; `—` for none. */
export const time = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 19)

/** A number in a short form. */
export const num = (x: number): string => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(3))
