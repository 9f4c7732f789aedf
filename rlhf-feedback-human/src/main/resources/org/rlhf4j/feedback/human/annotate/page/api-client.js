// rlhf4j annotate: the token and the calls to the server's API.
'use strict';

const TOKEN_KEY = 'rlhf-token';

/** Thrown when the server refuses the token: the page goes back to the login. */
export class Unauthorised extends Error {
  constructor(message) {
    super(message);
    this.name = 'Unauthorised';
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** A fresh id for one change: a retry of the same change sends the same id, and the server applies it once. */
export function newChangeId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the API; answers {status, json}. A 401 clears the token and throws Unauthorised; a 429 waits as long as
 * Retry-After says and tries again (three times at most).
 */
export async function api(method, path, body, changeId) {
  for (let attempt = 0; ; attempt++) {
    const headers = { 'Authorization': 'Bearer ' + token() };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (changeId) {
      headers['Idempotency-Key'] = changeId;
    }
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    if (response.status === 401) {
      setToken(null);
      throw new Unauthorised((json && json.error) || 'Your token is not valid.');
    }
    if (response.status === 429 && attempt < 3) {
      const seconds = Number(response.headers.get('Retry-After')) || 1;
      await sleep(seconds * 1000);
      continue;
    }
    return { status: response.status, json };
  }
}
