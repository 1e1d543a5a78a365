// The page's one message line (#notice, role=status): API errors and confirmations. An
// error stays until dismissed, replaced or the view changes; a confirmation fades after a while.

import {$} from './dom.js';

const CONFIRMATION_MS = 6000;
let timer = 0;

export function notify(message, kind = 'error') {
  const notice = $('notice');
  clearTimeout(timer);
  notice.textContent = message;
  notice.className = `notice notice-${kind}`;
  $('notice-dismiss').hidden = false;
  if (kind !== 'error') timer = setTimeout(clearNotice, CONFIRMATION_MS);
}

export function clearNotice() {
  clearTimeout(timer);
  $('notice').textContent = '';
  $('notice').className = 'notice';
  $('notice-dismiss').hidden = true;
}

export function initNotice() {
  $('notice-dismiss').addEventListener('click', clearNotice);
}
