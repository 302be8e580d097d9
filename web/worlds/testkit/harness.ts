/**
 * The browser tests' page: the Worlds tab and the GPU tab mounted side by side, without the
 * server (the worlds and the GPU check run on the pure core in the page). The handles are left
 * on `window.harness` for the tests to read.
 */
import { checkGpu, mountGpu } from "../../gpu/index.ts"
import { mountWorlds } from "../index.ts"

const worlds = mountWorlds(document.getElementById("worlds")!)
const gpu = mountGpu(document.getElementById("gpu")!)
Object.assign(window, { harness: { worlds, gpu, checkGpu } })
