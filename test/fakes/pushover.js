'use strict';
// A fake Pushover Message API (POST /1/messages.json, form-encoded) with the
// documented checks: token and user keys, message required and ≤ 1024 characters,
// title ≤ 250, priority -2..2, emergency priority needing retry ≥ 30 and
// expire ≤ 10800; answers `{ status: 1, request }` or 4xx `{ <field>: "invalid",
// errors: [...], status: 0, request }`; 429 when the monthly quota is spent.
const crypto = require('node:crypto');
const { startFakeService } = require('./channel-fake');

const APP_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER_KEY = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

const len = (s) => Array.from(s ?? '').length;

function rejection(field, error) {
  return { status: 400, body: { ...(field ? { [field]: 'invalid' } : {}), errors: [error], status: 0, request: crypto.randomUUID() } };
}

function checkForm(form) {
  if (form.get('token') !== APP_TOKEN) return rejection('token', 'application token is invalid');
  if (form.get('user') !== USER_KEY) return rejection('user', 'user identifier is not a valid user, group, or subscribed user key');
  const message = form.get('message');
  if (!message) return rejection('message', 'message cannot be blank');
  if (len(message) > 1024) return rejection('message', 'message is too long');
  if (form.has('title') && len(form.get('title')) > 250) return rejection('title', 'title is too long');
  const priority = form.has('priority') ? Number(form.get('priority')) : 0;
  if (!Number.isInteger(priority) || priority < -2 || priority > 2) return rejection('priority', 'priority is invalid');
  if (priority === 2) {
    if (!(Number(form.get('retry')) >= 30)) return rejection('retry', 'retry is invalid or missing, must be at least 30 seconds');
    if (!(Number(form.get('expire')) > 0 && Number(form.get('expire')) <= 10800)) return rejection('expire', 'expire is invalid or missing, must be at most 10800 seconds');
  }
  return null;
}

async function startPushoverFake() {
  const notifications = [];
  const fake = await startFakeService((r, respond) => {
    if (r.path !== '/1/messages.json') return respond(404, { errors: ['not found'], status: 0 });
    if (r.method !== 'POST') return respond(405, { errors: ['method not allowed'], status: 0 });
    if (!/^application\/x-www-form-urlencoded/.test(r.headers['content-type'] ?? '')) return respond(400, rejection('message', 'message cannot be blank').body);
    const form = new URLSearchParams(r.body);
    const problem = checkForm(form);
    if (problem) return respond(problem.status, problem.body);
    const request = crypto.randomUUID();
    notifications.push({ request, form: Object.fromEntries(form) });
    respond(200, { status: 1, request }, { 'x-limit-app-limit': '10000', 'x-limit-app-remaining': String(10000 - notifications.length) });
  });
  return Object.assign(fake, {
    token: APP_TOKEN,
    user: USER_KEY,
    notifications,
    quotaSpent: () => ({ status: 429, body: { errors: ['application has exceeded its monthly message limit'], status: 0, request: crypto.randomUUID() } }),
    invalidUser: () => rejection('user', 'user identifier is not a valid user, group, or subscribed user key'),
    serverError: () => ({ status: 500, body: '<html><body>Internal Server Error</body></html>' }),
  });
}

module.exports = { startPushoverFake, APP_TOKEN, USER_KEY };
