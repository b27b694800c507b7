'use strict';
// The limit-wall recognizer, wording by wording, with the near-misses that are not walls.
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');

const { limitWall, MAX_TEXT } = lib('code-usage/limit-wall');

const AT = '2026-10-08T10:00:00.000Z';
const wall = (text, extra = {}) => limitWall({ text, timestamp: AT, timeZone: 'UTC', ...extra });

describe('code-usage limit-wall', () => {
  it('legacy "Claude AI usage limit reached|<epoch>": resetsAt from the epoch, text without it', () => {
    assert.deepEqual(wall('Claude AI usage limit reached|1791511200'), { limit: null, model: null, resetsAt: '2026-10-09T02:00:00.000Z', text: 'Claude AI usage limit reached' });
  });

  it('session limit with a named zone: the next 7:30pm in Asia/Seoul after the line', () => {
    // 10:00Z is 19:00 in Seoul; 19:30 Seoul is 10:30Z the same day
    assert.deepEqual(wall("You've hit your session limit · resets 7:30pm (Asia/Seoul)"), { limit: 'session', model: null, resetsAt: '2026-10-08T10:30:00.000Z', text: "You've hit your session limit · resets 7:30pm (Asia/Seoul)" });
  });

  it('a clock time already past today is tomorrow’s', () => {
    // 10:00Z is 12:00 in Berlin (CEST); 8am is next day 06:00Z
    assert.equal(wall("You've hit your limit · resets 8am (Europe/Berlin)").resetsAt, '2026-10-09T06:00:00.000Z');
  });

  it('weekly limit with a date: Oct 12, 8am in Europe/Paris', () => {
    const w = wall("You've hit your weekly limit · resets Oct 12, 8am (Europe/Paris)");
    assert.equal(w.limit, 'weekly');
    assert.equal(w.resetsAt, '2026-10-12T06:00:00.000Z');
  });

  it('a date earlier in the year than the line is next year’s, across a DST change', () => {
    const w = wall("You've hit your weekly limit · resets Jan 3, 9:15am (Europe/Paris)");
    assert.equal(w.resetsAt, '2027-01-03T08:15:00.000Z');
  });

  it('5-hour limit without a zone uses the fallback timezone', () => {
    const w = limitWall({ text: '5-hour limit reached ∙ resets 3pm', timestamp: AT, timeZone: 'America/New_York' });
    assert.equal(w.limit, 'session');
    assert.equal(w.resetsAt, '2026-10-08T19:00:00.000Z');
  });

  it('an unknown zone in the text falls back to the timezone given', () => {
    const w = limitWall({ text: "You've hit your limit · resets 5pm (Mars/Olympus)", timestamp: AT, timeZone: 'UTC' });
    assert.equal(w.resetsAt, '2026-10-08T17:00:00.000Z');
  });

  it('the bare "You\'ve hit your limit" has limit null', () => {
    const w = wall("You've hit your limit · resets 5pm (Europe/Berlin)");
    assert.equal(w.limit, null);
    assert.equal(w.resetsAt, '2026-10-08T15:00:00.000Z');
  });

  it('a model’s own cap: "You\'ve reached your Fable limit", no reset', () => {
    assert.deepEqual(wall("You've reached your Fable limit. Run /usage-credits to keep going."), { limit: 'model', model: 'Fable', resetsAt: null, text: "You've reached your Fable limit. Run /usage-credits to keep going." });
  });

  it('out of usage credits with a reset (UTC)', () => {
    const w = wall("You're out of usage credits · resets 8:40pm (UTC)");
    assert.equal(w.limit, null);
    assert.equal(w.resetsAt, '2026-10-08T20:40:00.000Z');
  });

  it('out of usage credits, switch models: a model cap without a reset', () => {
    for (const text of ["You're out of usage credits. Switch to another model to continue.", "You're out of usage credits. Use /model to switch models."]) {
      assert.deepEqual(wall(text), { limit: 'model', model: null, resetsAt: null, text });
    }
  });

  it('apiError "usage_limit_reached" with no text is a wall', () => {
    assert.deepEqual(wall('', { apiError: 'usage_limit_reached' }), { limit: null, model: null, resetsAt: null, text: '' });
  });

  it('the structured block decides resetsAt and limit over the text', () => {
    const w = wall("You've hit your session limit · resets 10pm", { structured: { status: 'rejected', resetsAt: 1791511200, rateLimitType: 'seven_day' } });
    assert.equal(w.limit, 'weekly');
    assert.equal(w.resetsAt, '2026-10-09T02:00:00.000Z');
  });

  it('maps every rateLimitType', () => {
    const cases = { five_hour: ['session', null], seven_day: ['weekly', null], seven_day_opus: ['model', 'Opus'], seven_day_sonnet: ['model', 'Sonnet'], seven_day_overage_included: ['model', 'Fable'] };
    for (const [type, [limit, model]] of Object.entries(cases)) {
      const w = wall('', { structured: { status: 'rejected', resetsAt: '1791511200', rateLimitType: type } });
      assert.deepEqual([w.limit, w.model, w.resetsAt], [limit, model, '2026-10-09T02:00:00.000Z'], type);
    }
  });

  it('an unknown rateLimitType leaves the wording to decide', () => {
    assert.equal(wall("You've hit your weekly limit", { structured: { status: 'rejected', rateLimitType: 'ten_day' } }).limit, 'weekly');
  });

  it("an SDK error that would exceed the account's rate limit is a wall, named by its wording", () => {
    const text = '429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}';
    const expected = { limit: null, model: null, resetsAt: null, text: "This request would exceed your account's rate limit" };
    assert.deepEqual(wall(text), expected);
    assert.deepEqual(wall("would exceed your account's rate limit"), expected);
  });

  it('near-misses are not walls', () => {
    for (const text of [
      'Rate limited',
      'API Error: 429 Rate limited',
      '429 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      'Login expired · Please run /login',
      'API Error: 500 Internal server error',
      'This request was blocked by our safeguards',
      'I hit your session limit',
      'Claude AI usage limit reached',
      "You've reached your limit of patience",
      'hello',
      '',
    ]) {
      const w = wall(text);
      // the legacy wording without its |epoch is not one of the listed forms
      assert.equal(w, null, text);
    }
  });

  it('apiError "rate_limited" and error "account_on_hold" are never walls', () => {
    assert.equal(wall("You've hit your session limit", { apiError: 'rate_limited' }), null);
    assert.equal(wall("You've hit your session limit", { error: 'account_on_hold' }), null);
    assert.equal(wall('', { error: 'authentication_failed', structured: { status: 'rejected' } }), null);
  });

  it('a structured block that is not rejected is not a wall', () => {
    assert.equal(wall('', { structured: { status: 'allowed', rateLimitType: 'five_hour', resetsAt: 1791511200 } }), null);
    assert.equal(wall('', { structured: { status: 'allowed_warning', rateLimitType: 'five_hour' } }), null);
  });

  it('bounds the text before matching, and answers fast on hostile input', () => {
    assert.equal(wall('x'.repeat(MAX_TEXT) + "You've hit your session limit"), null);
    const w = wall("You've hit your session limit" + ' '.repeat(5000));
    assert.equal(w.text.length <= MAX_TEXT, true);
    const hostile = "You've reached your " + 'a '.repeat(100000);
    assert.equal(wall(hostile), null);
    assert.equal(wall('resets ' + '9'.repeat(100000)), null);
  });

  it('a line time that does not parse gives no clock reset but still a wall', () => {
    assert.deepEqual(limitWall({ text: "You've hit your session limit · resets 7pm", timestamp: 'soon', timeZone: 'UTC' }), { limit: 'session', model: null, resetsAt: null, text: "You've hit your session limit · resets 7pm" });
  });
});
