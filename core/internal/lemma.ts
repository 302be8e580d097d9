/**
 * A small English lemmatiser for the words of relation phrases (verbs and the nouns of
 * possessive attributes): "lives" → "live", "moved" → "move", "studies" → "study",
 * "stopped" → "stop", "was" → "be", "parents" → "parent".
 *
 * Why not a library: the maintained npm lemmatisers carry multi-megabyte lexicons and the core
 * must stay small and pure; relation phrases are a few words, mostly common verbs, and a wrong
 * lemma of a rare verb only costs a missed synonym (the phrase still gets a stable key). What
 * matters is that the function is deterministic and idempotent, which {@link lemma} guarantees by
 * applying its suffix rules until a fixed point (every rule shortens the word, so this ends).
 *
 * Internal: not public API.
 */

/** Irregular and otherwise mis-handled forms → lemma. */
const IRREGULAR: Readonly<Record<string, string>> = {
  is: "be", are: "be", was: "be", were: "be", am: "be", been: "be", being: "be", s: "be", re: "be", m: "be",
  has: "have", had: "have", having: "have", ve: "have", does: "do", did: "do", done: "do", doing: "do",
  goes: "go", went: "go", gone: "go", going: "go", left: "leave", sold: "sell", bought: "buy", met: "meet",
  taught: "teach", became: "become", began: "begin", begun: "begin", made: "make", took: "take",
  taken: "take", got: "get", gotten: "get", saw: "see", seen: "see", knew: "know", known: "know",
  grew: "grow", grown: "grow", ran: "run", came: "come", held: "hold", kept: "keep", led: "lead",
  lost: "lose", paid: "pay", said: "say", sat: "sit", spoke: "speak", spoken: "speak", stood: "stand",
  told: "tell", thought: "think", won: "win", wrote: "write", written: "write", drove: "drive",
  driven: "drive", fell: "fall", fallen: "fall", felt: "feel", gave: "give", given: "give",
  heard: "hear", built: "build", brought: "bring", caught: "catch", chose: "choose", chosen: "choose",
  ate: "eat", eaten: "eat", flew: "fly", flown: "fly", forgot: "forget", hung: "hang", rode: "ride",
  sang: "sing", sent: "send", slept: "sleep", spent: "spend", swam: "swim", threw: "throw",
  understood: "understand", wore: "wear", worn: "wear", lent: "lend", dealt: "deal", meant: "mean",
  shot: "shoot", quit: "quit", quits: "quit", quitting: "quit", wed: "wed", weds: "wed",
  wedded: "wed", added: "add", agreed: "agree", children: "child", men: "man", women: "woman",
  people: "person", wives: "wife", lives: "live", born: "born", ceo: "ceo", bus: "bus", news: "news",
  during: "during", morning: "morning", evening: "evening", nothing: "nothing", something: "something",
  anything: "anything", everything: "everything", ceiling: "ceiling", wedding: "wedding",
  this: "this", his: "his", its: "its", as: "as", us: "us", yes: "yes", always: "always",
  sometimes: "sometimes", series: "series", species: "species", lying: "lie", dying: "die",
  tying: "tie", changed: "change", changing: "change", changes: "change", arranged: "arrange",
  arranging: "arrange", exchanged: "exchange", challenged: "challenge", ranged: "range",
  drew: "draw", drawn: "draw", blew: "blow", blown: "blow", broke: "break", broken: "break", bred: "breed",
  bent: "bend", bit: "bite", bitten: "bite", bled: "bleed", bound: "bind", dug: "dig", drank: "drink",
  drunk: "drink", fought: "fight", fled: "flee", forgave: "forgive", forgiven: "forgive", froze: "freeze",
  frozen: "freeze", hid: "hide", hidden: "hide", knelt: "kneel", laid: "lay", leapt: "leap", lit: "light",
  mistook: "mistake", mistaken: "mistake", rang: "ring", rung: "ring", rose: "rise", risen: "rise",
  sought: "seek", shook: "shake", shaken: "shake", shone: "shine", shrank: "shrink", sank: "sink", sunk: "sink",
  slid: "slide", spun: "spin", sprang: "spring", stole: "steal", stolen: "steal", stuck: "stick", stung: "sting",
  struck: "strike", swore: "swear", sworn: "swear", swept: "sweep", swung: "swing", tore: "tear", torn: "tear",
  woke: "wake", woken: "wake", wove: "weave", woven: "weave", wept: "weep", withdrew: "withdraw",
  withdrawn: "withdraw", overcame: "overcome", undertook: "undertake", undertaken: "undertake", oversaw: "oversee",
  overseen: "oversee", forbade: "forbid", forbidden: "forbid", foresaw: "foresee", foreseen: "foresee",
  dreamt: "dream", burnt: "burn", learnt: "learn", spelt: "spell", spilt: "spill", smelt: "smell",
  crept: "creep", fed: "feed", sped: "speed", stank: "stink", strove: "strive",
  wrung: "wring", clung: "cling", flung: "fling", slung: "sling", span: "spin", sewn: "sew", shown: "show",
  sown: "sow", proven: "prove", thrown: "throw", outgrew: "outgrow", rebuilt: "rebuild",
  retold: "retell", resold: "resell", upheld: "uphold", withheld: "withhold"
}

/** Words ending in -ing that are not verb forms. */
const ING_WORDS = new Set(["bring", "ring", "sing", "sting", "spring", "string", "swing", "thing", "king", "wing", "cling", "fling", "sling", "wring", "ping", "bing", "ding"])

const VOWEL = /[aeiouy]/
const isVowel = (c: string | undefined): boolean => c !== undefined && "aeiou".includes(c)
const isConsonant = (c: string | undefined): boolean => c !== undefined && /[a-z]/.test(c) && !isVowel(c)

const syllables = (w: string): number => (w.match(/[aeiouy]+/g) ?? []).length

/** Endings of a multi-syllable stem that took a silent -e before -ed/-ing (relocat-ed, manag-ed). */
const E_ENDINGS = ["at", "iz", "is", "ag", "ac", "uc", "ud", "ir", "ur", "in", "ot", "ut", "id", "od", "rg", "dg", "aus", "ais", "eas", "ois", "ous"]

/** Whether a stem left by removing -ed / -ing needs its silent -e back. */
const needsE = (stem: string): boolean => {
  const last = stem[stem.length - 1]
  if (last === undefined) return false
  if (last === "v") return true
  if (last === "c") return true
  if (/[bcdfgkptz]l$/.test(stem)) return true
  if (syllables(stem) === 1) {
    // one syllable, consonant–vowel–consonant, not doubled: the -e was dropped (mov-ed, liv-ing, us-ed)
    const a = stem[stem.length - 3]
    const b = stem[stem.length - 2]
    if (/[wxy]/.test(last) || !isConsonant(last) || !isVowel(b)) return false
    return a === undefined || isConsonant(a)
  }
  return E_ENDINGS.some((e) => stem.endsWith(e) && !isVowel(stem[stem.length - e.length - 1]))
}

/** A stem with a doubled final consonant undoubled (stopp → stop), when English doubles it. */
const undouble = (stem: string): string => {
  const n = stem.length
  if (n >= 3 && stem[n - 1] === stem[n - 2] && /[bdgmnprtz]/.test(stem[n - 1]!)) return stem.slice(0, -1)
  return stem
}

/** One rule step; returns the word unchanged when no rule applies. */
const step = (w: string): string => {
  const irregular = Object.hasOwn(IRREGULAR, w) ? IRREGULAR[w] : undefined
  if (irregular !== undefined) return irregular
  const n = w.length
  if (n <= 3) return w
  if (w.endsWith("ies") && n > 4) return w.slice(0, -3) + "y"
  if (w.endsWith("ied") && n > 4) return w.slice(0, -3) + "y"
  if (w.endsWith("ing") && !ING_WORDS.has(w)) {
    const stem = w.slice(0, -3)
    if (stem.length < 2 || !VOWEL.test(stem)) return w
    const u = undouble(stem)
    if (u !== stem) return u
    return needsE(stem) ? stem + "e" : stem
  }
  if (w.endsWith("eed")) return w
  if (w.endsWith("ued") || w.endsWith("oed")) return w.slice(0, -1)
  if (w.endsWith("ed")) {
    const stem = w.slice(0, -2)
    if (stem.length < 2 || isVowel(stem[stem.length - 1]) || !VOWEL.test(stem)) return w
    const u = undouble(stem)
    if (u !== stem) return u
    return needsE(stem) ? stem + "e" : stem
  }
  if (w.endsWith("es") && /(?:[sxz]|ch|sh|o)es$/.test(w) && n > 4) return w.slice(0, -2)
  if (w.endsWith("s") && !/(?:ss|us|is|ous)$/.test(w)) return w.slice(0, -1)
  return w
}

/**
 * The lemma of a lowercase word.
 * Laws: `lemma(lemma(w)) == lemma(w)` (idempotent: the rules are applied to a fixed point);
 * deterministic; never longer than the word except by the silent -e of a stem (moving → move).
 * @complexity O(|w|²) worst case, O(|w|) in practice
 */
export const lemma = (word: string): string => {
  let w = word
  // every rule but the irregular table shortens the word, and irregular lemmas are fixed points
  for (let i = 0; i <= word.length + 1; i++) {
    const next = step(w)
    if (next === w) return w
    w = next
  }
  return w
}

/** Whether a word is a participle or gerund form (-ed, -ing, irregular participles). */
export const isParticiple = (word: string): boolean =>
  (word.length > 4 && (word.endsWith("ed") || word.endsWith("ing")) && !ING_WORDS.has(word) && !word.endsWith("eed")) ||
  PARTICIPLES.has(word)

const PARTICIPLES = new Set([
  "born", "been", "done", "gone", "left", "sold", "bought", "met", "taught", "made", "taken", "got", "gotten",
  "seen", "known", "grown", "held", "kept", "led", "lost", "paid", "told", "won", "written", "driven", "given",
  "found", "built", "brought", "caught", "chosen", "hung", "sent", "spent", "worn", "wed", "wedded", "quit",
  "drawn", "blown", "broken", "bitten", "bound", "drunk", "forgiven", "frozen", "hidden", "laid", "lit", "mistaken",
  "risen", "sought", "shaken", "stolen", "stuck", "struck", "sworn", "torn", "woken", "woven", "withdrawn", "fed",
  "shown", "proven", "thrown"
])
