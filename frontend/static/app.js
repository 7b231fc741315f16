// Progressive enhancement only: every page works without it.
"use strict";

// Live countdown for elements like <time data-countdown="2027-04-01T16:00:00Z">.
function updateCountdowns() {
  const now = Date.now();
  document.querySelectorAll("[data-countdown]").forEach((el) => {
    const left = Math.max(0, Date.parse(el.dataset.countdown) - now);
    const days = Math.floor(left / 86400000);
    const hours = Math.floor((left % 86400000) / 3600000);
    const minutes = Math.floor((left % 3600000) / 60000);
    const zh = document.documentElement.lang === "zh-CN";
    el.textContent = left === 0
      ? (zh ? "已截止" : "closed")
      : zh ? `${days} 天 ${hours} 小时 ${minutes} 分` : `${days} d ${hours} h ${minutes} min`;
  });
}

// Type-to-filter for long <select data-searchable> lists (the university picker). An option
// matches by its text or its data-keys (Chinese and English name, pinyin, initials), and by an
// abbreviation whose characters appear in order from the first (浙大, zju), as the server's search does.
function inOrder(needle, haystack) {
  let at = 0;
  for (const char of needle) {
    at = haystack.indexOf(char, at);
    if (at < 0) return false;
    at += 1;
  }
  return true;
}

function optionMatches(option, q) {
  const keys = (option.dataset.keys || "") + " " + option.textContent.toLowerCase();
  if (keys.includes(q)) return true;
  const compact = q.replace(/\s+/g, "");
  return compact.length >= 2 && keys.split(" ").some((key) => key[0] === compact[0] && inOrder(compact, key));
}

function enhanceSelects() {
  document.querySelectorAll("select[data-searchable]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter";
    input.placeholder = document.documentElement.lang === "zh-CN" ? "输入校名、拼音或简称筛选" : "Type a name, pinyin or abbreviation";
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase().normalize("NFKC");
      let first = null;
      select.querySelectorAll("option").forEach((option) => {
        option.hidden = Boolean(q) && option.value !== "" && !optionMatches(option, q);
        if (!option.hidden && option.value !== "" && first === null) first = option;
      });
      const current = select.selectedOptions[0];
      if (q && first && (!current || current.hidden || current.value === "")) first.selected = true;
    });
    select.before(input);
  });
}

// Ask before irreversible actions: <form data-confirm="...">.
function confirmForms() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
}

// Show only the fields the chosen kind of change needs: <label data-for-ops="op1 op2">.
function followOps() {
  document.querySelectorAll("form select[name=op]").forEach((select) => {
    const fields = select.form.querySelectorAll("[data-for-ops]");
    const update = () => fields.forEach((field) => {
      field.hidden = !field.dataset.forOps.split(" ").includes(select.value);
    });
    select.addEventListener("change", update);
    update();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  updateCountdowns();
  setInterval(updateCountdowns, 30000);
  enhanceSelects();
  confirmForms();
  followOps();
});

// Parts of a form that fit one kind of person only: <label data-for-kinds="student"> follows the
// form's kind radio buttons (a teacher is not asked for a student number; a student must pick a
// university).
function followKinds() {
  document.querySelectorAll("form").forEach((form) => {
    const radios = form.querySelectorAll("input[type=radio][name=kind]");
    if (!radios.length) return;
    const update = () => {
      const kind = form.querySelector("input[name=kind]:checked")?.value;
      form.querySelectorAll("[data-for-kinds]").forEach((part) => {
        part.hidden = !part.dataset.forKinds.split(" ").includes(kind);
      });
      const university = form.querySelector("select[name=university_id]");
      if (university) university.required = kind === "student";
    };
    radios.forEach((radio) => radio.addEventListener("change", update));
    update();
  });
}

// Copy buttons: <button data-copy="#selector" data-copied="Copied">.
function copyButtons() {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const text = document.querySelector(button.dataset.copy)?.textContent.trim() ?? "";
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector(button.dataset.copy));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        document.execCommand("copy");
      }
      const label = button.textContent;
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  followKinds();
  copyButtons();
});

// --- Entry uploads -------------------------------------------------------------------------------
// Files go from the browser straight to the object store: one POST for a small file, parts for a
// large one. Parts already sent are kept by the store, so an interrupted upload resumes (the same
// page with Resume, or later by choosing the same file again). <section data-upload-card ...>.
const UPLOAD_CONCURRENCY = 3;
const PART_RETRIES = 4;
const URL_BATCH = 20;

class UploadError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function cardText(card, name, values) {
  let text = card.dataset[name] || "";
  Object.entries(values || {}).forEach(([key, value]) => {
    text = text.split(`{${key}}`).join(String(value));
  });
  return text;
}

async function uploadApi(card, method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": card.dataset.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new UploadError(data.message || String(response.status), response.status);
  return data;
}

// XMLHttpRequest rather than fetch: only it reports upload progress.
function sendToStore(method, url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr) : reject(new UploadError("", xhr.status)));
    xhr.onerror = () => reject(new UploadError("", 0));
    xhr.ontimeout = () => reject(new UploadError("", 0));
    xhr.send(body);
  });
}

function uploadUi(card) {
  const box = card.querySelector(".upload-progress");
  const bar = box.querySelector("progress");
  const percent = box.querySelector(".upload-percent");
  const status = card.querySelector(".upload-status");
  const resume = card.querySelector(".upload-resume");
  const mb = (bytes) => (bytes / 1048576).toFixed(1);
  return {
    progress(sent, total) {
      box.hidden = false;
      const share = total ? Math.min(100, Math.floor((sent * 100) / total)) : 100;
      bar.value = share;
      percent.textContent = cardText(card, "tProgress", { percent: share, sent: mb(sent), total: mb(total) });
    },
    say(text) {
      status.textContent = text;
    },
    offerResume(action) {
      resume.hidden = false;
      resume.onclick = () => {
        resume.hidden = true;
        action();
      };
    },
    busy(flag) {
      card.querySelectorAll("[data-upload-form] button, [data-upload-form] input").forEach((el) => {
        el.disabled = flag;
      });
      card.classList.toggle("uploading", flag);
    },
  };
}

async function sendParts(card, upload, file, ui) {
  const size = upload.part_size;
  const arrived = await uploadApi(card, "GET", `/api/v1/uploads/${upload.id}/parts`);
  const done = new Set(arrived.map((part) => part.number));
  let sent = arrived.reduce((sum, part) => sum + part.size, 0);
  const queue = [];
  for (let n = 1; n <= upload.part_count; n += 1) if (!done.has(n)) queue.push(n);
  const urls = new Map();
  const inflight = new Map();
  let failed = null;
  const show = () => ui.progress(sent + [...inflight.values()].reduce((a, b) => a + b, 0), file.size);
  const urlFor = async (n) => {
    if (!urls.has(n)) {
      const wanted = [n, ...queue.filter((m) => !urls.has(m))].slice(0, URL_BATCH);
      const answer = await uploadApi(card, "POST", `/api/v1/uploads/${upload.id}/part-urls`, { numbers: wanted });
      answer.urls.forEach((part) => urls.set(part.number, part.url));
    }
    return urls.get(n);
  };
  show();
  const worker = async () => {
    while (queue.length && !failed) {
      const n = queue.shift();
      const blob = file.slice((n - 1) * size, Math.min(n * size, file.size));
      for (let attempt = 0; ; attempt += 1) {
        try {
          await sendToStore("PUT", await urlFor(n), blob, (loaded) => {
            inflight.set(n, loaded);
            show();
          });
          inflight.delete(n);
          sent += blob.size;
          show();
          break;
        } catch (error) {
          inflight.delete(n);
          if (error.status === 403) urls.delete(n); // the signed URL expired: ask for a fresh one
          if (attempt >= PART_RETRIES || (error.status >= 400 && error.status !== 403)) {
            failed = failed || error;
            return;
          }
          await sleep(1000 * 2 ** attempt);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, queue.length) }, worker));
  if (failed) throw failed;
}

async function waitForCheck(card, uploadId, ui) {
  ui.say(cardText(card, "tChecking"));
  for (let round = 0; round < 90; round += 1) {
    const upload = await uploadApi(card, "GET", `/api/v1/uploads/${uploadId}`);
    if (upload.status !== "checking") break;
    await sleep(2000);
  }
  window.location.reload();
}

async function runUpload(card, file, ui) {
  const pending = JSON.parse(card.dataset.pending || "[]");
  const resumable = pending.find((u) => u.method === "multipart" && u.size === file.size && u.filename === file.name);
  let upload = resumable;
  if (!upload) {
    const ticket = await uploadApi(card, "POST", `/api/v1/rounds/${card.dataset.round}/slots/${card.dataset.slot}/uploads`, {
      filename: file.name,
      size: file.size,
      content_type: file.type,
    });
    upload = ticket.upload;
    if (ticket.post) {
      const form = new FormData();
      Object.entries(ticket.post.fields).forEach(([key, value]) => form.append(key, value));
      form.append("file", file);
      await sendToStore("POST", ticket.post.url, form, (loaded) => ui.progress(loaded, file.size)).catch((error) => {
        if (!error.status) throw error; // the connection dropped: Resume starts it again
        throw new UploadError(cardText(card, "tRefused", { status: error.status }), error.status);
      });
    } else {
      pending.push({ ...upload, size: upload.declared_size });
      card.dataset.pending = JSON.stringify(pending);
    }
  }
  if (upload.method === "multipart") await sendParts(card, upload, file, ui);
  ui.say(cardText(card, "tFinishing"));
  await uploadApi(card, "POST", `/api/v1/uploads/${upload.id}/finalise`);
  await waitForCheck(card, upload.id, ui);
}

function enhanceUploads() {
  let running = 0;
  window.addEventListener("beforeunload", (event) => {
    if (running) event.preventDefault();
  });
  document.querySelectorAll("[data-upload-card]").forEach((card) => {
    const form = card.querySelector("[data-upload-form]");
    if (!form) return;
    const ui = uploadUi(card);
    const start = async (file) => {
      running += 1;
      ui.busy(true);
      ui.say("");
      try {
        await runUpload(card, file, ui);
      } catch (error) {
        if (error.status === 0 || error.status === 403 || error.status === undefined) {
          ui.say(cardText(card, "tInterrupted"));
          ui.offerResume(() => start(file));
          window.addEventListener("online", () => start(file), { once: true });
        } else {
          ui.say(error.message);
        }
      } finally {
        running -= 1;
        ui.busy(false);
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const file = form.querySelector("input[type=file]").files[0];
      if (!file) return;
      if (file.size > Number(card.dataset.max)) {
        ui.say(cardText(card, "tTooLarge"));
        return;
      }
      start(file);
    });
  });
}

document.addEventListener("DOMContentLoaded", enhanceUploads);

// --- Judge panel and leaderboards (issue 12) -----------------------------------------------------
// The rubric form <form data-sheet-form> saves itself as the judge types: a PUT of the whole sheet to
// the JSON API with the version the page was read at. The server refuses a stale copy (another tab,
// another phone) with 409 and a message, which is shown, and autosaving stops: nothing is silently
// overwritten. The live total follows the scores; Enter moves to the next score, Shift+Enter back,
// Ctrl+S saves, and outside a field N and P open the next and previous entry.
function sheetForm() {
  const form = document.querySelector("form[data-sheet-form]");
  if (!form) return;
  const version = form.querySelector("[data-version]");
  const status = form.querySelector("[data-status]");
  const total = form.querySelector("[data-total]");
  const scores = [...form.querySelectorAll("input[data-score]")];
  let timer = null;
  let inflight = null;
  let dirty = false;
  let stopped = false;

  const say = (text, failed) => {
    status.textContent = text;
    status.classList.toggle("error", Boolean(failed));
  };
  const sheet = () => ({
    scores: Object.fromEntries(
      scores.map((input) => [input.name.slice("score_".length), input.value.trim() === "" ? null : Number(input.value)]),
    ),
    comment: form.elements.comment.value,
    note: form.elements.note.value,
    version: Number(version.value),
  });
  const updateTotal = () => {
    if (scores.some((input) => input.value.trim() === "" || Number.isNaN(Number(input.value)))) {
      total.textContent = "—";
      return;
    }
    const sum = scores.reduce((acc, input) => acc + (Number(input.dataset.weight) * Number(input.value)) / Number(input.dataset.max), 0);
    total.textContent = String(Math.round(sum * 100) / 100);
  };
  const save = async () => {
    timer = null;
    if (stopped || !dirty) return;
    dirty = false;
    say(form.dataset.saving);
    inflight = fetch(form.dataset.api, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
      body: JSON.stringify(sheet()),
    });
    try {
      const response = await inflight;
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        version.value = answer.version;
        say(`${form.dataset.saved} ${new Date().toLocaleTimeString()}`);
      } else {
        say(form.dataset.failed.replace("{reason}", answer.message || response.status), true);
        if (response.status === 409) stopped = true;
      }
    } catch {
      dirty = true; // the network: try again shortly
      say(form.dataset.unsaved, true);
      timer = setTimeout(save, 5000);
    } finally {
      inflight = null;
    }
  };
  form.addEventListener("input", () => {
    dirty = true;
    updateTotal();
    say(form.dataset.unsaved);
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("submit", async (event) => {
    // The form names the version it was read at: let a pending save finish first.
    if (!timer && !inflight) return;
    event.preventDefault();
    const button = event.submitter;
    clearTimeout(timer);
    timer = null;
    if (inflight) await inflight.catch(() => null);
    if (dirty) await save();
    form.requestSubmit(button);
  });
  scores.forEach((input, index) => {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      (scores[index + (event.shiftKey ? -1 : 1)] || form.elements.comment).focus();
    });
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      dirty = true;
      clearTimeout(timer);
      save();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea, select")) return;
    const rel = { n: "next", p: "prev" }[event.key.toLowerCase()];
    const link = rel && document.querySelector(`a[rel=${rel}]`);
    if (link) window.location.href = link.href;
  });
}

// A live leaderboard <section data-live-board data-events="..."> follows its server-sent events: the
// whole board on every change. EventSource reconnects by itself and names the last version it saw,
// so the server sends the board again only if it changed meanwhile.
function renderBoard(section, board) {
  const english = document.documentElement.lang === "en";
  const body = section.querySelector("tbody");
  const rows = board.rows.map((row) => {
    const tr = document.createElement("tr");
    const score = row.score === null ? "—" : row.score.toFixed(2);
    const cells = [row.rank ?? "—", row.team, (english && row.university.en) || row.university.zh, score, row.sheets];
    cells.forEach((value) => {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    });
    return tr;
  });
  body.replaceChildren(...rows);
  section.querySelectorAll("[data-frozen]").forEach((note) => { note.hidden = !board.frozen; });
  section.dataset.version = board.version;
}

function liveBoards() {
  document.querySelectorAll("[data-live-board]").forEach((section) => {
    const source = new EventSource(section.dataset.events);
    source.addEventListener("board", (event) => renderBoard(section, JSON.parse(event.data)));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  sheetForm();
  liveBoards();
});

// A page waiting for the worker (<p data-reload-every="3">) reloads itself until the wait is over.
document.addEventListener("DOMContentLoaded", () => {
  const waiting = document.querySelector("[data-reload-every]");
  if (waiting) setTimeout(() => window.location.reload(), Number(waiting.dataset.reloadEvery) * 1000);
});

// The menu's "More" list closes when a click lands elsewhere or Escape is pressed, as a menu does.
function closeMenus(except) {
  document.querySelectorAll("details.nav-more[open]").forEach((menu) => {
    if (menu !== except) menu.open = false;
  });
}
document.addEventListener("click", (event) => closeMenus(event.target.closest("details.nav-more")));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeMenus(null);
});
