// rlhf4j annotate: every text from the server is shown with textContent, never parsed as HTML.
'use strict';

const KEYS = {
  '1': ['better', 'A'], '2': ['better', 'B'], '3': ['better', 'tie'],
  'q': ['more_harmless', 'A'], 'w': ['more_harmless', 'B'], 'e': ['more_harmless', 'tie'],
  'a': ['a_safe', 'true'], 'z': ['a_safe', 'false'],
  's': ['b_safe', 'true'], 'x': ['b_safe', 'false'],
};
const FIELDS = ['better', 'more_harmless', 'a_safe', 'b_safe'];

let token = null;
let pair = null;
let choices = {};
let sending = false;

const $ = (id) => document.getElementById(id);

function show(section) {
  for (const id of ['login', 'labelling', 'done', 'admin']) {
    $(id).hidden = id !== section;
  }
  $('logout').hidden = section === 'login';
}

function status(text) {
  $('status').textContent = text || '';
}

async function api(method, path, body) {
  const headers = { 'Authorization': 'Bearer ' + token };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    json = null;
  }
  if (response.status === 401) {
    sessionStorage.removeItem('rlhf-token');
    token = null;
    show('login');
    status((json && json.error) || 'Your token is not valid.');
    throw new Error('unauthorised');
  }
  return { status: response.status, json };
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

async function loadNext() {
  const { json } = await api('GET', '/api/next');
  showProgress(json.progress);
  pair = json.pair;
  if (!pair) {
    show('done');
    return;
  }
  choices = {};
  for (const field of FIELDS) {
    for (const button of document.querySelectorAll('fieldset[data-field="' + field + '"] button')) {
      button.setAttribute('aria-pressed', 'false');
    }
  }
  $('prompt').textContent = pair.prompt;
  $('response-a').textContent = pair.response_a;
  $('response-b').textContent = pair.response_b;
  $('explanation').value = '';
  $('submit').disabled = true;
  show('labelling');
  $('labelling').dataset.pairId = pair.id;
}

async function submit() {
  if (sending || !pair || !FIELDS.every((f) => f in choices)) {
    return;
  }
  sending = true;
  const body = {
    pair_id: pair.id,
    better: choices.better,
    more_harmless: choices.more_harmless,
    a_safe: choices.a_safe === 'true',
    b_safe: choices.b_safe === 'true',
    explanation: $('explanation').value,
  };
  try {
    // a retry sends the same label: the server stores it once
    for (let attempt = 0; ; attempt++) {
      try {
        const { status: code, json } = await api('POST', '/api/labels', body);
        if (code === 201 || code === 200) {
          status('');
          await loadNext();
        } else {
          status((json && json.error) || ('The server answered ' + code));
          if (code === 409) {
            await loadNext();
          }
        }
        return;
      } catch (e) {
        if (e.message === 'unauthorised' || attempt >= 4) {
          status('Could not save the label: ' + e.message + '. Press Enter to try again.');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      }
    }
  } finally {
    sending = false;
  }
}

async function loadAdmin() {
  const { json } = await api('GET', '/api/admin/progress');
  const body = document.querySelector('#admin-progress tbody');
  body.replaceChildren();
  for (const annotator of json.annotators) {
    const row = document.createElement('tr');
    for (const value of [annotator.name, annotator.labelled, annotator.assigned]) {
      const cell = document.createElement('td');
      cell.textContent = String(value);
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
  $('progress').textContent = json.pairs + ' pairs, ' + json.annotators_per_pair + ' annotator(s) each';
  $('admin-agreement').textContent = JSON.stringify(json.agreement, null, 2);
  show('admin');
}

async function start() {
  if (!token) {
    show('login');
    return;
  }
  try {
    const { json } = await api('GET', '/api/me');
    $('who').textContent = json.name + ' (' + json.role + ')';
    if (json.role === 'admin') {
      await loadAdmin();
    } else {
      await loadNext();
    }
  } catch (e) {
    if (e.message !== 'unauthorised') {
      status('Cannot reach the server: ' + e.message);
    }
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || $('labelling').hidden) {
    return;
  }
  const typing = document.activeElement === $('explanation');
  if (typing) {
    if (event.key === 'Escape') {
      $('explanation').blur();
    }
    return;
  }
  if (event.key === 'Enter') {
    event.preventDefault();
    submit();
  } else if (event.key === '/') {
    event.preventDefault();
    $('explanation').focus();
  } else if (KEYS[event.key]) {
    choose(...KEYS[event.key]);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem('rlhf-token', fromLink);
    history.replaceState(null, '', location.pathname);
  }
  token = sessionStorage.getItem('rlhf-token');
  for (const set of document.querySelectorAll('fieldset[data-field]')) {
    for (const button of set.querySelectorAll('button')) {
      button.addEventListener('click', () => {
        choose(set.dataset.field, button.dataset.value);
        button.blur();
      });
    }
  }
  $('submit').addEventListener('click', submit);
  $('login-button').addEventListener('click', () => {
    token = $('token').value.trim();
    sessionStorage.setItem('rlhf-token', token);
    $('token').value = '';
    status('');
    start();
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem('rlhf-token');
    token = null;
    show('login');
  });
  document.addEventListener('keydown', onKey);
  start();
});
