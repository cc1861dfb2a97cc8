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

// "Four Steps: Customer validation" for each other framework in the row.
export function alsoCalled(rules, row, except) {
  if (!row) return [];
  const frameworks = new Map((rules.frameworks || []).map((f) => [f.id, f]));
  const either = new Intl.ListFormat(language(), { type: "disjunction" }); // "A or B", "A o B"
  return Object.entries(row.stages)
    .filter(([fid]) => fid !== except && frameworks.has(fid))
    .map(([fid, ids]) => t("{framework}: {stages}", { framework: frameworks.get(fid).title, stages: either.format(ids.map((id) => frameworks.get(fid).stages.find((s) => s.id === id).title)) }));
}
