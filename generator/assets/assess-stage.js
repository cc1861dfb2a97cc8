// One stage view, derived from the crosswalk: the reader's stage in the main framework
// (crosswalk.yaml `main`), and what the same period is called in the others.

import { language, t } from "./i18n.js";

export function mainFramework(rules) {
  const frameworks = rules.frameworks || [];
  const first = (rules.crosswalk || [])[0];
  const id = rules.crosswalk_main || (first && Object.keys(first.stages)[0]) || (frameworks[0] && frameworks[0].id);
  return frameworks.find((f) => f.id === id) || null;
}

export function mainStage(rules, result) {
  const framework = mainFramework(rules);
  if (!framework || !result.stages || !result.stages[framework.id]) return null;
  const stage = framework.stages.find((s) => s.id === result.stages[framework.id]);
  const row = rowOf(rules, framework.id, stage.id);
  return { framework, stage, row, detail: (result.stage_details || {})[framework.id] };
}

export function rowOf(rules, frameworkId, stageId) {
  return (rules.crosswalk || []).find((r) => (r.stages[frameworkId] || []).includes(stageId)) || null;
}

// Where a framework's own result sits against a crosswalk row: "in" it, or in an "earlier" or
// "later" row only; null while the answers leave that framework's stage open (or the crosswalk
// does not list it). A stage may span several rows: it is in the row when the row lists it.
export function placeOf(rules, row, frameworkId, result) {
  const detail = (result.stage_details || {})[frameworkId];
  if (!row || !detail || !detail.settled) return null;
  if ((row.stages[frameworkId] || []).includes(detail.stage)) return "in";
  const rows = rules.crosswalk || [];
  const listed = rows.flatMap((r, index) => ((r.stages[frameworkId] || []).includes(detail.stage) ? [index] : []));
  if (!listed.length) return null;
  return listed[0] > rows.indexOf(row) ? "later" : "earlier";
}

// "Four Steps: Customer validation" for each other framework in the row, leaving out a framework
// whose own answers place the reader in another period: the line names the reader's period, and
// must not contradict what the same answers say a few lines below.
export function alsoCalled(rules, row, except, result) {
  if (!row) return [];
  const frameworks = new Map((rules.frameworks || []).map((f) => [f.id, f]));
  const either = new Intl.ListFormat(language(), { type: "disjunction" }); // "A or B", "A o B"
  return Object.entries(row.stages)
    .filter(([fid]) => fid !== except && frameworks.has(fid) && ["in", null].includes(placeOf(rules, row, fid, result)))
    .map(([fid, ids]) => t("{framework}: {stages}", { framework: frameworks.get(fid).title, stages: either.format(ids.map((id) => frameworks.get(fid).stages.find((s) => s.id === id).title)) }));
}
