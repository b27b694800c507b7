'use strict';
// Every node type of the package, with a sample configuration for end-to-end flows.
// Properties as the README and node help describe them. `collector` is the URL of a loopback sink
// standing in for each alert service.

const { channelTable } = require('../support/node-red');

/** The channel node types, in the channels table's order. */
const CHANNELS = channelTable().types;
const ALL_TYPES = ['claude-account', 'claude-usage', 'claude-threshold', ...CHANNELS, 'claude-code-usage', 'claude-hass', 'claude-insight'];

/** Per channel: the properties and credentials that send its alerts to the collector at `/<type>`. */
function channelConfig(type, collector) {
  const base = `${collector}/${type}`;
  switch (type) {
    case 'claude-discord':
      return { props: { username: 'Claude usage' }, credentials: { url: `${base}/api/webhooks/1/abc` } };
    case 'claude-webhook':
      return { props: { method: 'POST', headers: '', template: '' }, credentials: { url: base } };
    case 'claude-pushover':
      return { props: { device: '', sound: '', priority: 'auto', apiUrl: base }, credentials: { token: 'a'.repeat(30), user: 'u'.repeat(30) } };
    case 'claude-matrix':
      return { props: { homeserver: base, room: '!room:localhost', msgtype: 'm.text' }, credentials: { accessToken: 'syt_test_token' } };
    case 'claude-ntfy':
      return { props: { server: base, topic: 'claude-e2e', tags: '' }, credentials: { token: '' } };
    case 'claude-telegram':
      return { props: { chatId: '42', apiUrl: base }, credentials: { botToken: '123456:ABC-test' } };
    default:
      throw new Error(`not a channel: ${type}`);
  }
}

/** The id of the node of `type` in packageFlow (not the type itself: Node-RED would take it for a config reference). */
const idOf = (type) => `node-${type}`;

/** A flow with one node of each available type, on tab `z`, with ids from idOf(type). */
function packageFlow(available, collector, z = 'tab-package') {
  const nodes = [{ id: z, type: 'tab', label: 'Claude usage nodes' }];
  let y = 60;
  const at = () => ({ z, x: 220, y: (y += 60) });
  if (available.has('claude-account')) {
    nodes.push({ id: idOf('claude-account'), type: 'claude-account', name: 'demo', auth: 'demo', organization: '', credentialsFile: '', cookieSetAt: '', warnDays: 7, baseUrl: 'https://claude.ai', oauthBaseUrl: 'https://api.anthropic.com', proxy: '', transport: 'undici' });
  }
  if (available.has('claude-usage') && available.has('claude-account')) {
    nodes.push({ id: idOf('claude-usage'), type: 'claude-usage', name: '', account: idOf('claude-account'), interval: 300, history: 2016, ...at(), wires: [[], []] });
  }
  if (available.has('claude-threshold')) {
    nodes.push({ id: idOf('claude-threshold'), type: 'claude-threshold', name: '', session: '75,90,95', weekly: '75,90,95', scoped: '', extra: '', cooldownHours: 4, rearmPct: 5, notifyReset: false, pace: false, timezone: '', ...at(), wires: [[]] });
  }
  for (const type of CHANNELS.filter((t) => available.has(t))) {
    const { props, credentials } = channelConfig(type, collector);
    nodes.push({ id: idOf(type), type, name: '', ...props, credentials, ...at(), wires: [[]] });
  }
  if (available.has('claude-code-usage')) {
    nodes.push({ id: idOf('claude-code-usage'), type: 'claude-code-usage', name: '', configDir: '/nonexistent-claude-dir', interval: 3600, billingDay: 1, timezone: '', monthlySessions: 50, blockEndingMinutes: 30, inactivityMinutes: 10, host: 'e2e', ...at(), wires: [[], []] });
  }
  if (available.has('claude-hass')) {
    nodes.push({ id: idOf('claude-hass'), type: 'claude-hass', name: '', prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', ...at(), wires: [[]] });
  }
  if (available.has('claude-insight')) {
    nodes.push({ id: idOf('claude-insight'), type: 'claude-insight', name: '', account: '', elsewherePct: 3, capChangePct: 25, minCalibrationPct: 10, windowsKept: 12, ...at(), wires: [[], []] });
  }
  return nodes;
}

/** The node types of this package the running Node-RED has loaded (GET /nodes). */
async function availableTypes(red) {
  const res = await red.request('GET', '/nodes', undefined, { accept: 'application/json' });
  if (res.status !== 200) throw new Error(`GET /nodes: ${res.status}`);
  const ours = res.json.filter((set) => set.module === '@claude-usage/node-red-claude-usage' && set.enabled && !set.err);
  return new Set(ours.flatMap((set) => set.types));
}

module.exports = { CHANNELS, ALL_TYPES, channelConfig, packageFlow, availableTypes, idOf };
