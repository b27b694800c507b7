/* Editor helper shared by the six channel nodes (claude-discord, claude-webhook,
 * claude-pushover, claude-matrix, claude-ntfy, claude-telegram): the Test button.
 * It posts the dialog's current, not yet deployed values to `<type>/test`; a
 * password field that still shows the stored value sends `__PWRD__` and the
 * runtime uses the stored secret. The answer is shown in plain words. */
(function () {
  'use strict';
  if (window.ClaudeUsageChannels) return;

  function fieldValue(name) {
    var el = $('#node-input-' + name);
    if (!el.length) return undefined;
    if (el.is(':checkbox')) return el.is(':checked');
    return el.val();
  }

  function show(result, ok, text) {
    result
      .removeClass('claude-channel-test-ok claude-channel-test-fail')
      .addClass(ok === null ? '' : ok ? 'claude-channel-test-ok' : 'claude-channel-test-fail')
      .css('color', ok === null ? '' : ok ? 'var(--red-ui-text-color-success, #3a873a)' : 'var(--red-ui-text-color-error, #c00)')
      .text(text);
  }

  /**
   * Wires the Test button of a channel node's edit dialog.
   * @param {object} node the node being edited (this in oneditprepare)
   * @param {string[]} properties the node's property names to send
   * @param {string[]} credentials the node's credential names to send
   */
  function setupTestButton(node, properties, credentials) {
    var button = $('#node-input-claude-test');
    var result = $('#node-input-claude-test-result');
    button.off('click').on('click', function (e) {
      e.preventDefault();
      var body = { id: node.id };
      properties.concat(credentials).forEach(function (name) {
        var v = fieldValue(name);
        if (v !== undefined) body[name] = v;
      });
      button.prop('disabled', true);
      show(result, null, node._(node.type + '.common.testing'));
      $.ajax({
        url: node.type + '/test',
        type: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
        dataType: 'json',
        timeout: 90000
      })
        .done(function (answer) {
          show(result, !!answer.ok, answer.message || (answer.ok ? node._(node.type + '.common.sent') : node._(node.type + '.common.failed')));
        })
        .fail(function (xhr) {
          var answer = xhr.responseJSON || {};
          show(result, false, answer.message || node._(node.type + '.common.unreachable', { status: xhr.status || '' }));
        })
        .always(function () {
          button.prop('disabled', false);
        });
    });
  }

  window.ClaudeUsageChannels = { setupTestButton: setupTestButton };
})();
