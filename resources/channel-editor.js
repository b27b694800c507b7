/* Editor helper shared by the channel nodes (claude-discord, claude-webhook, … — the
 * claude-channels node set): the Test button, with the set's shared texts (claude-channels.*).
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
   * Adds the Test button (and where its answer shows) to a channel node's edit dialog.
   * @param {object} node the node being edited (this in oneditprepare)
   * @param {string[]} properties the node's property names to send
   * @param {string[]} credentials the node's credential names to send
   */
  function setupTestButton(node, properties, credentials) {
    var t = function (key, vars) {
      return node._('claude-channels.' + key, vars);
    };
    var row = $('<div class="form-row claude-channel-test-row"></div>').appendTo('#dialog-form');
    $('<label>&nbsp;</label>').appendTo(row);
    var button = $('<button type="button" class="red-ui-button" id="node-input-claude-test"></button>')
      .attr('title', t('testHint'))
      .append('<i class="fa fa-paper-plane"></i> ')
      .append($('<span></span>').text(t('label.test')))
      .appendTo(row);
    var result = $('<div id="node-input-claude-test-result" style="margin: 6px 0 0 104px;"></div>').appendTo(row);
    button.on('click', function (e) {
      e.preventDefault();
      var body = { id: node.id };
      properties.concat(credentials).forEach(function (name) {
        var v = fieldValue(name);
        if (v !== undefined) body[name] = v;
      });
      button.prop('disabled', true);
      show(result, null, t('common.testing'));
      $.ajax({
        url: node.type + '/test',
        type: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
        dataType: 'json',
        timeout: 90000
      })
        .done(function (answer) {
          show(result, !!answer.ok, answer.message || (answer.ok ? t('common.sent') : t('common.failed')));
        })
        .fail(function (xhr) {
          var answer = xhr.responseJSON || {};
          show(result, false, answer.message || t('common.unreachable', { status: xhr.status || '' }));
        })
        .always(function () {
          button.prop('disabled', false);
        });
    });
  }

  window.ClaudeUsageChannels = { setupTestButton: setupTestButton };
})();
