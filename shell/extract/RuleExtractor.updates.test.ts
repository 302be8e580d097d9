/**
 * Tests of the rule extractor on updates told in general English, one block per construction:
 * role changes, corrections and retractions, placing things, attribute updates, leading time
 * phrases, job changes to organisations, plural possessive labels — each with sentences that
 * must give nothing, and the cues that must not be over-read.
 */
import { describe, expect, it } from "vitest"
import * as RuleExtractor from "./RuleExtractor.ts"
import { row } from "./testing.ts"

const rules = RuleExtractor.make()


const JUNE_15_2023 = Date.UTC(2023, 5, 15, 9, 30)
const context = { speaker: "Kim", time: JUNE_15_2023 }

/** The rows of one sentence read on its own. */
const read = (text: string) => rules.extract(text, context).map(row)

/** The rows of each turn read in one discourse. */
const talk = (turns: ReadonlyArray<string>) => {
  const d = rules.discourse()
  return turns.map((text) => d.read(text, context).map(row))
}

describe("role changes", () => {
  it.each([
    ["Maria succeeded Tom as chair of the board.", [["Maria", "chair of", "board", "change"], ["Tom", "chair of", "board", "negated", "change"]]],
    ["Priya took over from Raj as head of the lab.", [["Priya", "head of", "lab", "change"], ["Raj", "head of", "lab", "negated", "change"]]],
    ["Lee replaced Tom as captain of the Sharks.", [["Lee", "captain of", "Sharks", "change"], ["Tom", "captain of", "Sharks", "negated", "change"]]],
    ["Hannah followed Gregor as principal of Hillside School.", [["Hannah", "principal of", "Hillside School", "change"], ["Gregor", "principal of", "Hillside School", "negated", "change"]]]
  ])("Y succeeded/took over from/replaced X as R of Z: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it.each([
    ["Lena was named CEO of Globex.", [["Lena", "ceo of", "Globex", "change"]]],
    ["Omar was appointed the coach of the Tigers.", [["Omar", "coach of", "Tigers", "change"]]],
    ["Ines was elected mayor of Lyon in 2020.", [["Ines", "mayor of", "Lyon", "change", "from 2020-01-01"]]],
    ["Sam was made captain of the Hawks.", [["Sam", "captain of", "Hawks", "change"]]],
    ["Bea was appointed as treasurer of the chess club.", [["Bea", "treasurer of", "chess club", "change"]]],
    ["Rita was promoted to CEO of Umbra.", [["Rita", "ceo of", "Umbra", "change"]]],
    ["Tom took over as manager of the cafe last week.", [["Tom", "manager of", "cafe", "change", "from 2023-06-08"]]]
  ])("Y was named/appointed/elected/made (the) R of Z, took over as R of Z: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it.each([
    ["Acme has a new CEO, Dana Reyes.", [["Dana Reyes", "ceo of", "Acme", "change"]]],
    ["The Sharks have a new coach: Pete Olsen.", [["Pete Olsen", "coach of", "Sharks", "change"]]],
    ["Yara is the new captain of the Falcons.", [["Yara", "captain of", "Falcons", "change"]]],
    ["The new CEO of Initech is Bill Lumbergh.", [["Bill Lumbergh", "ceo of", "Initech", "change"]]],
    ["Hooli's new CTO is Gilfoyle.", [["Gilfoyle", "cto of", "Hooli", "change"]]],
    ["I have a new boss, Tom Hale.", [["Tom Hale", "boss of", "Kim", "change"]]],
    ["The mayor of Lyon is Anne Roux.", [["Anne Roux", "mayor of", "Lyon"]]]
  ])("Z has a new R, Y / Y is the new R of Z / Z's new R is Y: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("serving as a role is a role held, not a change; a role with no group names nothing", () => {
    expect(read("Ana serves as chair of the council.")).toStrictEqual([["Ana", "chair of", "council"]])
    expect(read("Tom was made redundant.")).toStrictEqual([])
    expect(read("Sam was elected captain.")).toStrictEqual([])
    expect(read("Lee replaced Tom.")).toStrictEqual([["Lee", "replaced", "Tom", "change"]])
  })
})

describe("corrections and retractions", () => {
  it.each([
    ["Correction: Ana lives in Porto.", "Ana", "Porto"],
    ["Sorry, I got that wrong: Ben works at Initech.", "Ben", "Initech"],
    ["Actually, Carla lives in Braga.", "Carla", "Braga"],
    ["Actually Dev works at Hooli.", "Dev", "Hooli"],
    ["To be clear, Emil lives in Aarhus.", "Emil", "Aarhus"],
    ["I mean Farah lives in Oslo.", "Farah", "Oslo"],
    ["No wait, Goran lives in Split.", "Goran", "Split"],
    ["My mistake, Hiro works at Sony.", "Hiro", "Sony"]
  ])("a leading correction marks the clause as a change: %s", (text, subject, object) => {
    const out = rules.extract(text, context)
    expect(out.map((x) => [x.subject, x.object, x.change])).toStrictEqual([[subject, object, true]])
    expect(out[0]!.negated).toBe(false)
  })

  it("the same clause without a correction carries no change cue", () => {
    expect(read("Ben works at Initech.")).toStrictEqual([["Ben", "works at", "Initech"]])
    expect(read("Emil lives in Aarhus.").map((r) => r.includes("change"))).toStrictEqual([false])
  })

  it("a correction said on its own applies to the next sentence, and only to it", () => {
    const [a, b, c] = talk(["Sorry, I got that wrong.", "Ben works at Initech.", "Ben likes tea."])
    expect(a).toStrictEqual([])
    expect(b).toStrictEqual([["Ben", "works at", "Initech", "change"]])
    expect(c).toStrictEqual([["Ben", "likes", "tea"]])
    expect(talk(["My mistake.", "Sofia lives in Turin."])[1]).toStrictEqual([["Sofia", "lives in", "Turin", "change"]])
  })

  it.each([
    ["Ben works at Initech, not Hooli.", [["Ben", "works at", "Initech", "change"], ["Ben", "works at", "Hooli", "negated", "change"]]],
    ["Ana lives in Porto, not in Lisbon.", [["Ana", "lives in", "Porto", "change"], ["Ana", "lives in", "Lisbon", "negated", "change"]]],
    ["Carla works for Globex rather than Initech.", [["Carla", "works for", "Globex", "change"], ["Carla", "works for", "Initech", "negated", "change"]]],
    ["Mei is a nurse, not a doctor.", [["Mei", "is a", "nurse", "change"], ["Mei", "is a", "doctor", "negated", "change"]]],
    ["Correction: Omar lives in Cairo, not Giza.", [["Omar", "lives in", "Cairo", "change"], ["Omar", "lives in", "Giza", "negated", "change"]]]
  ])("X R A, not B → (X, R, A, change) and (X, R, B, negated, change): %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("phrases that only look like corrections change nothing", () => {
    expect(read("Sorry, I can't come.")).toStrictEqual([])
    expect(read("Maybe Tom lives in Oslo, I don't know.")).toStrictEqual([])
    expect(read("Now that you mention it, Tom lives in Oslo.").map((r) => r.includes("change"))).toStrictEqual([false])
  })
})

describe("placing things", () => {
  it.each([
    ["I left the keys on the table.", [["keys", "is on", "table", "change"]]],
    ["I put my wallet in the drawer.", [["wallet", "is in", "drawer", "change"]]],
    ["Mia placed the vase on the shelf.", [["vase", "is on", "shelf", "change"]]],
    ["Dad stored the bikes in the garage.", [["bikes", "is in", "garage", "change"]]],
    ["Tomek hid the letter under the bed.", [["letter", "is under", "bed", "change"]]],
    ["I put the milk back in the fridge.", [["milk", "is in", "fridge", "change"]]],
    ["Jun slipped the note into my coat.", [["note", "is in", "coat", "change"]]],
    ["We keep the passports in the safe.", [["passports", "is in", "safe"]]],
    ["Someone moved the lamp to the bedroom.", [["lamp", "is in", "bedroom", "change"]]],
    ["Grandma moved the sofa to the attic.", [["sofa", "is in", "attic", "change"]]],
    ["The piano was moved to the hall.", [["piano", "is in", "hall", "change"]]],
    ["The spare keys were left under the mat.", [["spare keys", "is under", "mat", "change"]]]
  ])("the thing is where it was put: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("a placing verb needs no named agent, and the core's location family reads each preposition", () => {
    // no speaker: "I" is not resolved, but where the thing is does not depend on who put it there
    expect(rules.extract("I left the charger on the desk.").map(row)).toStrictEqual([["charger", "is on", "desk", "change"]])
    expect(rules.extract("Someone stole my bike.")).toStrictEqual([])
  })

  it("people, jobs, idioms and states are not things put somewhere", () => {
    expect(read("She left the office in a hurry.")).toStrictEqual([])
    expect(read("I put a lot of effort into the project.").some((r) => r[1] === "is in")).toBe(false)
    expect(read("Ola left Tomasz at the station.").some((r) => String(r[1]).startsWith("is "))).toBe(false)
    expect(read("Tom left his job at the bank.")).toStrictEqual([["Tom", "works at", "bank", "negated", "change"]])
    expect(read("Ana moved to Paris.")).toStrictEqual([["Ana", "moved to", "Paris", "change"]])
  })
})

describe("attribute updates", () => {
  it.each([
    ["These days, Ana's favourite band is Muse.", [["Ana", "favourite band", "Muse", "change"]]],
    ["Nowadays Tom's favourite food is sushi.", [["Tom", "favourite food", "sushi", "change"]]],
    ["Lately, Priya's phone number is 555-1234.", [["Priya", "phone number", "555-1234", "change"]]],
    ["Now Omar's car is the blue one.", [["Omar", "car", "blue one", "change"]]],
    ["Ivo's email is ivo@example.org these days.", [["Ivo", "email", "ivo@example.org", "change"]]]
  ])("a leading or trailing 'these days / nowadays / lately / now' marks a new value: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it.each([
    ["Ana has a new phone number: 555-0000.", [["Ana", "phone number", "555-0000", "change"]]],
    ["Tom got a new car, a Tesla.", [["Tom", "car", "Tesla", "change"]]],
    ["Lars has a new dog, Biscuit.", [["Lars", "dog", "Biscuit", "change"]]],
    ["Lina changed her number to 555-9876.", [["Lina", "number", "555-9876", "change"]]],
    ["Pablo changed his email to pablo@mail.es.", [["Pablo", "email", "pablo@mail.es", "change"]]],
    ["I changed my address to 4 Elm Road.", [["Kim", "address", "4 Elm Road", "change"]]]
  ])("X has/got a new A: Y, X changed her A to Y → (X, A, Y, change): %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("without a change cue the same attribute is a plain statement", () => {
    expect(read("Ana's favourite band is Muse.")).toStrictEqual([["Ana", "favourite band", "Muse"]])
  })
})

describe("leading time phrases", () => {
  it.each([
    ["Back in 2016, Ana lived in Madrid.", [["Ana", "lived in", "Madrid", "from 2016-01-01"]]],
    ["Way back in 2010 Tom worked at Acme.", [["Tom", "worked at", "Acme", "from 2010-01-01"]]],
    ["As of 2021, Priya lives in Delhi.", [["Priya", "lives in", "Delhi", "from 2021-01-01"]]],
    ["Since last spring Omar has lived in Cairo.", [["Omar", "lived in", "Cairo", "from 2023-03-01"]]],
    ["Last winter, Lina lived in Riga.", [["Lina", "lived in", "Riga", "from 2022-12-01"]]],
    ["In the summer of 2019 Ravi moved to Pune.", [["Ravi", "moved to", "Pune", "change", "from 2019-06-01"]]],
    ["Around 2005, Jo worked at Fiat.", [["Jo", "worked at", "Fiat"]]]
  ])("date the clause and leave its subject whole: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })
})

describe("jobs", () => {
  it.each([
    ["Ana moved to Cyberdyne Systems.", [["Ana", "works at", "Cyberdyne Systems", "change"]]],
    ["Ravi switched to Globex Logistics in 2022.", [["Ravi", "works at", "Globex Logistics", "change", "from 2022-01-01"]]],
    ["Jo moved to Northside Hospital.", [["Jo", "works at", "Northside Hospital", "change"]]]
  ])("S switched/moved to an organisation → (S, works at, O, change): %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("a name the discourse told as an employer, or a switch by someone whose job was told", () => {
    const [, b] = talk(["Ola works at Globex.", "Marek moved to Globex."])
    expect(b).toStrictEqual([["Marek", "works at", "Globex", "change"]])
    const [, d] = talk(["Tom works at Initech.", "He switched to Hooli."])
    expect(d).toStrictEqual([["Tom", "works at", "Hooli", "change"]])
  })

  it("a move to a place stays a move; a switch to a thing stays a switch", () => {
    expect(read("Tom switched to decaf.")).toStrictEqual([["Tom", "switched to", "decaf", "change"]])
    expect(read("Tom switched to Globex.")).toStrictEqual([["Tom", "switched to", "Globex", "change"]])
    const [, b] = talk(["Tom works at Initech and lives in Oslo.", "He moved to Bergen."])
    expect(b).toStrictEqual([["Tom", "moved to", "Bergen", "change"]])
  })

  it("S left X for Y: the old job or home ends and the new one begins", () => {
    expect(read("Ben left Umbrella Corp for Acme Labs.")).toStrictEqual([
      ["Ben", "works at", "Umbrella Corp", "negated", "change"],
      ["Ben", "works at", "Acme Labs", "change"]
    ])
    const [, b] = talk(["Nadia lives in Lyon.", "She left Lyon for Nantes."])
    expect(b).toStrictEqual([["Nadia", "lives in", "Lyon", "negated", "change"], ["Nadia", "lives in", "Nantes", "change"]])
  })

  it("started working at / has a job at / got a job at / is a designer at", () => {
    expect(read("Lisa started working at Initech.")).toStrictEqual([["Lisa", "works at", "Initech", "change"]])
    expect(read("Raj has a job at Hooli.")).toStrictEqual([["Raj", "works at", "Hooli", "change"]])
    expect(read("Eva got a job at Stark Industries.")).toStrictEqual([["Eva", "works at", "Stark Industries", "change"]])
    expect(read("Noor is a designer at Pixar Studio.")).toStrictEqual([["Noor", "is a", "designer"], ["Noor", "works at", "Pixar Studio"]])
  })
})

describe("plural possessive labels", () => {
  it.each([
    ["The tenants' association meets in the hall.", [["tenants' association", "meets in", "hall"]]],
    ["The Smiths' house is on Elm Street.", [["Smiths' house", "is on", "Elm Street"]]],
    ["The kids' toys are under the bed.", [["kids' toys", "is under", "bed"]]]
  ])("keep the whole name: %s", (text, expected) => {
    expect(read(text)).toStrictEqual(expected)
  })

  it("a singular possessive keeps its owner apart, as before", () => {
    expect(read("Tom's car is in the garage.")).toStrictEqual([["car", "is in", "garage"]])
  })
})
