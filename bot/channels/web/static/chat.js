// The web chat page. Everything shown is built with createElement/textContent from the
// server's structured messages: no HTML from the server or a person is ever parsed here.
"use strict";
(() => {
  const L = JSON.parse(document.getElementById("labels").textContent);
  const log = document.getElementById("log");
  const scroller = document.querySelector("main");
  const status = document.getElementById("status");
  const input = document.getElementById("input");
  const form = document.getElementById("composer");
  const large = document.getElementById("large");
  const queue = [];  // frames typed while the connection was down, sent when it is back
  let socket = null;
  let lastId = 0;
  let retry = 500;

  // -- large text (适老化), remembered on this device --------------------------------------
  function setLarge(on) {
    document.documentElement.classList.toggle("large", on);
    large.setAttribute("aria-pressed", String(on));
    large.textContent = on ? L.normal_text : L.large_text;
    try { localStorage.setItem("servicebot.large", on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  let remembered = false;
  try { remembered = localStorage.getItem("servicebot.large") === "1"; } catch (e) { /* ignore */ }
  setLarge(remembered);
  large.addEventListener("click", () => setLarge(large.getAttribute("aria-pressed") !== "true"));

  // -- messages -----------------------------------------------------------------------------
  const STYLE_TAGS = [["code", "code"], ["b", "b"], ["i", "i"], ["u", "u"], ["s", "s"]];

  function runNode(run) {
    let node = document.createTextNode(run.text);
    for (const [key, tag] of STYLE_TAGS) {
      if (run[key]) { const el = document.createElement(tag); el.append(node); node = el; }
    }
    if (typeof run.href === "string" && /^https?:\/\//i.test(run.href)) {
      const a = document.createElement("a");
      a.href = run.href; a.target = "_blank"; a.rel = "noopener noreferrer";
      a.append(node); node = a;
    }
    return node;
  }

  function fileNode(file) {
    const a = document.createElement("a");
    a.className = "file"; a.href = file.url; a.target = "_blank"; a.rel = "noopener";
    if (file.kind === "photo") {
      const img = document.createElement("img");
      img.src = file.url; img.alt = file.name;
      a.append(img);
    } else {
      a.textContent = "📎 " + file.name + " · " + L.open_file;
    }
    return a;
  }

  function fill(el, message) {
    const body = message.body || {};
    el.replaceChildren();
    const who = document.createElement("span");
    who.className = "sr";
    who.textContent = (message.author === "bot" ? L.bot : L.you) + ": ";
    el.append(who);
    const text = document.createElement("div");
    text.className = "text";
    for (const run of body.runs || []) text.append(runNode(run));
    el.append(text);
    for (const file of body.files || []) el.append(fileNode(file));
    if (body.hint) {
      const hint = document.createElement("p");
      hint.className = "hint"; hint.textContent = body.hint;
      el.append(hint);
    }
    if (body.buttons && body.buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons"; group.setAttribute("role", "group");
      for (const row of body.buttons) {
        const line = document.createElement("div");
        line.className = "row";
        for (const b of row) {
          const button = document.createElement("button");
          button.type = "button"; button.textContent = b.label;
          button.addEventListener("click", () => send({type: "choice", data: b.data, message: message.id}));
          line.append(button);
        }
        group.append(line);
      }
      el.append(group);
    }
  }

  function show(message) {
    let el = document.getElementById("m" + message.id);
    if (!el) {
      el = document.createElement("div");
      el.id = "m" + message.id;
      el.className = "msg " + (message.author === "bot" ? "bot" : "visitor");
      el.dataset.id = String(message.id);
      // in id order, even when a push overtakes the history it belongs after
      const later = [...log.querySelectorAll(".msg")].find((m) => Number(m.dataset.id) > message.id);
      log.insertBefore(el, later || null);
    }
    fill(el, message);
    lastId = Math.max(lastId, message.id);
  }

  function notice(text) {
    const p = document.createElement("p");
    p.className = "notice"; p.textContent = text;
    log.append(p);
  }

  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function receive(frame) {
    if (frame.type === "history" || frame.type === "messages") {
      for (const m of frame.messages) show(m);
      toBottom();
      if (frame.lang && frame.lang !== document.documentElement.lang) location.reload();
    } else if (frame.type === "edit") {
      const el = document.getElementById("m" + frame.id);
      if (el) fill(el, {id: frame.id, author: "bot", body: frame.body});
    } else if (frame.type === "notice") {
      notice(frame.text); toBottom();
    }
  }

  // -- the connection -----------------------------------------------------------------------
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    else queue.push(frame);
  }

  function connect() {
    const url = new URL("ws", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("after", String(lastId));
    url.searchParams.set("lang", document.documentElement.lang);
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      status.textContent = ""; retry = 500;
      while (queue.length && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(queue.shift()));
    });
    socket.addEventListener("message", (e) => receive(JSON.parse(e.data)));
    socket.addEventListener("close", () => {
      status.textContent = L.offline;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    });
  }

  // -- typing -------------------------------------------------------------------------------
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send({type: "text", text});
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("menu").addEventListener("click", () => send({type: "command", command: "menu"}));
  const lang = document.getElementById("lang");
  lang.addEventListener("click", () => send({type: "command", command: "lang", args: lang.dataset.lang}));

  connect();
})();
