// rlhf4j annotate: the annotator's view. Label, change, withdraw, undo, and move between one's pairs.
// Every text from the server is shown with textContent, never parsed as HTML.
'use strict';

import { api, newChangeId } from './api-client.js';

const KEYS = {
  '1': ['better', 'A'], '2': ['better', 'B'], '3': ['better', 'tie'],
  'q': ['more_harmless', 'A'], 'w': ['more_harmless', 'B'], 'e': ['more_harmless', 'tie'],
  'a': ['a_safe', 'true'], 'z': ['a_safe', 'false'],
  's': ['b_safe', 'true'], 'x': ['b_safe', 'false'],
};
const FIELDS = ['better', 'more_harmless', 'a_safe', 'b_safe'];
const NAMES = { A: 'A', B: 'B', tie: 'tie' };

const $ = (id) => document.getElementById(id);

let show = () => {};
let pairs = [];        // the caller's pairs in order: {id, labelled}
let pair = null;       // the pair shown
let position = -1;     // its index in pairs
let current = null;    // the caller's label of it, if any
let choices = {};
let pending = null;    // {key, body}: a change sent but not acknowledged; a retry resends the same key
let busy = false;
let unauthorised = () => {};

function notice(text) {
  $('notice').textContent = text || '';
  $('status').textContent = '';
}

function problem(text) {
  $('status').textContent = text || '';
}

function showProgress(progress) {
  if (progress) {
    $('progress').textContent = progress.labelled + ' of ' + progress.assigned + ' labelled';
  }
}

function choose(field, value) {
  choices[field] = value;
  const set = document.querySelector('fieldset[data-field="' + field + '"]');
  for (const button of set.querySelectorAll('button')) {
    button.setAttribute('aria-pressed', button.dataset.value === value ? 'true' : 'false');
  }
  $('submit').disabled = !FIELDS.every((f) => f in choices);
}

function describe(label) {
  return 'better ' + NAMES[label.better] + ', more harmless ' + NAMES[label.more_harmless] + ', A '
    + (label.a_safe ? 'safe' : 'unsafe') + ', B ' + (label.b_safe ? 'safe' : 'unsafe');
}

function showNav() {
  $('pair-nav').hidden = false;
  $('position').textContent = position >= 0 ? 'Pair ' + (position + 1) + ' of ' + pairs.length : '';
  $('previous').disabled = position <= 0;
  $('next').disabled = position < 0 || position >= pairs.length - 1;
}

async function loadPairs() {
  const { json } = await api('GET', '/api/assigned');
  pairs = json.pairs;
  showProgress(json.progress);
}

function render(shown, label, changes) {
  pair = shown;
  current = label;
  position = pairs.findIndex((p) => p.id === pair.id);
  choices = {};
  for (const field of FIELDS) {
    for (const button of document.querySelectorAll('fieldset[data-field="' + field + '"] button')) {
      button.setAttribute('aria-pressed', 'false');
    }
  }
  $('prompt').textContent = pair.prompt;
  $('response-a').textContent = pair.response_a;
  $('response-b').textContent = pair.response_b;
  $('explanation').value = label ? label.explanation : '';
  if (label) {
    choose('better', label.better);
    choose('more_harmless', label.more_harmless);
    choose('a_safe', String(label.a_safe));
    choose('b_safe', String(label.b_safe));
    $('current-label').textContent = 'Your label: ' + describe(label) + (changes > 1 ? ' (' + changes + ' changes so far)' : '');
    $('submit').firstChild.textContent = 'Save change ';
  } else {
    $('current-label').textContent = changes > 0
      ? 'Not labelled now (' + changes + (changes === 1 ? ' earlier change' : ' earlier changes') + ' in your history)'
      : 'Not labelled yet';
    $('submit').firstChild.textContent = 'Save ';
  }
  $('submit').disabled = !FIELDS.every((f) => f in choices);
  $('withdraw').disabled = !label;
  $('labelling').dataset.pairId = pair.id;
  $('labelling').dataset.labelled = label ? 'true' : 'false';
  show('labelling');
  showNav();
}

/** Shows one of the caller's pairs with their current label. */
export async function open(id) {
  const { status: code, json } = await api('GET', '/api/pairs/' + encodeURIComponent(id));
  if (code !== 200) {
    problem((json && json.error) || ('The server answered ' + code));
    return;
  }
  showProgress(json.progress);
  render(json.pair, json.label, json.changes);
}

/** Shows the first pair not labelled yet, or the "done" message. */
export async function openNextUnlabelled() {
  const { json } = await api('GET', '/api/next');
  showProgress(json.progress);
  if (!json.pair) {
    pair = null;
    position = -1;
    $('labelling').dataset.pairId = '';
    show('done');
    showNav();
    return;
  }
  render(json.pair, null, 0);
}

/** Sends one change; a network failure is retried with the same Idempotency-Key, so it is applied once. */
async function change(method, path, body) {
  if (busy) {
    return null;
  }
  busy = true;
  const key = pending && pending.path === path && JSON.stringify(pending.body) === JSON.stringify(body)
    ? pending.key : newChangeId();
  pending = { key, path, body };
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await api(method, path, body, key);
        pending = null;
        if (reply.status !== 200 && reply.status !== 201) {
          problem((reply.json && reply.json.error) || ('The server answered ' + reply.status));
          return null;
        }
        showProgress(reply.json.progress);
        return reply.json;
      } catch (e) {
        if (e.name === 'Unauthorised' || attempt >= 4) {
          throw e;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      }
    }
  } finally {
    busy = false;
  }
}

async function save() {
  if (!pair || !FIELDS.every((f) => f in choices)) {
    return;
  }
  const id = pair.id;
  const reply = await change('POST', '/api/labels', {
    pair_id: id,
    better: choices.better,
    more_harmless: choices.more_harmless,
    a_safe: choices.a_safe === 'true',
    b_safe: choices.b_safe === 'true',
    explanation: $('explanation').value,
  });
  if (!reply) {
    return;
  }
  notice({ stored: 'Saved.', changed: 'Label changed.', unchanged: 'No change: that is already your label.',
    repeated: 'Saved.' }[reply.outcome] || '');
  await loadPairs();
  await openNextUnlabelled();
}

async function withdraw() {
  if (!pair || !current) {
    return;
  }
  const id = pair.id;
  const reply = await change('POST', '/api/pairs/' + encodeURIComponent(id) + '/withdraw', {});
  if (reply) {
    notice('Your label of this pair is withdrawn.');
    await loadPairs();
    await open(id);
  }
}

async function undo() {
  const reply = await change('POST', '/api/undo', {});
  if (!reply) {
    return;
  }
  if (reply.outcome === 'unchanged') {
    notice('Nothing to undo.');
    return;
  }
  await loadPairs();
  await open(reply.pair_id);
  notice('Undone: your last change to this pair.');
}

async function step(delta) {
  const target = position + delta;
  if (target >= 0 && target < pairs.length) {
    notice('');
    await open(pairs[target].id);
  }
}

/** Runs an action, showing a failure: the login again for a refused token, else the error. */
function guarded(action) {
  return () => action().catch((e) => {
    if (e.name === 'Unauthorised') {
      unauthorised(e);
    } else {
      problem('Could not reach the server: ' + e.message + '. Try again.');
    }
  });
}

/** Starts the annotator's view; {@code showSection} shows one section of the page. */
export async function start(showSection) {
  show = showSection;
  await loadPairs();
  await openNextUnlabelled();
}

/** Key handling while the annotator's view is shown; answers whether the key was used. */
export function onKey(event) {
  if ($('pair-nav').hidden) {
    return false;
  }
  const typing = document.activeElement === $('explanation');
  if (typing) {
    if (event.key === 'Escape') {
      $('explanation').blur();
    }
    return false;
  }
  const labelling = !$('labelling').hidden;
  if (event.key === 'Enter' && labelling) {
    event.preventDefault();
    guarded(save)();
  } else if (event.key === '/' && labelling) {
    event.preventDefault();
    $('explanation').focus();
  } else if (event.key === 'Delete' && labelling) {
    guarded(withdraw)();
  } else if (event.key === 'ArrowLeft') {
    guarded(() => step(-1))();
  } else if (event.key === 'ArrowRight') {
    guarded(() => step(1))();
  } else if (event.key === 'u') {
    guarded(undo)();
  } else if (event.key === 'n') {
    guarded(openNextUnlabelled)();
  } else if (KEYS[event.key] && labelling) {
    choose(...KEYS[event.key]);
  } else {
    return false;
  }
  return true;
}

/** Wires the buttons (once, when the page loads). */
export function wire(onUnauthorised) {
  unauthorised = onUnauthorised;
  const safely = (action) => guarded(action);
  for (const set of document.querySelectorAll('fieldset[data-field]')) {
    for (const button of set.querySelectorAll('button')) {
      button.addEventListener('click', () => {
        choose(set.dataset.field, button.dataset.value);
        button.blur();
      });
    }
  }
  $('submit').addEventListener('click', safely(save));
  $('withdraw').addEventListener('click', safely(withdraw));
  $('undo').addEventListener('click', safely(undo));
  $('previous').addEventListener('click', safely(() => step(-1)));
  $('next').addEventListener('click', safely(() => step(1)));
  $('next-unlabelled').addEventListener('click', safely(openNextUnlabelled));
}
