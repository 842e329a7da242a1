export interface ConsolePageSettings {
  defaultChannel: string;
  defaultUser: string;
  command: string;
  /** A node of the running cluster, for the composer's placeholder. */
  exampleNode?: string | undefined;
}

const STYLE = `
  :root { --fg: #1d1c1d; --muted: #616061; --line: #e2e2e2; --accent: #1264a3; --bg: #f8f8f8; --danger: #e01e5a; --ok: #007a5a; }
  * { box-sizing: border-box; }
  html, body { height: 100%; }
  /* The window never scrolls: the message list does, and the composer stays at the bottom, as in Slack. */
  body { margin: 0; display: flex; flex-direction: column; overflow: hidden; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
  header { flex: none; display: flex; gap: 16px; align-items: center; padding: 8px 16px; background: #3f0e40; color: #fff; }
  header a { color: #fff; }
  header select { font: inherit; }
  #status { margin-left: auto; font-size: 13px; opacity: .85; }
  #layout { flex: 1; min-height: 0; display: grid; grid-template-columns: 200px minmax(0, 1fr); }
  nav { background: #f4ede4; padding: 8px 0; overflow-y: auto; }
  nav button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 4px 16px; font: inherit; cursor: pointer; }
  nav button.selected { background: var(--accent); color: #fff; }
  main { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
  main h2 { flex: none; margin: 0; padding: 10px 16px; border-bottom: 1px solid var(--line); font-size: 17px; }
  #messages { flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 8px 16px; }
  .message { padding: 6px 0; border-bottom: 1px solid #f0f0f0; }
  .message.ephemeral { background: #fffbe6; }
  .meta { font-size: 13px; color: var(--muted); display: flex; gap: 8px; flex-wrap: wrap; }
  .meta .who { font-weight: 700; color: var(--fg); }
  .badge { font-size: 11px; border: 1px solid var(--line); border-radius: 8px; padding: 0 6px; }
  .replies { margin: 4px 0 0 18px; padding-left: 10px; border-left: 3px solid var(--line); }
  .replies summary { cursor: pointer; color: var(--accent); font-size: 13px; }
  .section { margin: 4px 0; display: flex; gap: 12px; align-items: flex-start; justify-content: space-between; }
  .section > div { min-width: 0; }
  .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 16px; margin-top: 4px; }
  .context { font-size: 12px; color: var(--muted); margin: 4px 0; display: flex; gap: 8px; flex-wrap: wrap; }
  .actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
  .btn { font: inherit; font-size: 14px; padding: 3px 12px; border-radius: 4px; border: 1px solid #bbb; background: #fff; cursor: pointer; }
  .btn.primary { background: var(--ok); border-color: var(--ok); color: #fff; }
  .btn.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
  h3.block-header { margin: 6px 0 2px; font-size: 16px; }
  code { color: #c01343; background: #f6f6f6; border: 1px solid #e1e1e1; border-radius: 3px; padding: 0 3px; font: 12px/1.5 ui-monospace, Menlo, Consolas, monospace; }
  pre { background: #f8f8f8; border: 1px solid #e1e1e1; padding: 8px; border-radius: 4px; overflow-x: auto; margin: 4px 0; font: 12px/1.5 ui-monospace, Menlo, Consolas, monospace; }
  blockquote { margin: 4px 0; padding: 0 0 0 10px; border-left: 4px solid #dddddd; }
  .emoji { font-family: "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif; }
  .file { display: inline-block; border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; margin: 4px 0; font-size: 13px; }
  #command-form { flex: none; display: flex; gap: 8px; padding: 10px 16px; border-top: 1px solid var(--line); align-items: center; background: #fff; }
  #command-form input { flex: 1; font: inherit; padding: 6px 8px; }
  .overlay { position: fixed; inset: 0; z-index: 10; display: flex; align-items: center; justify-content: center; padding: 32px 16px; background: rgba(29, 28, 29, .5); }
  .modal { width: min(520px, 100%); max-height: 100%; overflow-y: auto; background: #fff; border-radius: 8px; padding: 16px 20px; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
  .modal h3 { margin: 0 0 8px; font-size: 18px; }
  .modal label { display: block; font-weight: 600; margin: 8px 0 2px; }
  .modal input, .modal textarea, .modal select { width: 100%; font: inherit; padding: 5px; }
  .modal .hint { font-size: 12px; color: var(--muted); }
  .modal .error { color: var(--danger); font-size: 13px; }
  .modal .actions { justify-content: flex-end; margin-top: 16px; }
  .empty { color: var(--muted); font-style: italic; }
`;

const SCRIPT = String.raw`
const state = { channel: settings.defaultChannel, user: settings.defaultUser, users: [], channels: [],
  seen: { channels: '', messages: '', views: '' }, errors: {}, follow: true };
const $ = (id) => document.getElementById(id);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  // Block renderers return arrays of arrays: flatten them all, or a nested array would show as its toString().
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? undefined : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error || response.statusText);
  return json;
}

function say(text, isError) {
  const status = $('status');
  status.textContent = text;
  status.style.color = isError ? '#ffb3c6' : '';
}

function nameOf(id) {
  const user = state.users.find((candidate) => candidate.id === id);
  if (user) return user.name;
  if (id === 'USLACKBOT') return 'Slackbot';
  if (id === 'UBOSUN') return 'bosun';
  return id;
}

function channelName(id) {
  const channel = state.channels.find((candidate) => candidate.id === id);
  return channel ? channel.name : id;
}

const EMOJI = { white_check_mark: '\u2705', heavy_check_mark: '\u2714\ufe0f', x: '\u274c', warning: '\u26a0\ufe0f',
  hourglass_flowing_sand: '\u23f3', hourglass: '\u231b', rocket: '\ud83d\ude80', lock: '\ud83d\udd12', tada: '\ud83c\udf89',
  construction: '\ud83d\udea7', no_entry: '\u26d4', large_green_circle: '\ud83d\udfe2', red_circle: '\ud83d\udd34',
  information_source: '\u2139\ufe0f', stopwatch: '\u23f1\ufe0f', wrench: '\ud83d\udd27', alarm_clock: '\u23f0',
  arrow_forward: '\u25b6\ufe0f', arrows_counterclockwise: '\ud83d\udd04', checkered_flag: '\ud83c\udfc1',
  inbox_tray: '\ud83d\udce5', leftwards_arrow_with_hook: '\u21a9\ufe0f', mag: '\ud83d\udd0d', no_entry_sign: '\ud83d\udeab',
  raised_hand: '\u270b', small_blue_diamond: '\ud83d\udd39' };

/*
 * Whether this machine's fonts can draw a character: drawn on a canvas, a character no font has looks exactly
 * like a code point nobody has (U+10FFFD), a blank or a box. Without an emoji font the shortcode shows as text.
 */
const glyphs = new Map();
let glyphCanvas;
function drawGlyph(text) {
  const context = glyphCanvas.getContext('2d', { willReadFrequently: true });
  context.clearRect(0, 0, glyphCanvas.width, glyphCanvas.height);
  context.font = '20px ' + getComputedStyle(document.body).fontFamily;
  context.textBaseline = 'top';
  context.fillStyle = '#000';
  context.fillText(text, 2, 2);
  return Array.from(context.getImageData(0, 0, glyphCanvas.width, glyphCanvas.height).data).join(',');
}
function hasGlyph(text) {
  if (!glyphs.has(text)) {
    try {
      if (!glyphCanvas) {
        glyphCanvas = document.createElement('canvas');
        glyphCanvas.width = 32;
        glyphCanvas.height = 32;
        glyphs.set('', drawGlyph('\u{10FFFD}'));
      }
      glyphs.set(text, drawGlyph(text) !== glyphs.get(''));
    } catch {
      glyphs.set(text, true);
    }
  }
  return glyphs.get(text);
}

function emoji(name) {
  const code = ':' + name + ':';
  const char = EMOJI[name];
  if (!char) return document.createTextNode(code);
  if (!hasGlyph(char)) return el('span', { class: 'emoji-text', title: code }, code);
  return el('span', { class: 'emoji', role: 'img', 'aria-label': code, title: code }, char);
}

/* Slack escapes these three in every text; it shows them as the characters (code blocks included). */
function decodeEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/*
 * Slack's mrkdwn, the common parts: \`\`\`code blocks\`\`\` (nothing inside formatted; the newlines just inside
 * the fences dropped), > quoted lines and >>> quoting the rest, \`code\`, *bold* _italic_ ~strike~, :emoji:,
 * <@U…> <#C…> <url|label>.
 */
function mrkdwn(text) {
  const fragment = document.createDocumentFragment();
  const pieces = String(text || '').split(/(\`\`\`[\s\S]*?\`\`\`)/);
  pieces.forEach((piece, index) => {
    const fenced = index % 2 === 1;
    if (fenced) {
      fragment.append(el('pre', {}, decodeEntities(piece.slice(3, -3).replace(/^\n/, '').replace(/\n$/, ''))));
      return;
    }
    // A code block is a block of its own: the line break next to it is not an empty line.
    let plain = piece;
    if (index > 0) plain = plain.replace(/^\n/, '');
    if (index < pieces.length - 1) plain = plain.replace(/\n$/, '');
    if (plain) fragment.append(lines(plain));
  });
  return fragment;
}

function lines(text) {
  const fragment = document.createDocumentFragment();
  let quote = null;
  let quoteRest = false;
  let afterLine = false;
  for (const line of text.split('\n')) {
    let content = line;
    let quoted = quoteRest;
    if (!quoteRest) {
      const rest = /^(?:>|&gt;){3}[ ]?/.exec(line);
      const one = /^(?:>|&gt;)[ ]?/.exec(line);
      if (rest) { quoteRest = quoted = true; content = line.slice(rest[0].length); }
      else if (one) { quoted = true; content = line.slice(one[0].length); }
    }
    if (quoted) {
      if (quote) quote.append(el('br'));
      else { quote = el('blockquote'); fragment.append(quote); }
      quote.append(inline(content));
      afterLine = false;
    } else {
      if (afterLine) fragment.append(el('br'));
      quote = null;
      fragment.append(inline(content));
      afterLine = true;
    }
  }
  return fragment;
}

function inline(text) {
  const fragment = document.createDocumentFragment();
  const parts = text.split(/(\`[^\`]+\`|<[^>]+>|:[a-z0-9_+-]+:|\*[^*]+\*|\b_[^_]+_\b|~[^~]+~)/);
  for (const part of parts) {
    if (!part) continue;
    if (/^:[a-z0-9_+-]+:$/.test(part)) fragment.append(emoji(part.slice(1, -1)));
    else if (part.startsWith('\`') && part.length > 2) fragment.append(el('code', {}, decodeEntities(part.slice(1, -1))));
    else if (part.startsWith('<') && part.endsWith('>')) fragment.append(reference(part.slice(1, -1)));
    else if (part.startsWith('*') && part.length > 2) fragment.append(el('b', {}, inline(part.slice(1, -1))));
    else if (part.startsWith('_') && part.length > 2) fragment.append(el('i', {}, inline(part.slice(1, -1))));
    else if (part.startsWith('~') && part.length > 2) fragment.append(el('s', {}, inline(part.slice(1, -1))));
    else fragment.append(decodeEntities(part));
  }
  return fragment;
}

function reference(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return el('b', {}, '@' + (label || nameOf(target.slice(1))));
  if (target.startsWith('#')) return el('b', {}, '#' + (label || channelName(target.slice(1))));
  // <!date^1700000000^{date_short} {time}|fallback>: the reader's local time in Slack; the fallback here.
  if (target.startsWith('!date^')) return document.createTextNode(decodeEntities(label || target));
  if (target.startsWith('!')) return el('b', {}, '@' + (label || target.slice(1).replace(/^subteam\^/, '')));
  if (/^https?:\/\//.test(target)) {
    return el('a', { href: target, target: '_blank', rel: 'noreferrer' }, decodeEntities(label || target));
  }
  return document.createTextNode('<' + inner + '>');
}

/* plain_text with emoji: true (Slack's default) shows :shortcodes: as emoji too. */
function textObject(object) {
  if (!object) return document.createTextNode('');
  if (object.type === 'mrkdwn') return mrkdwn(object.text);
  const text = object.text || '';
  if (object.emoji === false) return document.createTextNode(text);
  return el('span', {}, text.split(/(:[a-z0-9_+-]+:)/).map((part, index) => index % 2 === 1 ? emoji(part.slice(1, -1)) : part));
}

async function click(message, element, value) {
  try {
    const result = await api('/api/sandbox/click', {
      ts: message.ts, actionId: element.action_id, user: state.user, channel: message.channel, value });
    say(result.status === 200 ? 'clicked ' + element.action_id : 'the bot answered ' + result.status, result.status !== 200);
    await refresh();
  } catch (error) {
    say(error.message, true);
  }
}

function interactive(element, message) {
  if (element.type === 'button') {
    return el('button', { class: 'btn ' + (element.style || ''), onclick: () => click(message, element) },
      textObject(element.text));
  }
  if (element.type === 'static_select' || element.type === 'overflow') {
    const options = element.options || (element.option_groups || []).flatMap((group) => group.options || []);
    return el('select', { onchange: (event) => event.target.value && click(message, element, event.target.value) },
      el('option', { value: '' }, element.placeholder ? element.placeholder.text : '…'),
      options.map((option) => el('option', { value: option.value }, option.text ? option.text.text : option.value)));
  }
  if (element.type === 'image') return el('span', { class: 'badge' }, '[image: ' + (element.alt_text || '') + ']');
  return el('span', { class: 'badge' }, '[' + element.type + ']');
}

function renderBlocks(blocks, message) {
  return blocks.map((block) => {
    switch (block.type) {
      case 'header': return el('h3', { class: 'block-header' }, textObject(block.text));
      case 'divider': return el('hr');
      case 'section': return el('div', { class: 'section' },
        el('div', {}, block.text ? el('div', {}, textObject(block.text)) : null,
          block.fields ? el('div', { class: 'fields' }, block.fields.map((field) => el('div', {}, textObject(field)))) : null),
        block.accessory ? interactive(block.accessory, message) : null);
      case 'context': return el('div', { class: 'context' }, (block.elements || []).map((element) =>
        element.type === 'image' ? el('span', {}, '[' + (element.alt_text || 'image') + ']') : el('span', {}, textObject(element))));
      case 'actions': return el('div', { class: 'actions' }, (block.elements || []).map((element) => interactive(element, message)));
      case 'image': return el('div', { class: 'badge' }, '[image: ' + (block.alt_text || '') + ']');
      case 'rich_text': return el('div', {}, mrkdwn(message.text));
      default: return el('div', { class: 'badge' }, '[' + block.type + ' block]');
    }
  });
}

function visible(message) {
  return !message.ephemeral || message.ephemeral.user === state.user;
}

function renderMessage(message) {
  const seconds = Number(message.ts.split('.')[0]);
  const meta = el('div', { class: 'meta' },
    el('span', { class: 'who' }, nameOf(message.user)),
    el('span', {}, new Date(seconds * 1000).toLocaleTimeString()),
    message.edited ? el('span', {}, '(edited)') : null,
    message.ephemeral ? el('span', { class: 'badge' }, 'only visible to you') : null,
    message.requestId ? el('span', { class: 'badge', title: 'request id' }, message.requestId) : null);
  const body = message.blocks && message.blocks.length > 0 ? renderBlocks(message.blocks, message) : [mrkdwn(message.text)];
  if (message.blocks && message.blocks.length > 0 && message.text && !message.blocks.some((b) => b.type === 'section' || b.type === 'header' || b.type === 'rich_text')) {
    body.unshift(el('div', {}, mrkdwn(message.text)));
  }
  const files = (message.files || []).map((file) => el('div', { class: 'file' },
    el('a', { href: '/api/sandbox/files/' + file.id, target: '_blank' }, '📄 ' + (file.title || file.name)),
    ' ' + file.name + ', ' + file.size + ' bytes'));
  const replies = (message.replies || []).filter(visible);
  return el('div', { class: 'message' + (message.ephemeral ? ' ephemeral' : ''), 'data-ts': message.ts },
    meta, body, files,
    replies.length > 0 ? el('details', { class: 'replies', open: true },
      el('summary', {}, replies.length + (replies.length === 1 ? ' reply' : ' replies')),
      replies.map(renderMessage)) : null);
}

function renderChannels() {
  $('channels').replaceChildren(...state.channels.map((channel) => el('button', {
    class: channel.id === state.channel ? 'selected' : '',
    onclick: () => { state.channel = channel.id; state.seen.messages = ''; state.follow = true; renderChannels(); refresh(); },
  }, (channel.imUser ? '@' : '#') + channel.name)));
  $('channel-title').textContent = '#' + channelName(state.channel);
}

/* Like Slack: the list follows new messages while you are at its end, and stays put while you read above it. */
function renderMessages(messages) {
  const box = $('messages');
  const atEnd = state.follow || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const scrollTop = box.scrollTop;
  const shown = messages.filter(visible);
  box.replaceChildren(...(shown.length > 0 ? shown.map(renderMessage)
    : [el('p', { class: 'empty' }, 'No messages yet. Try ' + settings.command + ' help below.')]));
  box.scrollTop = atEnd ? box.scrollHeight : scrollTop;
  state.follow = false;
}

function inputControl(element) {
  const name = element.action_id;
  if (element.type === 'static_select') {
    return el('select', { name }, el('option', { value: '' }, '…'),
      (element.options || []).map((option) => el('option', { value: option.value }, option.text.text)));
  }
  if (element.type === 'plain_text_input' && element.multiline) {
    return el('textarea', { name, rows: 3, placeholder: element.placeholder && element.placeholder.text }, element.initial_value || '');
  }
  return el('input', { name, value: element.initial_value || '', placeholder: element.placeholder && element.placeholder.text });
}

async function submit(view, form) {
  const values = {};
  for (const control of form.querySelectorAll('[name]')) values[control.name] = control.value;
  try {
    const result = await api('/api/sandbox/submit', { viewId: view.id, values, user: view.user });
    state.errors[view.id] = result.errors || {};
    state.seen.views = '';
    say(result.closed ? 'submitted ' + view.title : result.errors ? 'the form has errors' : 'the bot answered ' + result.status,
      Boolean(result.errors) || result.status !== 200);
    await refresh();
  } catch (error) {
    say(error.message, true);
  }
}

async function closeView(view) {
  try {
    await api('/api/sandbox/close', { viewId: view.id, user: view.user });
    state.seen.views = '';
    say('closed ' + view.title);
    await refresh();
  } catch (error) {
    say(error.message, true);
  }
}

/* The acting user's newest modal, over the channel as in Slack; the others wait under it. */
function renderViews(views) {
  // Re-rendering must not lose what the user has typed into a modal that is still open.
  const typed = {};
  for (const control of document.querySelectorAll('#modals form [name]')) {
    typed[control.closest('form').dataset.view + '/' + control.name] = control.value;
  }
  const hadFocus = document.activeElement && document.activeElement.closest('#modals') ? document.activeElement.name : undefined;
  const mine = views.filter((view) => view.user === state.user).sort((a, b) => a.openedAt - b.openedAt);
  const view = mine[mine.length - 1];
  if (!view) {
    $('modals').replaceChildren();
    return;
  }
  const errors = state.errors[view.id] || {};
  const titleId = 'modal-title-' + view.id;
  const form = el('form', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, 'data-view': view.id,
    onsubmit: (event) => { event.preventDefault(); submit(view, form); },
    onkeydown: (event) => { if (event.key === 'Escape') closeView(view); } },
    el('h3', { id: titleId }, view.title),
    view.blocks.map((block) => block.type === 'input'
      ? el('div', {}, el('label', { for: 'input-' + view.id + '-' + block.element.action_id }, textObject(block.label)),
          inputControl(block.element),
          block.hint ? el('div', { class: 'hint' }, textObject(block.hint)) : null,
          errors[block.block_id] ? el('div', { class: 'error' }, errors[block.block_id]) : null)
      : renderBlocks([block], { ts: '', channel: '', text: '' })),
    el('div', { class: 'actions' },
      el('button', { class: 'btn', type: 'button', onclick: () => closeView(view) }, 'Cancel'),
      el('button', { class: 'btn primary', type: 'submit' }, 'Submit')));
  for (const control of form.querySelectorAll('[name]')) {
    control.id = 'input-' + view.id + '-' + control.name;
    const value = typed[view.id + '/' + control.name];
    if (value !== undefined) control.value = value;
  }
  $('modals').replaceChildren(el('div', { class: 'overlay' }, form));
  const focus = (hadFocus && form.querySelector('[name="' + hadFocus + '"]')) || form.querySelector('[name]');
  if (focus) focus.focus();
}

async function refresh() {
  try {
    const [channels, messages, views] = await Promise.all([
      api('/api/sandbox/channels'),
      api('/api/sandbox/messages?channel=' + encodeURIComponent(state.channel)),
      api('/api/sandbox/views'),
    ]);
    const channelsJson = JSON.stringify(channels);
    if (channelsJson !== state.seen.channels) { state.seen.channels = channelsJson; state.channels = channels; renderChannels(); }
    const messagesJson = JSON.stringify([state.user, messages]);
    if (messagesJson !== state.seen.messages) { state.seen.messages = messagesJson; renderMessages(messages); }
    const viewsJson = JSON.stringify([state.user, views, state.errors]);
    if (viewsJson !== state.seen.views) { state.seen.views = viewsJson; renderViews(views); }
  } catch (error) {
    say('cannot reach the sandbox: ' + error.message, true);
  }
}

/* What goes to the bot: "/bosun nodes" and "nodes" alike; another slash command is not bosun's. */
function commandText(typed) {
  const text = typed.trim();
  if (text === settings.command || text.startsWith(settings.command + ' ')) return text.slice(settings.command.length).trim();
  if (/^\/\S/.test(text)) throw new Error(text.split(/\s/)[0] + ' is not a command here; try ' + settings.command + ' help');
  return text;
}

async function start() {
  state.users = await api('/api/sandbox/users');
  $('user').replaceChildren(...state.users.map((user) => el('option', { value: user.id, selected: user.id === state.user }, user.name)));
  $('user').addEventListener('change', (event) => { state.user = event.target.value; refresh(); });
  $('command-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('command-text');
    try {
      const text = commandText(input.value);
      const { requestId } = await api('/api/sandbox/command', { text, user: state.user, channel: state.channel });
      say(settings.command + ' ' + text + ' → ' + requestId);
      input.value = '';
      state.follow = true;
      await refresh();
    } catch (error) {
      say(error.message, true);
    }
  });
  await refresh();
  setInterval(refresh, 1000);
}
start();
`;

/** The console: plain HTML and inline script, no build step and nothing loaded from elsewhere. */
export function consolePage(settings: ConsolePageSettings): string {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  const placeholder = `${settings.command} ${settings.exampleNode ? `drain ${settings.exampleNode}` : 'help'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bosun sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <strong>bosun sandbox</strong>
  <label>acting as <select id="user" aria-label="acting as"></select></label>
  <a href="/api/sandbox/kubeconfig" download="kubeconfig.yaml">kubeconfig</a>
  <span id="status" role="status"></span>
</header>
<div id="layout">
  <nav id="channels" aria-label="channels"></nav>
  <main>
    <h2 id="channel-title"></h2>
    <div id="messages" aria-live="polite"></div>
    <form id="command-form">
      <input id="command-text" autocomplete="off" placeholder="${escapeHtml(placeholder)}" aria-label="command">
      <button class="btn primary" type="submit">Send</button>
    </form>
  </main>
</div>
<div id="modals"></div>
<script>
const settings = ${json};
${SCRIPT}
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
