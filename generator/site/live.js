// The live preview (`generator serve`) only: the preview server adds this script to the pages it
// serves; a built site never carries it. It listens to the preview's event stream (live.py): when a
// newer build succeeds the page reloads itself; when a rebuild fails, the page keeps the last good
// build and shows the problems over it, as text, until a fixed file builds.
(() => {
  const script = document.currentScript;
  const shown = script ? script.dataset.kbBuild : "";
  const OVERLAY = "kb-live-problems";

  function hide() {
    const overlay = document.getElementById(OVERLAY);
    if (overlay) overlay.remove();
  }

  function element(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.assign(node.style, style || {});
    return node;
  }

  function show(problems) {
    hide();
    const overlay = element("section", "", {
      position: "fixed", left: "0.5rem", right: "0.5rem", bottom: "0.5rem", zIndex: "1000", maxHeight: "60vh",
      overflow: "auto", padding: "0.8rem 1rem", background: "#fff8f6", color: "#3b0b05", border: "2px solid #b3261e",
      borderRadius: "0.3rem", boxShadow: "0 0.2rem 1rem rgba(0, 0, 0, 0.3)", font: "0.7rem/1.45 system-ui, sans-serif",
    });
    overlay.id = OVERLAY;
    overlay.setAttribute("role", "alert");
    overlay.dataset.kbLive = "problems";
    overlay.append(
      element("strong", "The last edit did not build", { display: "block", fontSize: "0.85rem" }),
      element("p", "This is the last good build. Fix the file and save: the page reloads by itself.", { margin: "0.2rem 0 0.5rem" }),
    );
    const list = element("ul", "", { margin: "0", padding: "0", listStyle: "none" });
    for (const problem of problems) {
      const item = element("li", "", { margin: "0.3rem 0", overflowWrap: "anywhere" });
      item.dataset.kbLive = "problem";
      if (problem.where) item.append(element("code", problem.where, { fontWeight: "bold", whiteSpace: "nowrap" }), ": ");
      item.append(problem.message);
      list.append(item);
    }
    overlay.append(list);
    document.body.append(overlay);
  }

  const events = new EventSource("/__kb/events");
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (state.problems.length) show(state.problems);
    else if (state.build !== shown) location.reload();
    else hide();
  };
})();
