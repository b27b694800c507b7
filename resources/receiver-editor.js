/* Editor helper shared by the nodes that receive pushes from other machines
 * (claude-statusline, claude-code-telemetry): the endpoint URL as the user's machines
 * reach it, a random bearer token for an empty field, and set-up text to copy.
 * A token stored earlier is never sent to the editor (Node-RED shows __PWRD__), so the
 * set-up text shows it only when it was generated or typed in this dialog. */
(function () {
  'use strict';
  if (window.ClaudeUsageReceiver) return;

  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

  /** A random token of `length` characters (letters and digits), from the browser's CSPRNG. */
  function randomToken(length) {
    var n = length || 32;
    var out = '';
    var bytes = new Uint8Array(n * 2);
    while (out.length < n) {
      window.crypto.getRandomValues(bytes);
      for (var i = 0; i < bytes.length && out.length < n; i++) {
        // 62 * 4 = 248: bytes from 248 up would bias the first letters
        if (bytes[i] < 248) out += ALPHABET[bytes[i] % 62];
      }
    }
    return out;
  }

  /** The endpoint's absolute URL: this editor's origin, httpNodeRoot, the node's path. */
  function endpointUrl(path) {
    var root = (RED.settings.httpNodeRoot || '/').replace(/\/+$/, '');
    var p = String(path || '').trim();
    if (p.charAt(0) !== '/') p = '/' + p;
    return window.location.protocol + '//' + window.location.host + root + p.replace(/\/+$/, '');
  }

  /**
   * Fills an empty token field with a random token and returns the token to show in set-up
   * text: the field's value when it is known here, else null (a stored, hidden token).
   */
  function ensureToken(fieldSelector) {
    var field = $(fieldSelector);
    var v = field.val();
    if (!v) {
      v = randomToken(32);
      field.val(v);
    }
    return v === '__PWRD__' ? null : v;
  }

  /** A read-only block of text with a Copy button, appended to `container`. */
  function copyBlock(container, text, copyLabel) {
    var wrap = $('<div class="claude-receiver-copy" style="position:relative; margin-top:4px;"></div>').appendTo(container);
    var pre = $('<pre style="white-space:pre-wrap; word-break:break-all; font-size:11px; max-height:220px; overflow:auto; margin:0; padding:6px 8px;"></pre>')
      .text(text)
      .appendTo(wrap);
    $('<button type="button" class="red-ui-button red-ui-button-small" style="position:absolute; top:4px; right:4px;"></button>')
      .append('<i class="fa fa-clipboard"></i> ')
      .append($('<span></span>').text(copyLabel || 'Copy'))
      .on('click', function () {
        RED.clipboard.copyText(pre.text(), $(this), 'clipboard.copied');
      })
      .appendTo(wrap);
    return pre;
  }

  window.ClaudeUsageReceiver = { randomToken: randomToken, endpointUrl: endpointUrl, ensureToken: ensureToken, copyBlock: copyBlock };
})();
