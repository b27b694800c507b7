// The channel nodes, in palette order: one entry per node type, each the spec its adapter
// module exports. `claude-channels` registers every entry; the build joins each entry's
// editor (nodes/<type>.html), texts and help (nodes/locales/<lang>/<type>.{json,html}) in
// this order into what Node-RED loads for the set, and fails when an entry lacks a file or a
// file has no entry. Adding a channel: its adapter module with its spec, its editor, texts,
// help and tests, and one line here.

import type { ChannelSpec } from './types';
import { discordChannel } from './adapters/discord';
import { webhookChannel } from './adapters/webhook';
import { pushoverChannel } from './adapters/pushover';
import { matrixChannel } from './adapters/matrix';
import { ntfyChannel } from './adapters/ntfy';
import { telegramChannel } from './adapters/telegram';

/** The node set (package.json `node-red.nodes` key) that holds every channel node. */
export const CHANNEL_SET = 'claude-channels';

export const CHANNELS: readonly ChannelSpec<unknown>[] = [discordChannel, webhookChannel, pushoverChannel, matrixChannel, ntfyChannel, telegramChannel];
