'use strict';
// A fake webhook receiver with three personalities the node's presets target:
//   POST /services/T000/B000/{secret}    Slack incoming webhook: JSON with `text` (or blocks),
//                                        answers "ok", or 400 "invalid_payload" / "no_text",
//                                        404 "no_service" for a wrong secret;
//   POST|GET /webhook/{id}               n8n webhook trigger: { message: "Workflow was started" };
//   POST|PUT /api/webhook/{id}           Home Assistant webhook trigger: 200, empty body.
// Anything else: 404 with a body that echoes the path (to test redaction).
const { startFakeService } = require('./channel-fake');

const SLACK_SECRET = 'XXXXfakeSlackWebhookSecretXXXX';
const N8N_ID = '4f1c2e0a-fake-n8n-webhook-0123456789ab';
const HA_ID = 'claude-usage-fake-ha-webhook-id-0123';

async function startWebhookFake() {
  const received = [];
  const fake = await startFakeService((r, respond) => {
    const slack = /^\/services\/T000\/B000\/([^/]+)$/.exec(r.path);
    if (slack) {
      if (slack[1] !== SLACK_SECRET) return respond(404, 'no_service');
      if (r.method !== 'POST') return respond(405, 'invalid_method');
      if (!r.json || typeof r.json !== 'object') return respond(400, 'invalid_payload');
      if (typeof r.json.text !== 'string' && !Array.isArray(r.json.blocks)) return respond(400, 'no_text');
      received.push({ kind: 'slack', method: r.method, headers: r.headers, body: r.json });
      return respond(200, 'ok');
    }
    if (r.path === `/webhook/${N8N_ID}`) {
      received.push({ kind: 'n8n', method: r.method, headers: r.headers, body: r.json, raw: r.body });
      return respond(200, { message: 'Workflow was started' });
    }
    if (r.path === `/api/webhook/${HA_ID}`) {
      if (r.method === 'GET') return respond(405, { message: 'Method not allowed' });
      received.push({ kind: 'home-assistant', method: r.method, headers: r.headers, body: r.json, raw: r.body });
      return respond(200);
    }
    respond(404, { message: `The requested webhook "${r.method} ${r.path}" is not registered.` });
  });
  return Object.assign(fake, {
    received,
    slackUrl: `${fake.url}/services/T000/B000/${SLACK_SECRET}`,
    n8nUrl: `${fake.url}/webhook/${N8N_ID}`,
    homeAssistantUrl: `${fake.url}/api/webhook/${HA_ID}`,
    slackSecret: SLACK_SECRET,
  });
}

module.exports = { startWebhookFake, SLACK_SECRET, N8N_ID, HA_ID };
