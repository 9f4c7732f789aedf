// rlhf4j annotate: the lead's dashboard (admin tokens): progress, agreement, the pairs with most disagreement.
// Every text from the server is shown with textContent, never parsed as HTML.
'use strict';

import { api } from './api-client.js';

const $ = (id) => document.getElementById(id);

function kappa(value) {
  return value === null || value === undefined ? 'undefined' : value.toFixed(3);
}

function fill(tableId, rows) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  for (const values of rows) {
    const row = document.createElement('tr');
    for (const value of values) {
      const cell = document.createElement('td');
      cell.textContent = String(value);
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
}

function when(instant) {
  return instant ? instant.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/** Loads the dashboard's data and shows it. */
export async function load(show) {
  const { status: code, json } = await api('GET', '/api/admin/progress');
  if (code !== 200) {
    $('status').textContent = (json && json.error) || ('The server answered ' + code);
    return;
  }
  $('progress').textContent = '';
  $('admin-summary').textContent = json.pairs + ' pairs, ' + json.annotators_per_pair + ' annotator(s) each; '
    + json.labels + ' current labels, ' + json.changes + ' changes in the history';
  fill('admin-progress', json.annotators.map((a) => [a.name, a.labelled, a.assigned,
    a.assigned ? Math.round(100 * a.labelled / a.assigned) + '%' : '', a.changes, when(a.last_change),
    a.token + (a.token === 'active' && a.expires_at ? ' until ' + when(a.expires_at) : '')]));
  const better = json.agreement.better;
  const harmless = json.agreement.more_harmless;
  fill('admin-fleiss', [['better', kappa(better.fleiss_kappa), better.shared_pairs],
    ['more harmless', kappa(harmless.fleiss_kappa), harmless.shared_pairs]]);
  const harmlessByPair = new Map(harmless.cohen_kappa.map((c) => [c.annotator_1 + '\u0000' + c.annotator_2, c.kappa]));
  fill('admin-cohen', better.cohen_kappa.map((c) => [c.annotator_1, c.annotator_2, c.shared_pairs, kappa(c.kappa),
    kappa(harmlessByPair.get(c.annotator_1 + '\u0000' + c.annotator_2))]));
  fill('admin-disagreements', json.disagreements.map((d) => [d.pair_id,
    d.prompt.length > 80 ? d.prompt.slice(0, 79) + '\u2026' : d.prompt, d.votes.A, d.votes.B, d.votes.tie,
    d.disagreement.toFixed(3)]));
  $('admin').dataset.loaded = String(Date.now());
  show('admin');
}
