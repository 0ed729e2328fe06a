// KChat sandbox page: draws the three chats from /api/state (pushed live over /api/events)
// and turns clicks into what a person does in Telegram. Vanilla JS, no build step.
//
// Safety: every text from the chats is put into the page with textContent; formatting is
// rebuilt from the Bot API `entities` (UTF-16 offsets, which are JavaScript string indices).
"use strict";

const SAFE_SCHEMES = ["http:", "https:", "mailto:", "tel:", "tg:"];
const TOAST_MS = 3200;

const app = {
  state: null,
  epoch: null,
  panes: new Map(), // pane id -> PaneView
  busy: false,
};

// --- small helpers ------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function safeUrl(raw) {
  try {
    const url = new URL(raw, window.location.href);
    return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
  } catch (_) {
    return null;
  }
}

function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  }
  return body;
}

function postJson(path, payload) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
}

// A t.me link to this bot with ?start=... is a deep link: the person presses Start.
function deepLinkPayload(href) {
  const state = app.state;
  if (!state || !state.bot) return null;
  try {
    const url = new URL(href);
    const host = url.hostname.replace(/^www\./, "");
    if (host !== "t.me" && host !== "telegram.me") return null;
    if (url.pathname.replace(/^\//, "").toLowerCase() !== state.bot.username.toLowerCase()) return null;
    const start = url.searchParams.get("start");
    return start === null ? "" : start;
  } catch (_) {
    return null;
  }
}

// --- formatting from entities ---------------------------------------------------------------

function entityNode(entity, slice, pane) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": {
      const pre = el("pre");
      const code = el("code");
      if (entity.language) code.className = `language-${entity.language}`;
      pre.appendChild(code);
      return { outer: pre, inner: code };
    }
    case "blockquote": return el("blockquote");
    case "expandable_blockquote": {
      const quote = el("blockquote", "expandable");
      quote.addEventListener("click", () => quote.classList.toggle("open"));
      return quote;
    }
    case "spoiler": {
      const span = el("span", "spoiler");
      span.title = "Spoiler: click to show";
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "text_link":
    case "url":
    case "email":
    case "phone_number": {
      let href = entity.url || slice;
      if (entity.type === "url" && !/^[a-z][a-z0-9+.-]*:/i.test(href)) href = `http://${href}`;
      if (entity.type === "email") href = `mailto:${slice}`;
      if (entity.type === "phone_number") href = `tel:${slice}`;
      return linkNode(href, pane);
    }
    case "bot_command": {
      const link = el("a", "command");
      link.href = "#";
      link.title = "Send this command";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        pane.sendText(slice.split("@")[0]);
      });
      return link;
    }
    case "mention":
    case "text_mention":
    case "hashtag":
    case "cashtag":
      return el("span", "link");
    default:
      return el("span");
  }
}

function linkNode(href, pane) {
  const safe = safeUrl(href);
  if (!safe) return el("span");
  const link = el("a");
  link.href = safe;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  const payload = deepLinkPayload(safe);
  if (payload !== null) {
    link.title = "Open in this chat (presses Start)";
    link.addEventListener("click", (event) => {
      event.preventDefault();
      pane.sendText(payload ? `/start ${payload}` : "/start");
    });
  }
  return link;
}

function renderFormatted(text, entities, pane) {
  const root = document.createDocumentFragment();
  const sorted = (entities || [])
    .filter((e) => e.length > 0)
    .slice()
    .sort((a, b) => a.offset - b.offset || b.length - a.length);

  function build(parent, start, end, list) {
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const from = Math.max(entity.offset, pos);
      const to = Math.min(entity.offset + entity.length, end);
      if (from >= to) { i += 1; continue; }
      if (from > pos) parent.appendChild(document.createTextNode(text.slice(pos, from)));
      const children = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < to) { children.push(list[j]); j += 1; }
      const made = entityNode(entity, text.slice(entity.offset, entity.offset + entity.length), pane);
      const outer = made.outer || made;
      const inner = made.inner || made;
      build(inner, from, to, children);
      parent.appendChild(outer);
      pos = to;
      i = j;
    }
    if (pos < end) parent.appendChild(document.createTextNode(text.slice(pos, end)));
  }

  build(root, 0, text.length, sorted);
  return root;
}

// --- one pane -------------------------------------------------------------------------------

class PaneView {
  constructor(data) {
    this.id = data.id;
    const template = document.getElementById("pane-template");
    this.root = template.content.firstElementChild.cloneNode(true);
    this.root.dataset.pane = data.id;
    this.root.classList.add(data.kind);
    const q = (selector) => this.root.querySelector(selector);
    this.badge = q(".role-badge");
    this.personName = q(".person-name");
    this.balance = q(".balance");
    this.langToggle = q(".lang-toggle");
    this.avatar = q(".avatar");
    this.title = q(".chat-title");
    this.subtitle = q(".chat-sub");
    this.topicsNav = q(".topics");
    this.list = q(".messages");
    this.toasts = q(".toasts");
    this.alertLayer = q(".alert-layer");
    this.cmdMenu = q(".cmd-menu");
    this.replyBar = q(".reply-bar");
    this.form = q(".composer");
    this.topicToggle = q(".topic-toggle");
    this.closedBar = q(".closed-bar");
    this.input = q(".input");
    this.fileInput = q(".file-input");

    this.data = null;
    this.nodes = new Map(); // message id -> { sig, node }
    this.days = new Map(); // "day|first message id" -> date separator
    this.seenNotices = null; // Set of callback query ids already shown
    this.topic = null; // forum: the open topic's thread id (null = General)
    this.knownTopics = null; // Set of topic ids seen
    this.readUpTo = new Map(); // topic key -> last message id seen
    this.replyTo = null;
    this.pending = new Map(); // message id -> timer, while a tap waits for the bot

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape") {
        this.setReply(null);
        this.cmdMenu.hidden = true;
      }
    });
    this.input.addEventListener("input", () => this.autosize());
    this.fileInput.addEventListener("change", () => this.upload());
    q(".reply-cancel").addEventListener("click", () => this.setReply(null));
    q(".cmd-btn").addEventListener("click", () => this.toggleCommands());
    q(".alert-ok").addEventListener("click", () => { this.alertLayer.hidden = true; });
    this.topicToggle.addEventListener("click", () => this.toggleTopicClosed());
    this.langToggle.addEventListener("click", () => this.toggleLanguage());
    this.list.addEventListener("click", () => { this.cmdMenu.hidden = true; });
  }

  get isForum() { return this.data && this.data.kind === "forum"; }

  // -- drawing --

  update(data, freshEpoch) {
    const wasAtBottom = this.atBottom();
    this.data = data;
    if (freshEpoch) this.resetLocal();
    this.badge.textContent = data.role;
    this.personName.textContent = data.person.name;
    if (data.person.username) {
      this.personName.appendChild(el("small", null, `@${data.person.username}`));
    }
    this.balance.hidden = data.balance === null;
    if (data.balance !== null) this.balance.textContent = `Balance ${data.balance}`;
    const malay = data.person.language === "ms";
    this.langToggle.textContent = malay ? "BM" : "EN";
    this.langToggle.title = malay
      ? "Telegram in Bahasa Melayu: help-center answers in Malay. Tap for English."
      : "Telegram in English. Tap to switch to Bahasa Melayu (help-center answers in Malay).";
    this.avatar.textContent = data.title.slice(0, 1).toUpperCase();
    this.title.textContent = data.title;
    this.subtitle.textContent = data.kind === "private" ? "bot" : `${data.subtitle} · ${data.kind === "forum" ? "topics" : "group"}`;
    this.drawTopics();
    this.drawTopicState();
    this.drawMessages(wasAtBottom || freshEpoch);
    this.showNotices(freshEpoch);
  }

  // A new world (a Reset): nothing the old one showed may stay, least of all a dialog
  // about an order that no longer exists.
  resetLocal() {
    this.alertLayer.hidden = true;
    this.toasts.replaceChildren();
    this.cmdMenu.hidden = true;
    for (const messageId of [...this.pending.keys()]) this.clearPending(messageId);
    this.nodes.clear();
    this.days.clear();
    this.list.replaceChildren();
    this.seenNotices = null;
    this.knownTopics = null;
    this.readUpTo.clear();
    this.topic = null;
    this.setReply(null);
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 60;
  }

  topicKey(id) { return id === null || id === undefined ? "general" : String(id); }

  visibleMessages() {
    const messages = this.data.messages;
    if (!this.isForum) return messages;
    return messages.filter((m) => (m.thread ?? null) === this.topic);
  }

  drawTopics() {
    if (!this.isForum) {
      this.topicsNav.hidden = true;
      return;
    }
    const topics = this.data.topics;
    const firstLook = this.knownTopics === null;
    const known = this.knownTopics || new Set();
    let created = null;
    for (const topic of topics) {
      if (!firstLook && topic.id !== null && !known.has(topic.id)) created = topic.id;
      known.add(topic.id);
    }
    this.knownTopics = known;
    if (!topics.some((t) => t.id === this.topic)) this.topic = null;
    // A new ticket opens its own topic: go there if the agent is looking at General.
    if (created !== null && this.topic === null) this.topic = created;

    const lastByTopic = new Map();
    for (const m of this.data.messages) {
      const key = this.topicKey(m.thread);
      lastByTopic.set(key, Math.max(lastByTopic.get(key) || 0, m.id));
      if (firstLook) this.readUpTo.set(key, lastByTopic.get(key));
    }
    this.readUpTo.set(this.topicKey(this.topic), lastByTopic.get(this.topicKey(this.topic)) || 0);

    this.topicsNav.hidden = false;
    this.topicsNav.replaceChildren();
    for (const topic of topics) {
      const key = this.topicKey(topic.id);
      const tab = el("button", "topic-tab");
      tab.type = "button";
      tab.dataset.topic = key;
      if (topic.id === this.topic) tab.classList.add("active");
      if (created !== null && topic.id === created) tab.classList.add("new");
      const dot = el("span", "topic-dot");
      if (topic.color) dot.style.background = topic.color;
      tab.appendChild(topic.id === null ? el("span", null, "#") : dot);
      const name = el("span", "topic-name", topic.closed ? `🔒 ${topic.name}` : topic.name);
      tab.title = topic.name;
      tab.appendChild(name);
      const unread = this.data.messages.filter(
        (m) => this.topicKey(m.thread) === key && m.id > (this.readUpTo.get(key) || 0)
      ).length;
      if (unread > 0 && topic.id !== this.topic) tab.appendChild(el("span", "topic-badge", String(unread)));
      if (topic.closed) {
        tab.classList.add("closed");
        tab.title = `${topic.name} (closed)`;
      }
      tab.addEventListener("click", () => {
        this.topic = topic.id;
        this.setReply(null);
        this.drawTopics();
        this.drawTopicState();
        this.drawMessages(true);
      });
      this.topicsNav.appendChild(tab);
    }
  }

  currentTopic() {
    if (!this.isForum) return null;
    return this.data.topics.find((t) => t.id === this.topic) || null;
  }

  // As Telegram draws a closed topic: members see "The topic is closed" instead of the
  // message field; administrators who may manage topics keep the field (they can still
  // write) and can reopen it.
  drawTopicState() {
    const topic = this.currentTopic();
    const manageable = Boolean(topic && topic.id !== null && topic.can_manage);
    this.topicToggle.hidden = !manageable;
    if (manageable) {
      this.topicToggle.textContent = topic.closed ? "Reopen topic" : "🔒 Close topic";
      this.topicToggle.title = topic.closed
        ? "Reopen this topic: everyone can write in it again"
        : "Close this topic: only administrators can write in it then";
    }
    const closed = Boolean(topic && topic.closed);
    const canPost = !topic || topic.can_post !== false;
    this.closedBar.hidden = !closed;
    this.closedBar.classList.toggle("admin", closed && canPost);
    this.root.querySelector(".closed-text").textContent = canPost
      ? "The topic is closed. As an administrator you can still write here."
      : "The topic is closed";
    this.form.hidden = !canPost;
    if (!canPost) {
      this.setReply(null);
      this.cmdMenu.hidden = true;
    }
  }

  async toggleLanguage() {
    const next = this.data && this.data.person.language === "ms" ? "en" : "ms";
    this.langToggle.disabled = true;
    try {
      await postJson(`/api/panes/${this.id}/language`, { language: next });
    } catch (error) {
      this.toast(error.message, true);
    } finally {
      this.langToggle.disabled = false;
    }
  }

  async toggleTopicClosed() {
    const topic = this.currentTopic();
    if (!topic || topic.id === null) return;
    this.topicToggle.disabled = true;
    try {
      await postJson(`/api/panes/${this.id}/topics`, { thread_id: topic.id, closed: !topic.closed });
    } catch (error) {
      this.toast(error.message, true);
    } finally {
      this.topicToggle.disabled = false;
    }
  }

  drawMessages(scrollToEnd) {
    const visible = this.visibleMessages();
    const keep = new Set();
    const children = [];
    let lastDay = null;
    const days = new Map();
    for (const message of visible) {
      if (message.day !== lastDay) {
        const key = `${message.day}|${message.id}`;
        days.set(key, (this.days && this.days.get(key)) || el("div", "day", message.day));
        children.push(days.get(key));
        lastDay = message.day;
      }
      const sig = JSON.stringify(message);
      let entry = this.nodes.get(message.id);
      if (!entry || entry.sig !== sig) {
        const node = this.messageNode(message);
        if (entry && entry.sig !== sig && !message.service) node.classList.add("flash");
        entry = { sig, node };
        this.nodes.set(message.id, entry);
        this.clearPending(message.id);
      }
      keep.add(message.id);
      children.push(entry.node);
    }
    for (const id of [...this.nodes.keys()]) {
      if (!keep.has(id)) this.nodes.delete(id);
    }
    if (children.length === 0) {
      const text = this.isForum
        ? (this.topic === null
          ? "No messages in General. Each ticket opens a topic of its own."
          : "No messages in this topic yet.")
        : "No messages yet.";
      children.push(el("div", "empty-chat", text));
    }
    this.days = days;
    const current = this.list.childNodes;
    const same = current.length === children.length && children.every((node, i) => current[i] === node);
    if (!same) {
      const before = this.list.scrollTop;
      this.list.replaceChildren(...children);
      this.list.scrollTop = before;
    }
    if (scrollToEnd) this.list.scrollTop = this.list.scrollHeight;
  }

  messageNode(m) {
    if (m.service) {
      const wrap = el("div", "msg service");
      wrap.dataset.id = m.id;
      wrap.appendChild(el("div", "pill", m.service));
      return wrap;
    }
    const wrap = el("div", `msg ${m.out ? "out" : "in"}`);
    wrap.dataset.id = m.id;
    const row = el("div", "row");
    const bubble = el("div", "bubble clearfix");

    if (!m.out && this.data.kind !== "private") {
      const sender = el("div", "sender", m.from.name);
      if (m.from.bot) sender.classList.add("bot");
      else sender.classList.add("agent");
      bubble.appendChild(sender);
    }
    if (m.reply) {
      const quote = el("div", "quote");
      quote.appendChild(el("b", null, m.reply.name || "Message"));
      quote.appendChild(el("span", null, m.reply.snippet || ""));
      quote.title = "Show the message";
      quote.addEventListener("click", () => this.jumpTo(m.reply.id));
      bubble.appendChild(quote);
    }
    if (m.file) bubble.appendChild(this.fileNode(m));
    if (m.text) {
      const text = el("div", "text");
      text.appendChild(renderFormatted(m.text, m.entities, this));
      bubble.appendChild(text);
    }
    const meta = el("span", "meta");
    if (m.edited) meta.appendChild(el("span", "edited", "edited"));
    meta.appendChild(document.createTextNode(m.time));
    bubble.appendChild(meta);
    row.appendChild(bubble);

    const replyButton = el("button", "reply-btn", "↩");
    replyButton.type = "button";
    replyButton.title = "Reply";
    replyButton.setAttribute("aria-label", "Reply");
    replyButton.addEventListener("click", () => this.setReply(m));
    row.appendChild(replyButton);
    wrap.appendChild(row);

    if (m.buttons && m.buttons.length) {
      const keyboard = el("div", "keyboard");
      for (const buttons of m.buttons) {
        const line = el("div", "kb-row");
        for (const button of buttons) line.appendChild(this.buttonNode(m, button));
        keyboard.appendChild(line);
      }
      wrap.appendChild(keyboard);
    }
    return wrap;
  }

  fileNode(m) {
    const file = m.file;
    if (m.kind === "photo" || m.kind === "sticker") {
      const link = el("a");
      link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener";
      const img = el("img", m.kind === "photo" ? "photo" : "sticker");
      img.src = file.url;
      img.alt = m.kind === "photo" ? "Photo" : "Sticker";
      img.loading = "lazy";
      if (file.width && file.height) {
        img.width = file.width;
        img.height = file.height;
      }
      link.appendChild(img);
      return link;
    }
    if (m.kind === "voice" || m.kind === "audio") {
      const audio = el("audio");
      audio.controls = true;
      audio.src = file.url;
      return audio;
    }
    if (m.kind === "video" || m.kind === "animation") {
      const video = el("video");
      video.controls = true;
      video.src = file.url;
      return video;
    }
    const doc = el("a", "doc");
    doc.href = file.url;
    doc.download = file.name;
    const ext = (file.name.split(".").pop() || "file").slice(0, 4);
    doc.appendChild(el("span", "doc-icon", file.name.includes(".") ? ext : "⬇"));
    const info = el("span");
    info.appendChild(el("div", "doc-name", file.name));
    info.appendChild(el("div", "doc-size", humanSize(file.size)));
    doc.appendChild(info);
    return doc;
  }

  buttonNode(m, button) {
    const node = el("button", "kb-btn", button.text);
    node.type = "button";
    node.title = button.text;
    if (button.url) {
      node.classList.add("url");
      node.addEventListener("click", () => {
        const payload = deepLinkPayload(button.url);
        if (payload !== null) {
          this.sendText(payload ? `/start ${payload}` : "/start");
          return;
        }
        const safe = safeUrl(button.url);
        if (safe) window.open(safe, "_blank", "noopener");
      });
    } else if (button.data !== null && button.data !== undefined) {
      node.addEventListener("click", () => this.tap(m.id, button.data, node));
    } else {
      node.disabled = true;
    }
    return node;
  }

  jumpTo(id) {
    const entry = this.nodes.get(id);
    if (!entry) return;
    entry.node.scrollIntoView({ block: "center", behavior: "smooth" });
    entry.node.classList.remove("flash");
    void entry.node.offsetWidth; // restart the animation
    entry.node.classList.add("flash");
  }

  // -- toasts and alerts from answerCallbackQuery --

  showNotices(freshEpoch) {
    const notices = this.data.notices || [];
    if (this.seenNotices === null || freshEpoch) {
      this.seenNotices = new Set(notices.map((n) => n.id));
      return;
    }
    for (const notice of notices) {
      for (const [messageId, entry] of this.pending) {
        if (entry.queryId === notice.id) this.clearPending(messageId);
      }
      if (this.seenNotices.has(notice.id)) continue;
      this.seenNotices.add(notice.id);
      if (!notice.text) continue;
      if (notice.alert) this.alert(notice.text);
      else this.toast(notice.text);
    }
  }

  toast(text, error = false) {
    // Like Telegram, one notification at a time: a new one replaces the one showing.
    this.toasts.replaceChildren();
    const node = el("div", `toast${error ? " error" : ""}`, text);
    this.toasts.appendChild(node);
    setTimeout(() => node.classList.add("leaving"), TOAST_MS);
    setTimeout(() => node.remove(), TOAST_MS + 350);
  }

  alert(text) {
    this.root.querySelector(".alert-title").textContent = (app.state && app.state.bot.name) || "Bot";
    this.root.querySelector(".alert-text").textContent = text;
    this.alertLayer.hidden = false;
    this.root.querySelector(".alert-ok").focus();
  }

  // -- acting --

  setReply(message) {
    this.replyTo = message;
    this.replyBar.hidden = !message;
    if (message) {
      this.replyBar.querySelector(".reply-bar-name").textContent = `Reply to ${message.from.name}`;
      const snippet = message.text || (message.file && message.file.name) || "";
      this.replyBar.querySelector(".reply-bar-snippet").textContent = snippet.replace(/\s+/g, " ").slice(0, 120);
      this.input.focus();
    }
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  threadId() {
    return this.isForum ? this.topic : null;
  }

  async submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    const ok = await this.sendText(text, this.replyTo ? this.replyTo.id : null);
    if (ok) {
      this.input.value = "";
      this.autosize();
      this.setReply(null);
    }
  }

  async sendText(text, replyTo = null) {
    this.cmdMenu.hidden = true;
    try {
      await postJson(`/api/panes/${this.id}/messages`, {
        text,
        reply_to: replyTo,
        thread_id: this.threadId(),
      });
      this.list.scrollTop = this.list.scrollHeight;
      return true;
    } catch (error) {
      this.toast(error.message, true);
      return false;
    }
  }

  async upload() {
    const file = this.fileInput.files && this.fileInput.files[0];
    this.fileInput.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    const asPhoto = /^image\/(jpeg|png|webp)$/.test(file.type);
    form.append("as_photo", asPhoto ? "1" : "0");
    if (this.input.value.trim()) form.append("caption", this.input.value);
    if (this.replyTo) form.append("reply_to", String(this.replyTo.id));
    if (this.threadId() !== null) form.append("thread_id", String(this.threadId()));
    try {
      await api(`/api/panes/${this.id}/files`, { method: "POST", body: form });
      this.input.value = "";
      this.autosize();
      this.setReply(null);
    } catch (error) {
      this.toast(error.message, true);
    }
  }

  async tap(messageId, data, node) {
    node.classList.add("pending");
    this.clearPending(messageId);
    const entry = { node, timer: setTimeout(() => this.clearPending(messageId), 8000), queryId: null };
    this.pending.set(messageId, entry);
    try {
      const answer = await postJson(`/api/panes/${this.id}/taps`, { message_id: messageId, data });
      entry.queryId = answer.query_id;
    } catch (error) {
      this.clearPending(messageId);
      this.toast(error.message, true);
    }
  }

  clearPending(messageId) {
    const entry = this.pending.get(messageId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.node.classList.remove("pending");
    this.pending.delete(messageId);
  }

  toggleCommands() {
    if (!this.cmdMenu.hidden) {
      this.cmdMenu.hidden = true;
      return;
    }
    const commands = (app.state && app.state.commands) || [];
    this.cmdMenu.replaceChildren();
    if (commands.length === 0) this.cmdMenu.appendChild(el("div", "cmd-item", "The bot has no commands."));
    for (const command of commands) {
      const item = el("button", "cmd-item");
      item.type = "button";
      item.appendChild(el("b", null, `/${command.command}`));
      item.appendChild(el("span", null, command.description));
      item.addEventListener("click", () => this.sendText(`/${command.command}`));
      this.cmdMenu.appendChild(item);
    }
    this.cmdMenu.hidden = false;
  }
}

// --- the page -------------------------------------------------------------------------------

// Where the marketplace's backend reaches this world (KCHAT_HTTP_PORT set), for developers.
function renderMarketplaceApi(api) {
  const strip = document.getElementById("dev-api");
  strip.hidden = !api;
  if (!api) return;
  document.getElementById("dev-api-url").textContent = api.url;
  document.getElementById("dev-api-key").textContent = api.key;
}

function render(state) {
  if (!state || !state.ready) {
    document.getElementById("clock-label").textContent = "starting…";
    return;
  }
  // The first fetch and the event stream can cross: never go back to an older state.
  if (app.state && state.epoch === app.state.epoch && state.version < app.state.version) return;
  const freshEpoch = app.epoch !== state.epoch;
  app.epoch = state.epoch;
  app.state = state;
  document.getElementById("clock-label").textContent = state.clock.label;
  document.getElementById("clock-elapsed").textContent = state.clock.elapsed
    ? `${state.clock.elapsed} since the start`
    : "time stands still until you fast-forward";
  document.getElementById("hint-text").textContent = state.hint;
  renderMarketplaceApi(state.marketplace_api);

  const container = document.getElementById("panes");
  for (const data of state.panes) {
    let pane = app.panes.get(data.id);
    if (!pane) {
      pane = new PaneView(data);
      app.panes.set(data.id, pane);
      container.appendChild(pane.root);
      pane.update(data, true);
    } else {
      pane.update(data, freshEpoch);
    }
  }
}

function setBusy(text) {
  app.busy = Boolean(text);
  const busy = document.getElementById("busy");
  busy.hidden = !text;
  document.getElementById("busy-text").textContent = text || "";
  for (const button of document.querySelectorAll(".travel-btn, #reset")) button.disabled = Boolean(text);
}

async function travel(seconds, label) {
  if (app.busy) return;
  setBusy(`Fast-forwarding ${label}…`);
  try {
    await postJson("/api/time", { seconds });
    render(await api("/api/state"));
  } catch (error) {
    firstPane()?.toast(error.message, true);
  } finally {
    setBusy(null);
  }
}

async function reset() {
  if (app.busy) return;
  if (!window.confirm("Start over? The sandbox database and every chat are wiped and seeded again.")) return;
  setBusy("Starting over…");
  try {
    await postJson("/api/reset", {});
    render(await api("/api/state"));
  } catch (error) {
    firstPane()?.toast(error.message, true);
  } finally {
    setBusy(null);
  }
}

function firstPane() {
  return app.panes.values().next().value;
}

function connect() {
  const banner = document.getElementById("connection");
  const source = new EventSource("/api/events");
  source.addEventListener("state", (event) => {
    banner.hidden = true;
    render(JSON.parse(event.data));
  });
  source.addEventListener("open", () => { banner.hidden = true; });
  source.addEventListener("error", () => { banner.hidden = false; });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".travel-btn")) {
    button.addEventListener("click", () => travel(Number(button.dataset.seconds), button.textContent));
  }
  document.getElementById("reset").addEventListener("click", reset);
  document.getElementById("dev-api-copy").addEventListener("click", async (event) => {
    const key = document.getElementById("dev-api-key").textContent;
    try {
      await navigator.clipboard.writeText(key);
      event.target.textContent = "Copied";
    } catch {
      // Clipboard access needs a secure context or a permission: select it for Ctrl+C.
      window.getSelection().selectAllChildren(document.getElementById("dev-api-key"));
      event.target.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => { event.target.textContent = "Copy key"; }, 2000);
  });
  api("/api/state").then(render).catch(() => {});
  connect();
});
