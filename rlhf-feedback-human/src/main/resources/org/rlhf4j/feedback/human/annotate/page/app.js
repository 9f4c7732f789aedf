// rlhf4j annotate: the page's entry. Reads the token (from the link's #token=..., which never reaches the
// server, or the login form), then shows the annotator's view or, for an admin token, the lead's dashboard.
'use strict';

import { api, setToken, token } from './api-client.js';
import * as labelling from './labelling.js';
import * as dashboard from './dashboard.js';

const $ = (id) => document.getElementById(id);

function show(section) {
  for (const id of ['login', 'labelling', 'done', 'admin']) {
    $(id).hidden = id !== section;
  }
  if (section === 'login' || section === 'admin') {
    $('pair-nav').hidden = true;
  }
  $('logout').hidden = section === 'login';
}

function loggedOut(e) {
  show('login');
  $('who').textContent = '';
  $('progress').textContent = '';
  $('notice').textContent = '';
  $('status').textContent = e ? e.message : '';
}

async function start() {
  if (!token()) {
    loggedOut();
    return;
  }
  try {
    const { json } = await api('GET', '/api/me');
    $('who').textContent = json.name + ' (' + json.role + ')';
    if (json.role === 'admin') {
      await dashboard.load(show);
    } else {
      await labelling.start(show);
    }
  } catch (e) {
    if (e.name === 'Unauthorised') {
      loggedOut(e);
    } else {
      $('status').textContent = 'Cannot reach the server: ' + e.message;
    }
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    setToken(fromLink);
    history.replaceState(null, '', location.pathname);
  }
  labelling.wire(loggedOut);
  $('login-button').addEventListener('click', () => {
    setToken($('token').value.trim());
    $('token').value = '';
    $('status').textContent = '';
    start();
  });
  $('logout').addEventListener('click', () => {
    setToken(null);
    loggedOut();
  });
  $('admin-refresh').addEventListener('click', () => dashboard.load(show).catch(loggedOut));
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    labelling.onKey(event);
  });
  start();
});
