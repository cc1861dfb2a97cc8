// The self-assessment widget (CONTRACT.md §7).
//
// Runs once per page load; Material's instant navigation swaps page content
// without reloading scripts, so the widget mounts on every `document$`
// emission that brings an #kb-assess element, while one Pyodide worker lives
// for the whole visit. Every text a founder sees is set with textContent:
// nothing from rules, answers or the URL is ever parsed as HTML.
(function () {
  "use strict";

  const script = document.currentScript;
  const assets = new URL(".", script ? script.src : location.href); // …/assets/kb/
  const siteRoot = new URL("../../", assets);
  const STATUS_WORDS = { met: "Met", not_met: "Not met", unknown: "Unknown" };

  let engine = null; // {worker, ready: Promise, rules}
  let view = null; // the mounted widget, if this page has one

  function startEngine() {
    if (engine) return engine;
    window.kbEngineStarted = true; // boot.js must not start a second runtime on a later visit
    const state = { progress: "Loading the self-assessment…", listeners: new Set(), pending: new Map(), nextId: 1 };
    state.rules = fetch(new URL("rules.json", assets)).then((response) => {
      if (!response.ok) throw new Error(`the rules could not be downloaded (HTTP ${response.status})`);
      return response.text();
    });
    state.ready = new Promise((resolve, reject) => {
      let worker;
      try {
        // boot.js, on the assessment page itself, may have started the worker before the theme's scripts ran.
        worker = window.kbEarlyWorker || new Worker(new URL("worker.js", assets), { type: "module" });
        window.kbEarlyWorker = null;
      } catch (error) {
        reject(new Error(`this browser cannot start the scoring worker (${error.message})`));
        return;
      }
      state.worker = worker;
      const limit = window.KB_ASSESS_TIMEOUT_MS || 30000;
      const timer = setTimeout(() => reject(new Error(`the Python engine did not start within ${Math.round(limit / 1000)} seconds`)), limit);
      worker.onerror = (event) => {
        clearTimeout(timer);
        reject(new Error(event.message || "the scoring worker could not be loaded"));
      };
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "progress") {
          state.progress = message.text;
          state.listeners.forEach((listener) => listener(message.text));
        } else if (message.type === "ready") {
          clearTimeout(timer);
          state.startupMs = message.ms;
          resolve();
        } else if (message.type === "error") {
          clearTimeout(timer);
          reject(new Error(message.message));
          state.pending.forEach(({ reject: fail }) => fail(new Error(message.message)));
          state.pending.clear();
        } else if (message.type === "result") {
          const waiting = state.pending.get(message.id);
          state.pending.delete(message.id);
          if (waiting) waiting.resolve(JSON.parse(message.payload));
        }
      };
      worker.postMessage({ type: "init" }); // the worker fetches the rules itself, side by side with Pyodide
    });
    state.ready.catch(() => {}); // reported by each view
    // The theme's search worker waits for this on the assessment page (defer-search.js).
    const announce = () => {
      if (!("BroadcastChannel" in window)) return;
      const channel = new BroadcastChannel("kb-engine");
      channel.postMessage("settled");
      channel.close();
    };
    state.ready.then(announce, announce);
    state.score = (answers) =>
      new Promise((resolve, reject) => {
        const id = state.nextId++;
        state.pending.set(id, { resolve, reject });
        state.worker.postMessage({ type: "score", id, answers: JSON.stringify(answers) });
      });
    engine = state;
    return state;
  }

  // ---- small DOM helpers (text only, never HTML) ----
  const el = window.kbEl; // site.js

  // ---- the form ----
  function buildForm(rules) {
    const form = el("form", { class: "kb-form", novalidate: true, "aria-label": "Your answers" });
    const inputs = new Map();
    for (const group of rules.groups) {
      const fieldset = el("fieldset", { class: "kb-form__group" }, el("legend", { text: group.title }));
      for (const question of rules.questions.filter((q) => q.group === group.id)) {
        const field = question.type === "boolean" ? booleanField(question) : numberField(question);
        inputs.set(question.id, field);
        fieldset.append(field.node);
      }
      form.append(fieldset);
    }
    form.addEventListener("submit", (event) => event.preventDefault());
    return { form, inputs };
  }

  function describedBy(question) {
    return `kb-${question.id}-help kb-${question.id}-error`;
  }

  function helpAndError(question) {
    const help = el("p", { class: "kb-q__help", id: `kb-${question.id}-help`, text: question.help });
    if (question.article) {
      help.append(" ", el("a", { href: new URL(question.article.page, siteRoot).href, text: `Read ${question.article.number}: ${question.article.title}` }));
    }
    return [
      help,
      el("p", { class: "kb-q__error", id: `kb-${question.id}-error`, hidden: true }),
    ];
  }

  function numberField(question) {
    const id = `kb-q-${question.id}`;
    const input = el("input", {
      type: "number",
      id,
      name: question.id,
      min: question.min,
      max: question.max,
      step: question.step || (question.type === "integer" ? 1 : "any"),
      inputmode: question.type === "integer" ? "numeric" : "decimal",
      "aria-describedby": describedBy(question),
    });
    const row = el("div", { class: "kb-q__row" }, input, question.unit ? el("span", { class: "kb-q__unit", text: question.unit }) : null);
    const node = el("div", { class: "kb-q", "data-question": question.id }, el("label", { for: id, text: question.label }), row, ...helpAndError(question));
    return {
      node,
      question,
      read() {
        if (input.validity && input.validity.badInput) return { error: "Enter a number, using digits." };
        if (input.value.trim() === "") return { value: undefined };
        return { value: Number(input.value) };
      },
      write(value) {
        input.value = value === undefined ? "" : String(value);
      },
    };
  }

  function booleanField(question) {
    const choices = [
      ["true", "Yes"],
      ["false", "No"],
      ["", "Not sure"],
    ];
    const radios = choices.map(([value, text]) => {
      const id = `kb-q-${question.id}-${value || "unknown"}`;
      const radio = el("input", { type: "radio", id, name: question.id, value, checked: value === "" });
      return el("span", { class: "kb-q__choice" }, radio, el("label", { for: id, text }));
    });
    const node = el(
      "fieldset",
      { class: "kb-q kb-q--boolean", "data-question": question.id, "aria-describedby": describedBy(question) },
      el("legend", { text: question.label }),
      el("div", { class: "kb-q__row" }, ...radios),
      ...helpAndError(question),
    );
    const all = () => Array.from(node.querySelectorAll("input[type=radio]"));
    return {
      node,
      question,
      read() {
        const checked = all().find((radio) => radio.checked);
        if (!checked || checked.value === "") return { value: undefined };
        return { value: checked.value === "true" };
      },
      write(value) {
        const wanted = value === true ? "true" : value === false ? "false" : "";
        all().forEach((radio) => (radio.checked = radio.value === wanted));
      },
    };
  }

  // ---- answers <-> URL fragment ----
  function readHash(inputs) {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const answers = {};
    for (const [key, raw] of params) {
      const field = inputs.get(key);
      if (!field) {
        answers[key] = raw; // the engine will name it as unknown
      } else if (field.question.type === "boolean") {
        answers[key] = raw === "true" ? true : raw === "false" ? false : raw;
      } else if (raw !== "") {
        answers[key] = raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
      }
    }
    return answers;
  }

  function writeHash(answers) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(answers)) params.set(key, String(value));
    const hash = params.toString();
    const url = location.pathname + location.search + (hash ? `#${hash}` : "");
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  // ---- results ----
  function renderResults(view, result) {
    const { rules, results } = view;
    const titles = new Map(rules.milestones.map((m) => [m.id, m]));
    results.replaceChildren();

    const goal = result.next_goal ? titles.get(result.next_goal) : null;
    const next = el(
      "section",
      { class: "kb-next", "data-kb": "next-goal", "data-value": result.next_goal || "" },
      el("h2", { text: "Your next goal" }),
      goal
        ? el("p", { class: "kb-next__goal" }, el("a", { href: new URL(goal.page, siteRoot).href, text: `${goal.id}: ${goal.title}` }))
        : el("p", { class: "kb-next__goal", text: "None: every milestone is met." }),
      el("p", { class: "kb-next__why", text: result.next_goal_why }),
    );
    results.append(next);

    const ladder = el("ol", { class: "kb-ladder" });
    for (const [id, outcome] of Object.entries(result.milestones)) {
      const milestone = titles.get(id);
      ladder.append(
        el(
          "li",
          { class: `kb-ladder__step kb-ladder__step--${outcome.status}`, "data-kb": "milestone", "data-id": id, "data-status": outcome.status },
          el("span", { class: "kb-badge", text: STATUS_WORDS[outcome.status] || outcome.status }),
          el("a", { class: "kb-ladder__title", href: new URL(milestone.page, siteRoot).href, text: `${id}: ${milestone.title}` }),
          milestone.optional ? el("span", { class: "kb-ladder__optional", text: "optional" }) : null,
          el("p", { class: "kb-ladder__why", text: outcome.why }),
        ),
      );
    }
    results.append(el("section", { class: "kb-milestones" }, el("h2", { text: "Milestones" }), ladder));

    if (result.next_goal_change) {
      next.append(el("p", { class: "kb-next__change", "data-kb": "next-change" }, el("strong", { text: "Smallest step: " }), el("span", { text: result.next_goal_change.text })));
    }

    const frameworks = new Map((rules.frameworks || []).map((f) => [f.id, f]));
    const stages = Object.entries(result.stage_details || {});
    if (stages.length) {
      const list = el("ul", { class: "kb-stages" });
      for (const [fid, detail] of stages) {
        const framework = frameworks.get(fid);
        const stage = framework.stages.find((s) => s.id === detail.stage);
        const row = (rules.crosswalk || []).find((r) => (r.stages[fid] || []).includes(detail.stage));
        const same = row
          ? Object.entries(row.stages)
              .filter(([other]) => other !== fid && frameworks.has(other))
              .map(([other, ids]) => `${frameworks.get(other).title}: ${ids.map((id) => frameworks.get(other).stages.find((s) => s.id === id).title).join(", ")}`)
          : [];
        list.append(
          el(
            "li",
            { class: "kb-stage", "data-kb": "stage", "data-framework": fid, "data-value": detail.stage, "data-settled": String(detail.settled) },
            el("span", { class: "kb-stage__framework", text: framework.title }),
            el("a", { class: "kb-stage__title", href: new URL(stage.page, siteRoot).href, text: stage.title }),
            el("p", { class: "kb-stage__why", text: detail.why }),
            same.length ? el("p", { class: "kb-stage__crosswalk", text: `Same period elsewhere: ${same.join("; ")}.` }) : null,
          ),
        );
      }
      results.append(el("section", { class: "kb-section" }, el("h2", { text: "Your stage in each framework" }), list));
    }

    const flags = result.flags || [];
    const flagSection = el("section", { class: "kb-section" }, el("h2", { text: "Warnings" }));
    if (flags.length) {
      const list = el("ul", { class: "kb-flags" });
      for (const flag of flags) {
        list.append(
          el(
            "li",
            { class: "kb-flag", "data-kb": "flag", "data-id": flag.id },
            el("a", { class: "kb-flag__title", href: new URL(flag.see[0], siteRoot).href, text: flag.title }),
            el("p", { class: "kb-flag__why", text: flag.why }),
          ),
        );
      }
      flagSection.append(list);
    } else {
      flagSection.append(el("p", { class: "kb-muted", text: "None raised by the answers so far." }));
    }
    results.append(flagSection);

    const checklists = Object.entries(result.checklists || {});
    if (checklists.length) {
      const titles = new Map((rules.checklists || []).map((c) => [c.id, c]));
      const labels = new Map(rules.questions.map((q) => [q.id, q.label]));
      const list = el("ul", { class: "kb-checklists" });
      for (const [cid, score] of checklists) {
        const checklist = titles.get(cid);
        const item = el(
          "li",
          { "data-kb": "checklist", "data-id": cid, "data-yes": score.yes, "data-of": score.of },
          el("a", { href: new URL(checklist.page, siteRoot).href, text: checklist.title }),
          el("span", { text: `: ${score.yes} of ${score.of} yes` + (score.unanswered.length ? `, ${score.unanswered.length} not answered` : "") }),
        );
        if (score.unanswered.length) {
          const open = el("ul", { class: "kb-checklists__open" });
          score.unanswered.forEach((qid) => open.append(el("li", { text: labels.get(qid) || qid })));
          item.append(el("details", {}, el("summary", { text: "Not answered yet" }), open));
        }
        list.append(item);
      }
      results.append(el("section", { class: "kb-section" }, el("h2", { text: "Checklists" }), list));
    }

    const warnings = result.warnings || [];
    if (warnings.length) {
      const list = el("ul", { class: "kb-warnings" });
      warnings.forEach((w) => list.append(el("li", { "data-kb": "warning", "data-id": w.id }, el("strong", { text: w.message }), el("span", { text: ` ${w.why}` }))));
      results.append(el("section", { class: "kb-section" }, el("h2", { text: "Answers to double-check" }), list));
    }

    const reading = result.reading || [];
    if (reading.length) {
      const list = el("ul", { class: "kb-reading" });
      for (const item of reading) {
        list.append(
          el(
            "li",
            { "data-kb": "reading", "data-id": item.number },
            el("a", { href: new URL(item.page, siteRoot).href, text: `${item.number} ${item.title}` }),
            el("span", { class: "kb-muted", text: ` (${item.why})` }),
          ),
        );
      }
      results.append(el("section", { class: "kb-section kb-section--reading" }, el("h2", { text: "Read next" }), list));
    }

    const announcement = goal ? `Next goal: ${goal.id}, ${goal.title}.` : "Every milestone is met.";
    if (view.announcer.textContent !== announcement) view.announcer.textContent = announcement;
  }

  function showProblems(view, problems, localErrors) {
    const byId = new Map();
    for (const [id, message] of localErrors) byId.set(id, message);
    for (const problem of problems) if (problem.id && !byId.has(problem.id)) byId.set(problem.id, problem.message);
    for (const [id, field] of view.inputs) {
      const box = field.node.querySelector(".kb-q__error");
      const message = byId.get(id);
      box.hidden = !message;
      box.textContent = message ? capitalise(message) : "";
      field.node.querySelectorAll("input").forEach((input) => (message ? input.setAttribute("aria-invalid", "true") : input.removeAttribute("aria-invalid")));
    }
    const general = problems.filter((problem) => !problem.id || !view.inputs.has(problem.id));
    view.problems.replaceChildren(...general.map((problem) => el("li", { text: problem.id ? `${problem.id}: ${problem.message}` : problem.message })));
    view.problems.hidden = general.length === 0;
  }

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // ---- the widget ----
  function currentAnswers(view, localErrors = []) {
    const answers = Object.assign({}, view.extra);
    for (const [id, field] of view.inputs) {
      const read = field.read();
      if (read.error) localErrors.push([id, read.error]);
      else if (read.value !== undefined) answers[id] = read.value;
    }
    return answers;
  }

  async function update(view) {
    const localErrors = [];
    const answers = currentAnswers(view, localErrors);
    writeHash(answers);
    if (!view.ready) return;
    const ticket = ++view.ticket;
    const started = performance.now();
    let reply = await engine.score(answers);
    let problems = [];
    if (!reply.ok) {
      // Show what is wrong, and score the answers that are fine meanwhile.
      problems = reply.problems;
      const rest = Object.assign({}, answers);
      problems.forEach((problem) => delete rest[problem.id]);
      reply = await engine.score(rest);
    }
    if (ticket !== view.ticket || view.root.dataset.kbState === "error") return; // a newer change is on its way
    view.root.dataset.kbScoreMs = (performance.now() - started).toFixed(1);
    showProblems(view, problems, localErrors);
    if (reply.ok) {
      view.lastResult = reply.result;
      renderResults(view, reply.result);
    }
    view.root.dataset.kbScores = String(Number(view.root.dataset.kbScores || 0) + 1);
  }

  function fail(root, error) {
    root.dataset.kbState = "error";
    const status = root.querySelector("[data-kb=status]");
    status.className = "kb-assess__status kb-assess__status--error";
    status.replaceChildren(
      el("strong", { text: "The self-assessment could not start. " }),
      el("span", { text: `Reason: ${error.message}. ` }),
      el("span", { text: "Reloading the page may help. You can also score the same questions on your own computer: " }),
      el("code", { text: "python -m generator score --answers answers.yaml" }),
    );
  }

  async function mount(root) {
    root.dataset.kbMounted = "true";
    root.dataset.kbState = "loading";
    const status = root.querySelector("[data-kb=status]");
    const state = startEngine();
    const onProgress = (text) => (status.textContent = text);
    onProgress(state.progress);
    state.listeners.add(onProgress);
    let rules;
    try {
      rules = JSON.parse(await state.rules);
    } catch (error) {
      state.listeners.delete(onProgress);
      fail(root, error);
      return;
    }
    const { form, inputs } = buildForm(rules);
    const results = el("div", { class: "kb-results", "data-kb": "results" });
    const problems = el("ul", { class: "kb-problems", "data-kb": "problems", hidden: true });
    const announcer = el("p", { class: "kb-visually-hidden", "aria-live": "polite", "data-kb": "announcer" });
    root.append(el("div", { class: "kb-assess__layout" }, form, el("div", { class: "kb-assess__side" }, problems, results)), announcer);
    const current = { root, rules, inputs, results, problems, announcer, ticket: 0, ready: false, extra: {} };
    view = current;

    const applyAnswers = (answers) => {
      current.extra = {};
      for (const [id, field] of inputs) field.write(answers[id]);
      for (const [id, value] of Object.entries(answers)) if (!inputs.has(id)) current.extra[id] = value;
      // Values the form cannot hold (text in a number box) still reach the engine, which names the problem.
      for (const [id, value] of Object.entries(answers)) if (inputs.has(id) && typeof value === "string") current.extra[id] = value;
    };
    const applyHash = () => applyAnswers(readHash(inputs));
    applyHash();
    const refresh = () => update(current).catch((error) => fail(root, error));
    form.addEventListener("input", () => {
      current.extra = {};
      refresh();
    });
    form.addEventListener("change", refresh);
    const onHashChange = () => {
      if (view !== current) return;
      applyHash();
      refresh();
    };
    window.addEventListener("hashchange", onHashChange);
    if (window.kbKeep) {
      const keep = window.kbKeep.toolbar({
        answers: () => currentAnswers(current),
        result: () => current.lastResult,
        apply: (answers) => {
          applyAnswers(answers);
          refresh();
        },
      });
      root.querySelector(".kb-assess__side").append(keep);
    }

    try {
      await state.ready;
    } catch (error) {
      state.listeners.delete(onProgress);
      fail(root, error);
      return;
    }
    state.listeners.delete(onProgress);
    if (!root.isConnected) return;
    current.ready = true;
    status.textContent = "Ready. Results update as you answer.";
    root.dataset.kbStartupMs = String(state.startupMs || 0);
    await refresh();
    if (root.dataset.kbState !== "error") root.dataset.kbState = "ready";
  }

  function onPage() {
    const root = document.getElementById("kb-assess");
    if (root && !root.dataset.kbMounted) mount(root);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
