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
