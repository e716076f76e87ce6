// The widget's own d3 and dagre, bundled in (scripts/build_assets.py injects this module): the page's
// modules read `globalThis.d3` and `globalThis.dagre`, which the bundle turns into these names, so a
// notebook's own globals are neither read nor written.

import dagre from "@dagrejs/dagre";
import * as d3 from "d3";

export { d3 as bundledD3, dagre as bundledDagre };
