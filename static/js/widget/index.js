// The notebook widget's entry (anywidget's front-end contract: a default export with `render`).
// Bundled with everything it imports into one ES module by the package's build
// (scripts/build_assets.py); app/notebook.py is the Python side.

import { ExplorerWidget } from "./explorer-widget.js";

export default {
  render({ model, el }) {
    const widget = new ExplorerWidget(model, el);
    return () => widget.destroy();
  },
};
